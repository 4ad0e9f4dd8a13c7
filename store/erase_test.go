package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// Erin is the person erased; each of these is hers alone, so finding any of
// them anywhere after the erasure is a trace left behind.
var erin = struct {
	name, email, profession, organisation, why, story, reason string
}{
	name: "Erin Eraseme", email: "erin.eraseme@example.org", profession: "Admiral nurse for Thornbury",
	organisation: "Larkspur Lane Surgery", why: "My grandmother Winifred was sedated for a year",
	story: "I trained twelve colleagues at the Quillfeather unit", reason: "Rota clashes at Pemberley ward",
}

// erinTraces are the strings TestEraseLeavesNoTrace looks for in every
// column of every table.
func erinTraces() []string {
	return []string{erin.name, erin.email, erin.profession, erin.organisation, "Winifred", "Quillfeather", "Pemberley"}
}

// TestEraseLeavesNoTrace gives a person every kind of record Groundswell
// keeps — pledges (one confirmed, reported done with a story, one blocked),
// an invitation into the campaign and one she sent, an account with a
// session and links, emails, webhook messages, a mention in a lead's message
// to the group and its copy in the outbox, rate-limit counts — erases her,
// and then searches every column of every table the database lists for her
// name, email and the words she wrote: none may remain. The campaign's
// figures must not move: its counts, its groups, every rollup series, and the
// rollup must still equal a rebuild.
func TestEraseLeavesNoTrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		_, _ = newWebhook(t, st, f.Campaign.ID, gs.EventCommitmentCreated, gs.EventCommitmentConfirmed, gs.EventCommitmentDone, gs.EventPersonInvited)

		// Her inviter, and someone she invited.
		inviter := pledgeConfirmed(t, st, f, "ivy@example.org", "Ivy Inviter", "")
		in := f.Pledge(erin.email)
		in.Name, in.Profession, in.OrganisationName, in.WhyItMatters, in.ContactOK = erin.name, erin.profession, erin.organisation, erin.why, true
		in.ReferralCode = inviter.Person.ReferralCode
		first, err := st.Pledge(ctx, in)
		must(t, err)
		storetest.Confirm(t, st, first.Commitment.ID)
		in.ActionID, in.ReferralCode = f.Actions[1].ID, ""
		second, err := st.Pledge(ctx, in)
		must(t, err)
		storetest.Confirm(t, st, second.Commitment.ID)
		invitee := pledgeConfirmed(t, st, f, "otto@example.org", "Otto Other", first.Person.ReferralCode)

		must(t, st.ReportOwn(ctx, erin.email, first.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}))
		must(t, st.SaveOwnStory(ctx, erin.email, first.Commitment.ID, gs.StoryInput{Text: erin.story, Public: true}))
		must(t, st.ReportOwn(ctx, erin.email, second.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeBlocked, Reason: erin.reason}))
		_, err = st.IssueLinks(ctx, second.Commitment.ID, erin.email, time.Hour, gs.TokenReportDone, gs.TokenUnsubscribe)
		must(t, err)
		must(t, st.RecordMessage(ctx, &gs.OutboxMessage{Kind: "reminder", ToEmail: erin.email, ToName: erin.name, Subject: "Reminder",
			Text: "Hello " + erin.name, Status: "outbox", CommitmentID: second.Commitment.ID}))
		u, err := st.SignInUser(ctx, erin.email)
		must(t, err)
		_, err = st.CreateSession(ctx, u.ID, time.Hour)
		must(t, err)
		signIn, err := st.IssueSignInToken(ctx, u.ID, time.Hour)
		must(t, err)
		_, err = st.AddRateCounts(ctx, []ratelimit.Count{{Key: "pledge:email:" + erin.email, WindowStart: time.Now().Unix(), Window: time.Hour, N: 2}})
		must(t, err)

		// A lead thanks her by name; the email to Otto keeps a copy.
		lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)
		body := "Thank you, " + erin.name + ", for training the team. Write to " + strings.ToUpper(erin.email) + " to join her."
		msg, err := st.SendGroupMessage(ctx, gs.GroupMessageInput{GroupID: f.Group.ID, Sender: lead, SenderRole: gs.SenderLead,
			Subject: "Well done " + erin.name, Body: body}, func(context.Context, *sql.Tx, gs.GroupMessageRecipient) error { return nil })
		must(t, err)
		must(t, st.RecordMessage(ctx, &gs.OutboxMessage{Kind: "group_message", ToEmail: "otto@example.org", ToName: "Otto Other",
			Subject: msg.Subject, Text: body, HTML: "<p>" + strings.ReplaceAll(body, ",", ",</p><p>") + "</p>", Status: "outbox",
			CommitmentID: invitee.Commitment.ID}))

		if n := traces(t, st, erinTraces()); len(n) == 0 {
			t.Fatal("before the erasure nothing of hers was found: the search does not work")
		}
		before := figures(t, st, f.Campaign.ID)

		e, err := st.Erase(ctx, gs.EraseInput{Email: " Erin.Eraseme@Example.org ", RequestedBy: gs.ErasedByPerson})
		must(t, err)
		if !strings.HasPrefix(e.Reference, "ER-") || e.Commitments != 2 || e.Relationships != 2 {
			t.Errorf("erasure = %+v, want a reference, 2 pledges and 2 relationships kept anonymous", e)
		}

		for _, found := range traces(t, st, erinTraces()) {
			t.Errorf("after the erasure: %s", found)
		}
		if after := figures(t, st, f.Campaign.ID); !reflect.DeepEqual(after, before) {
			t.Errorf("the campaign's figures changed:\nbefore %+v\nafter  %+v", before, after)
		}
		must(t, st.RebuildRollups(ctx, f.Campaign.ID))
		if rebuilt := figures(t, st, f.Campaign.ID); !reflect.DeepEqual(rebuilt, before) {
			t.Errorf("the rollup differs from a rebuild after the erasure:\nkept    %+v\nrebuilt %+v", before, rebuilt)
		}

		// Others' records stand; hers answer to no one.
		if _, err := st.SubjectAccess(ctx, erin.email); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("subject access after erasure: %v, want not found", err)
		}
		if _, err := st.Erase(ctx, gs.EraseInput{Email: erin.email, RequestedBy: gs.ErasedByPerson}); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("erasing again: %v, want not found", err)
		}
		if _, err := st.PersonByReferralCode(ctx, first.Person.ReferralCode); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("her invite code still finds someone: %v", err)
		}
		if _, err := st.Receipt(ctx, first.Commitment.ReceiptToken); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("her receipt address still opens her pledge: %v", err)
		}
		if _, _, err := st.SignInWithToken(ctx, signIn, time.Hour); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("her sign-in link after the erasure: %v, want not recognised", err)
		}
		state, err := st.FollowupState(ctx, second.Commitment.ID)
		must(t, err)
		if !state.Unsubscribed || !gs.IsErased(state.Person.Email) || state.Person.Name != "" {
			t.Errorf("her pledge's follow-up state = %+v, want unsubscribed and anonymous", state)
		}
		if other, err := st.SubjectAccess(ctx, "otto@example.org"); err != nil || len(other.Pledges) != 1 {
			t.Errorf("Otto's records: %+v, %v", other, err)
		}
		stored, err := st.GroupMessageByID(ctx, msg.ID)
		must(t, err)
		if !strings.Contains(stored.Body, "Thank you, [name removed], for training") {
			t.Errorf("the lead's message reads %q, want her name replaced and the rest kept", stored.Body)
		}
	})
}

// TestEraseALeadEndsTheirAppointments: erasing someone who also leads a
// group anonymises their account, signs them out and ends the appointment;
// an organiser's own account is refused, with a message saying why.
func TestEraseALeadEndsTheirAppointments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Leadbetter"})
		must(t, err)
		session, err := st.CreateSession(ctx, lead.ID, time.Hour)
		must(t, err)
		pledgeConfirmed(t, st, f, "lee@example.org", "Lee Leadbetter", "")

		e, err := st.Erase(ctx, gs.EraseInput{Email: "lee@example.org", RequestedBy: gs.ErasedByPerson})
		must(t, err)
		if e.Commitments != 1 {
			t.Errorf("erasure = %+v", e)
		}
		if _, err := st.SessionUser(ctx, session); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("the lead is still signed in: %v", err)
		}
		leads, err := st.GroupLeads(ctx, f.Group.ID)
		must(t, err)
		if len(leads) != 0 {
			t.Errorf("the group still has leads %+v", leads)
		}
		// The audit log keeps who made changes as a lead (article 17(3):
		// the record of what staff did); nowhere else keeps them.
		for _, found := range traces(t, st, []string{"Lee Leadbetter", "lee@example.org"}) {
			if !strings.HasPrefix(found, "audit_log.") {
				t.Errorf("after the erasure: %s", found)
			}
		}

		organiser := gs.User{Email: "olu@example.org", Name: "Olu", Role: gs.RoleOrganiser, PasswordHash: "x"}
		must(t, st.CreateUser(ctx, &organiser))
		_, err = st.Erase(ctx, gs.EraseInput{Email: "olu@example.org", RequestedBy: gs.ErasedByOrganiser, ByUserID: organiser.ID})
		if gs.ErrorCode(err) != gs.ECONFLICT || !strings.Contains(gs.ErrorMessage(err), "organiser's account") {
			t.Errorf("erasing an organiser: %v, want a conflict that says why", err)
		}
		_, err = st.Erase(ctx, gs.EraseInput{Email: "not an email", RequestedBy: gs.ErasedByOrganiser})
		if fields := gs.ErrorFields(err); fields["email"] == "" || fields["requested_by"] == "" {
			t.Errorf("a bad request: %v, want messages for the email and for who asked", err)
		}
	})
}

// TestSubjectAccessHoldsEverything: the copy of what is held names the
// consent given and the words it was given on, each pledge with its story
// and follow-up, the emails sent, and the account — and nothing of anyone
// else: the inviter is not named.
func TestSubjectAccessHoldsEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		inviter := pledgeConfirmed(t, st, f, "ivy@example.org", "Ivy Inviter", "")
		res := pledgeConfirmed(t, st, f, "sam@example.org", "Sam Subject", inviter.Person.ReferralCode)
		must(t, st.ReportOwn(ctx, "sam@example.org", res.Commitment.ID, gs.OutcomeReport{Outcome: gs.OutcomeDone}))
		must(t, st.SaveOwnStory(ctx, "sam@example.org", res.Commitment.ID, gs.StoryInput{Text: "We stopped night moves.", Public: false}))
		must(t, st.RecordMessage(ctx, &gs.OutboxMessage{Kind: "confirmation", ToEmail: "sam@example.org", Subject: "Confirm your pledge",
			Text: "Please confirm.", Status: "outbox", CommitmentID: res.Commitment.ID}))
		_, err := st.SignInUser(ctx, "sam@example.org")
		must(t, err)

		sa, err := st.SubjectAccess(ctx, "SAM@example.org")
		must(t, err)
		p := sa.Person
		switch {
		case p == nil || p.Name != "Sam Subject" || p.Email != "sam@example.org" || !p.ShowOnWall:
			t.Errorf("person = %+v", p)
		case p.ConsentVersion != gs.ConsentVersion || p.ConsentWording == nil || p.ConsentWording.WallLabel != gs.CurrentConsent().WallLabel || p.ConsentAt == nil:
			t.Errorf("consent = version %d, wording %+v, at %v; want the current wording and when", p.ConsentVersion, p.ConsentWording, p.ConsentAt)
		}
		if len(sa.Pledges) != 1 || sa.Pledges[0].Status != gs.StatusDone || sa.Pledges[0].Story == nil ||
			sa.Pledges[0].Story.Text != "We stopped night moves." || sa.Pledges[0].WhyItMatters == "" || sa.Pledges[0].ConfirmedAt == nil {
			t.Errorf("pledges = %+v", sa.Pledges)
		}
		if len(sa.Invitations) != 1 || sa.Invitations[0].Campaign != f.Campaign.Title {
			t.Errorf("invitations = %+v", sa.Invitations)
		}
		if len(sa.Emails) != 1 || sa.Emails[0].Subject != "Confirm your pledge" {
			t.Errorf("emails = %+v", sa.Emails)
		}
		if sa.Account == nil || sa.Account.Role != gs.RoleMember {
			t.Errorf("account = %+v", sa.Account)
		}
		if ivy, err := st.SubjectAccess(ctx, "ivy@example.org"); err != nil || ivy.Person.PeopleInvited != 1 {
			t.Errorf("the inviter's copy: %+v, %v; want 1 person invited", ivy.Person, err)
		}
		if _, err := st.SubjectAccess(ctx, "nobody@example.org"); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("an unknown email: %v, want not found", err)
		}

		// Choices that did not come through our form carry no version.
		api := f.Pledge("api@example.org")
		api.Channel, api.SubmissionKey = gs.ChannelAPI, "api:1:key"
		_, err = st.Pledge(ctx, api)
		must(t, err)
		sa, err = st.SubjectAccess(ctx, "api@example.org")
		must(t, err)
		if sa.Person.ConsentVersion != 0 || sa.Person.ConsentWording != nil || sa.Person.ConsentAt != nil {
			t.Errorf("an API pledge's consent = %+v, want no version", sa.Person)
		}
	})
}

// TestAppSecretIsMadeOnceAndShared: the key is random, kept, and the same
// for every store on the database (every node).
func TestAppSecretIsMadeOnceAndShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, err := st.AppSecret(ctx, "forms")
		must(t, err)
		b, err := st.AppSecret(ctx, "forms")
		must(t, err)
		other, err := st.AppSecret(ctx, "other")
		must(t, err)
		if len(a) < 32 || string(a) != string(b) || string(a) == string(other) {
			t.Errorf("keys %x, %x, %x: want one 32-byte key per name, kept", a, b, other)
		}
	})
}

// pledgeConfirmed makes a confirmed pledge to the fixture's first action,
// through an invite code when ref is given.
func pledgeConfirmed(t *testing.T, st *store.Store, f storetest.Fixture, email, name, ref string) gs.PledgeResult {
	t.Helper()
	in := f.Pledge(email)
	in.Name, in.ReferralCode = name, ref
	res, err := st.Pledge(context.Background(), in)
	must(t, err)
	storetest.Confirm(t, st, res.Commitment.ID)
	return res
}

// campaignFigures is everything the dashboards show of a campaign.
type campaignFigures struct {
	Counts gs.CampaignCounts
	Groups []gs.GroupSummary
	Series map[string][]mobilise.DayDelta
}

func figures(t *testing.T, st *store.Store, campaignID int64) campaignFigures {
	t.Helper()
	ctx := context.Background()
	var out campaignFigures
	var err error
	out.Counts, err = st.CampaignCounts(ctx, campaignID)
	must(t, err)
	out.Groups, err = st.Groups(ctx, campaignID)
	must(t, err)
	out.Series = map[string][]mobilise.DayDelta{}
	for _, s := range []string{"total", "group", "area", "organisation"} {
		out.Series[s], err = st.RollupDays(ctx, campaignID, s)
		must(t, err)
	}
	return out
}

// traces searches every column of every table the database's own catalogue
// lists — so a table added later is searched too — for each of the needles,
// in any case, and returns "table.column holds needle" for each found.
func traces(t *testing.T, st *store.Store, needles []string) []string {
	t.Helper()
	db := st.WriteDB()
	type column struct{ table, name string }
	var columns []column
	if st.Dialect() == "postgres" {
		rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
		must(t, err)
		for rows.Next() {
			var c column
			must(t, rows.Scan(&c.table, &c.name))
			columns = append(columns, c)
		}
		must(t, rows.Err())
		rows.Close()
	} else {
		var tables []string
		rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
		must(t, err)
		for rows.Next() {
			var name string
			must(t, rows.Scan(&name))
			tables = append(tables, name)
		}
		must(t, rows.Err())
		rows.Close()
		for _, table := range tables {
			rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
			must(t, err)
			for rows.Next() {
				c := column{table: table}
				must(t, rows.Scan(&c.name))
				columns = append(columns, c)
			}
			must(t, rows.Err())
			rows.Close()
		}
	}
	if len(columns) < 100 {
		t.Fatalf("the catalogue lists only %d columns: the search cannot be complete", len(columns))
	}
	placeholder := "?"
	if st.Dialect() == "postgres" {
		placeholder = "$1"
	}
	var found []string
	for _, c := range columns {
		for _, n := range needles {
			var hits int
			q := `SELECT COUNT(*) FROM "` + c.table + `" WHERE LOWER(CAST("` + c.name + `" AS TEXT)) LIKE ` + placeholder
			must(t, db.QueryRow(q, "%"+strings.ToLower(n)+"%").Scan(&hits))
			if hits > 0 {
				found = append(found, c.table+"."+c.name+" holds "+n)
			}
		}
	}
	return found
}

// TestErasureIsInTheAuditLog checks the erasure itself is recorded in the
// audit log, as whoever asked for it, by its reference and nothing else.
func TestErasureIsInTheAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		if _, err := st.Pledge(ctx, f.Pledge("asha@example.org")); err != nil {
			t.Fatal(err)
		}
		organiser := gs.Actor{UserID: 0, Name: "Olu Organiser", Email: "olu@example.org", Role: gs.RoleOrganiser, Via: "web"}
		rec, err := st.Erase(store.WithActor(ctx, organiser), gs.EraseInput{Email: "asha@example.org", RequestedBy: gs.ErasedByPerson})
		if err != nil {
			t.Fatal(err)
		}
		entries, err := st.AuditLog(ctx, store.AuditFilter{Object: gs.AuditErasure})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Label != rec.Reference || entries[0].Verb != gs.AuditErase || entries[0].Actor.Name != "Olu Organiser" {
			t.Fatalf("audit entries for the erasure: %+v, want one naming %s by its asker", entries, rec.Reference)
		}
	})
}
