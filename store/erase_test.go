package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/jobs"
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
	name: "Erin Eraseme", email: "erin.eraseme+ward7@example.org", profession: "Admiral nurse for Thornbury",
	organisation: "Larkspur Lane Surgery", why: "My grandmother Winifred was sedated for a year",
	story: "I trained twelve colleagues at the Quillfeather unit", reason: "Rota clashes at Pemberley ward",
}

// erinTraces are the strings TestEraseLeavesNoTrace looks for in every
// column of every table. Her address has a '+', which html/template writes
// as "&#43;": the part after it is looked for too, so the address is found
// however it was escaped.
func erinTraces() []string {
	return []string{erin.name, erin.email, "eraseme&#43;ward7", "ward7@example.org", erin.profession, erin.organisation,
		"Winifred", "Quillfeather", "Pemberley"}
}

// TestEraseLeavesNoTrace gives a person every kind of record Groundswell
// keeps — pledges (one confirmed, reported done with a story, one blocked),
// an invitation into the campaign and one she sent, an account with a
// session and links, emails, webhook messages, a mention in a lead's message
// to the group and its copy in the outbox (HTML as html/template writes it),
// rate-limit counts, a webhook receiver's error quoting her address, and
// the job queue's records of a failed email to her — erases her, and then
// searches every column of every table the database lists, the job queue's
// included, for her name, email and the words she wrote: none may remain. The campaign's
// figures must not move: its counts, its groups, every rollup series, and the
// rollup must still equal a rebuild.
func TestEraseLeavesNoTrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		// The job queue's tables, as a running installation has them.
		must(t, jobs.Migrate(ctx, st.WriteDB(), st.Dialect()))
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
		var html strings.Builder
		must(t, template.Must(template.New("email").Parse(`<p>{{range .}}{{.}}</p><p>{{end}}</p>`)).Execute(&html, strings.SplitAfter(body, ",")))
		must(t, st.RecordMessage(ctx, &gs.OutboxMessage{Kind: "group_message", ToEmail: "otto@example.org", ToName: "Otto Other",
			Subject: msg.Subject, Text: body, HTML: html.String(), Status: "outbox", CommitmentID: invitee.Commitment.ID}))
		if !strings.Contains(html.String(), "ERASEME&#43;WARD7@EXAMPLE.ORG") {
			t.Fatalf("the HTML does not escape her address as html/template does:\n%s", html.String())
		}

		// A receiver answered every webhook message with an error that
		// quotes her address: hers, and Otto's, which names her nowhere else.
		_, err = st.WriteDB().ExecContext(ctx, `UPDATE webhook_deliveries SET last_error = '422 from the receiver: duplicate contact `+erin.email+`'`)
		must(t, err)

		// The job queue's records: an email to her the mail server refused
		// once, then sent; one still to try again; and someone else's.
		mailError := `[{"at":"2026-03-01T09:00:00Z","attempt":1,"error":"send mail to ` + erin.email + `: 452 mailbox full","trace":""}]`
		finished := riverJob(t, st, "send_followup", "completed", `{"commitment_id":1,"step":"remind"}`, mailError)
		waiting := riverJob(t, st, "send_group_message", "retryable", `{"message_id":1,"person_id":1}`, mailError)
		others := riverJob(t, st, "send_followup", "completed", `{"commitment_id":2,"step":"remind"}`, "")

		if n := traces(t, st, erinTraces()); len(n) == 0 {
			t.Fatal("before the erasure nothing of hers was found: the search does not work")
		}
		before := figures(t, st, f.Campaign.ID)

		e, err := st.Erase(ctx, gs.EraseInput{Email: " Erin.Eraseme+Ward7@Example.org ", RequestedBy: gs.ErasedByPerson})
		must(t, err)
		if !strings.HasPrefix(e.Reference, "ER-") || e.Commitments != 2 || e.Relationships != 2 {
			t.Errorf("erasure = %+v, want a reference, 2 pledges and 2 relationships kept anonymous", e)
		}

		for _, found := range traces(t, st, erinTraces()) {
			t.Errorf("after the erasure: %s", found)
		}
		// Her finished job is gone; the one still to run keeps its attempt
		// error (River counts attempts by them), without her address.
		jobsLeft := riverJobs(t, st)
		if _, ok := jobsLeft[finished]; ok {
			t.Errorf("the finished job that quoted her address is still kept: %v", jobsLeft)
		}
		if errs := jobsLeft[waiting]; !strings.Contains(errs, "send mail to [name removed]: 452 mailbox full") {
			t.Errorf("the job still to run has errors %q, want her address replaced and the rest kept", errs)
		}
		if _, ok := jobsLeft[others]; !ok {
			t.Errorf("someone else's job was removed: %v", jobsLeft)
		}
		var withErrors int
		must(t, st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE last_error <> ''`).Scan(&withErrors))
		if withErrors != 0 {
			t.Errorf("%d webhook deliveries keep the receiver's error", withErrors)
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
// group and represents an organisation anonymises their account, signs them
// out and ends the appointments, each end in the audit log by user id as
// the appointment was. The entries of changes they made as a lead stay, by
// user id, without their name and email. An organiser's own account is
// refused, with a message saying why.
func TestEraseALeadEndsTheirAppointments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Leadbetter"})
		must(t, err)
		_, err = st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "lee@example.org", Name: "Lee Leadbetter"})
		must(t, err)
		session, err := st.CreateSession(ctx, lead.ID, time.Hour)
		must(t, err)
		pledgeConfirmed(t, st, f, "lee@example.org", "Lee Leadbetter", "")
		// A change made as the lead, signed in: the entry names them.
		asLead := store.WithActor(ctx, gs.Actor{UserID: lead.ID, Name: "Lee Leadbetter", Email: "lee@example.org", Role: "group lead", Via: "web"})
		must(t, st.SetDigest(asLead, lead.ID, false))
		sa, err := st.SubjectAccess(ctx, "lee@example.org")
		must(t, err)
		if sa.Account == nil || len(sa.Account.Changes) != 1 || sa.Account.Changes[0].Object != gs.AuditDigest || sa.Account.Changes[0].Role != "group lead" {
			t.Errorf("subject access lists the changes made %+v, want the digest stopped as a group lead", sa.Account)
		}

		// An organiser erases them, on their behalf.
		organiser := gs.User{Email: "olu@example.org", Name: "Olu", Role: gs.RoleOrganiser, PasswordHash: "x"}
		must(t, st.CreateUser(ctx, &organiser))
		asOrganiser := store.WithActor(ctx, gs.Actor{UserID: organiser.ID, Name: "Olu", Email: "olu@example.org", Role: gs.RoleOrganiser, Via: "web"})
		e, err := st.Erase(asOrganiser, gs.EraseInput{Email: "lee@example.org", RequestedBy: gs.ErasedByOrganiser, ByUserID: organiser.ID})
		must(t, err)
		if e.Commitments != 1 {
			t.Errorf("erasure = %+v", e)
		}
		if _, err := st.SessionUser(ctx, session); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("the lead is still signed in: %v", err)
		}
		leads, err := st.GroupLeads(ctx, f.Group.ID)
		must(t, err)
		reps, err := st.OrganisationReps(ctx, f.Org.ID)
		must(t, err)
		if len(leads) != 0 || len(reps) != 0 {
			t.Errorf("the group still has leads %+v, the organisation representatives %+v", leads, reps)
		}
		// Nothing keeps their name or email, the audit log included.
		for _, found := range traces(t, st, []string{"Lee Leadbetter", "lee@example.org"}) {
			t.Errorf("after the erasure: %s", found)
		}
		// The change they made stays, by their user id.
		digests, err := st.AuditLog(ctx, store.AuditFilter{Object: gs.AuditDigest})
		must(t, err)
		if len(digests) != 1 || digests[0].Actor.UserID != lead.ID || digests[0].Actor.Role != "group lead" || digests[0].Actor.Name != "" {
			t.Errorf("the lead's own change after the erasure: %+v, want it kept by user id, without their name", digests)
		}
		// The appointments' ends, by the organiser, under the group (in
		// the campaign's log) and the organisation.
		ends := map[string]gs.AuditEntry{}
		for _, scope := range []int64{f.Campaign.ID, 0} {
			entries, err := st.AuditLog(ctx, store.AuditFilter{CampaignID: scope})
			must(t, err)
			for _, en := range entries {
				if en.Verb == gs.AuditDelete {
					ends[en.Object] = en
				}
			}
		}
		want := fmt.Sprintf(`{"user_id":%d}`, lead.ID)
		for object, id := range map[string]int64{gs.AuditGroupLead: f.Group.ID, gs.AuditOrganisationRep: f.Org.ID} {
			if en, ok := ends[object]; !ok || en.ObjectID != id || string(en.Before) != want || en.Actor.UserID != organiser.ID {
				t.Errorf("the end of the %s appointment: %+v, want it under %d, before %s, by the organiser", object, en, id, want)
			}
		}

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

// traces is storetest.Traces: every column of every table, searched.
func traces(t *testing.T, st *store.Store, needles []string) []string {
	t.Helper()
	return storetest.Traces(t, st, needles)
}

// TestErasureIsInTheAuditLog checks the erasure itself is recorded in the
// audit log by its reference and nothing else: as the organiser who made
// it, or, when the person asked themself, signed in, as no one — never as
// the person, whose name and email the entry would keep for good.
func TestErasureIsInTheAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		for _, email := range []string{"asha@example.org", "sam.self@example.org"} {
			if _, err := st.Pledge(ctx, f.Pledge(email)); err != nil {
				t.Fatal(err)
			}
		}
		organiser := gs.User{Email: "olu@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
		must(t, st.CreateUser(ctx, &organiser))
		asOrganiser := store.WithActor(ctx, gs.Actor{UserID: organiser.ID, Name: organiser.Name, Email: organiser.Email, Role: gs.RoleOrganiser, Via: "web"})
		byOrganiser, err := st.Erase(asOrganiser, gs.EraseInput{Email: "asha@example.org", RequestedBy: gs.ErasedByOrganiser, ByUserID: organiser.ID})
		must(t, err)

		// Signed in, the web app's middleware records every change as
		// theirs.
		sam, err := st.SignInUser(ctx, "sam.self@example.org")
		must(t, err)
		asSam := store.WithActor(ctx, gs.Actor{UserID: sam.ID, Name: "Sam Self", Email: "sam.self@example.org", Role: gs.RoleMember, Via: "web"})
		bySam, err := st.Erase(asSam, gs.EraseInput{Email: "sam.self@example.org", RequestedBy: gs.ErasedByPerson})
		must(t, err)

		entries, err := st.AuditLog(ctx, store.AuditFilter{Object: gs.AuditErasure})
		must(t, err)
		if len(entries) != 2 {
			t.Fatalf("audit entries for the erasures: %+v, want 2", entries)
		}
		if e := entries[0]; e.Label != byOrganiser.Reference || e.Verb != gs.AuditErase || e.Actor.UserID != organiser.ID || e.Actor.Name != "Olu Organiser" {
			t.Errorf("the organiser's erasure: %+v, want %s by the organiser", e, byOrganiser.Reference)
		}
		if e := entries[1]; e.Label != bySam.Reference || e.Actor != gs.ErasedPersonActor || e.Actor.IsSystem() {
			t.Errorf("the person's own erasure: %+v, want %s by %+v", e, bySam.Reference, gs.ErasedPersonActor)
		}
		for _, found := range traces(t, st, []string{"Sam Self", "sam.self@example.org"}) {
			t.Errorf("after the erasure: %s", found)
		}
	})
}

// riverJob adds a record to the job queue's table as River keeps one — a
// job of a kind, in a state, with its arguments and its attempts' errors
// (JSON; "" for none) — and returns its id.
func riverJob(t *testing.T, st *store.Store, kind, state, args, errors string) int64 {
	t.Helper()
	finalized := "NULL"
	if state == "completed" || state == "discarded" || state == "cancelled" {
		finalized = "CURRENT_TIMESTAMP"
	}
	var errs any
	if errors != "" {
		errs = errors
	}
	q := `INSERT INTO river_job (kind, state, args, errors, attempt, finalized_at) VALUES (?, ?, jsonb(?), jsonb(?), 1, ` + finalized + `) RETURNING id`
	if st.Dialect() == "postgres" {
		q = `INSERT INTO river_job (kind, state, args, errors, attempt, finalized_at) VALUES ($1, CAST($2 AS river_job_state), CAST($3 AS jsonb),
			ARRAY(SELECT jsonb_array_elements(CAST($4 AS jsonb))), 1, ` + finalized + `) RETURNING id`
	}
	var id int64
	must(t, st.WriteDB().QueryRowContext(context.Background(), q, kind, state, args, errs).Scan(&id))
	return id
}

// riverJobs reads the job queue's records: each job's errors as JSON text
// ("" for none), by id.
func riverJobs(t *testing.T, st *store.Store) map[int64]string {
	t.Helper()
	q := `SELECT id, COALESCE(json(errors), '') FROM river_job`
	if st.Dialect() == "postgres" {
		q = `SELECT id, COALESCE(CAST(array_to_json(errors) AS TEXT), '') FROM river_job`
	}
	rows, err := st.WriteDB().QueryContext(context.Background(), q)
	must(t, err)
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var errs string
		must(t, rows.Scan(&id, &errs))
		out[id] = errs
	}
	must(t, rows.Err())
	return out
}
