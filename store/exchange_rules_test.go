package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// importPeople imports a people file, keeping the good rows.
func importPeople(t *testing.T, st *store.Store, in string) (store.ExchangeReport, []string) {
	t.Helper()
	rep, refused, err := importFile(t, in, csvio.NewPeopleReader, func(rows iter.Seq2[csvio.Person, error], o store.ImportOptions) (store.ExchangeReport, error) {
		return st.ImportPeople(context.Background(), rows, o)
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	return rep, refused
}

// consents lists a campaign's people as "email wall contact unsubscribed".
func consents(t *testing.T, st *store.Store, campaignID int64) string {
	t.Helper()
	var out []string
	err := st.ExportPeople(context.Background(), campaignID, func(p csvio.Person) error {
		out = append(out, fmt.Sprintf("%s %v %v %s", p.Email, p.ShowOnWall, p.ContactOK, csvio.FormatTime(p.UnsubscribedAt)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// A people file's opt-outs narrow the consent of people already stored; its
// opt-ins never widen it, and a column it leaves out says nothing.
func TestImportPeopleNarrowsConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		for _, p := range []struct {
			email         string
			wall, contact bool
		}{{"ann@example.org", true, true}, {"bo@example.org", true, true}, {"cy@example.org", false, false}} {
			in := f.Pledge(p.email)
			in.ShowOnWall, in.ContactOK = p.wall, p.contact
			if _, err := st.Pledge(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		rep, refused := importPeople(t, st, "email,name,show_on_wall,contact_ok,unsubscribed_at\n"+
			"ann@example.org,Ann,false,true,2026-02-01T09:00:00Z\n"+ // off the wall, unsubscribed
			"bo@example.org,Bo,true,true,\n"+ // as stored
			"cy@example.org,Cy,true,true,\n") // an opt-in: no
		if len(refused) != 0 || rep.Updated != 1 || rep.Kept != 2 || rep.Inserted != 0 {
			t.Fatalf("report %+v, refused %q", rep, refused)
		}
		want := "ann@example.org false true 2026-02-01T09:00:00.000Z; bo@example.org true true ; cy@example.org false false "
		if got := consents(t, st, f.Campaign.ID); got != want {
			t.Errorf("consents\n%s\nwant\n%s", got, want)
		}
		// No consent columns: nothing said, nothing changed. Without
		// show_on_wall, only contact is narrowed; a later time to
		// unsubscribe does not move the first.
		rep, _ = importPeople(t, st, "email,name\nann@example.org,Ann\nbo@example.org,Bo\n")
		if rep.Updated != 0 || rep.Kept != 2 {
			t.Errorf("a file without consents: report %+v", rep)
		}
		rep, _ = importPeople(t, st, "email,name,contact_ok,unsubscribed_at\nbo@example.org,Bo,no,\nann@example.org,Ann,yes,2026-03-01T09:00:00Z\n")
		if rep.Updated != 1 || rep.Kept != 1 {
			t.Errorf("a file without show_on_wall: report %+v", rep)
		}
		want = "ann@example.org false true 2026-02-01T09:00:00.000Z; bo@example.org true false ; cy@example.org false false "
		if got := consents(t, st, f.Campaign.ID); got != want {
			t.Errorf("consents\n%s\nwant\n%s", got, want)
		}
	})
}

// An organisations file without an area_code column leaves the areas of
// those it updates as they are; one without an ods_code column finds an
// organisation by name whatever its code, and refuses a name two share.
func TestImportOrganisationsAbsentColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		imp := func(in string) (store.ExchangeReport, []string) {
			t.Helper()
			rep, refused, err := importFile(t, in, csvio.NewOrganisationReader,
				func(rows iter.Seq2[csvio.Organisation, error], o store.ImportOptions) (store.ExchangeReport, error) {
					return st.ImportOrganisations(ctx, rows, o)
				}, true)
			if err != nil {
				t.Fatal(err)
			}
			return rep, refused
		}
		rep, refused := imp("name,ods_code,sector\nRiverside Pharmacy Ltd,FA123,Community pharmacy\n")
		o, err := st.OrganisationByID(ctx, f.Org.ID)
		if err != nil || len(refused) != 0 || rep.Updated != 1 || o.Name != "Riverside Pharmacy Ltd" || o.AreaID != f.AreaID {
			t.Errorf("without area_code: report %+v, refused %q, organisation %+v (area %d), %v", rep, refused, o, f.AreaID, err)
		}
		for _, code := range []string{"T1", "T2"} {
			twin := gs.Organisation{Name: "Twin Practice", ODSCode: code, Sector: "General practice"}
			if err := st.CreateOrganisation(ctx, &twin); err != nil {
				t.Fatal(err)
			}
		}
		before, err := st.Organisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rep, refused = imp("name,sector\nRiverside Pharmacy Ltd,Other\nTwin Practice,Other\n")
		want := `[line 3: name: 2 organisations with ODS codes are called "Twin Practice": add an ods_code column to say which]`
		if rep.Updated != 1 || rep.Inserted != 0 || fmt.Sprint(refused) != want {
			t.Errorf("without ods_code: report %+v, refused %q", rep, refused)
		}
		after, err := st.Organisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		o, err = st.OrganisationByID(ctx, f.Org.ID)
		if err != nil || len(after) != len(before) || o.Sector != "Other" || o.ODSCode != "FA123" || o.AreaID != f.AreaID {
			t.Errorf("without ods_code: %d organisations, %d before; %+v, %v", len(after), len(before), o, err)
		}
	})
}

// queued marks every pledge awaiting its confirmation email as queued, as
// the outbox's dispatcher does, and returns their ids.
func queued(t *testing.T, st *store.Store) []int64 {
	t.Helper()
	var ids []int64
	if _, err := st.QueueConfirmations(context.Background(), 1000, func(_ *sql.Tx, got []int64) error { ids = got; return nil }); err != nil {
		t.Fatal(err)
	}
	return ids
}

// An imported pledge awaiting confirmation is emailed a link to confirm it,
// and its week to confirm runs from that email, not from when it was made
// elsewhere long before. A confirmed one is emailed nothing.
func TestImportCommitmentsAwaitingConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { return now }
		importPeople(t, st, "email,name\nann@example.org,Ann\nbo@example.org,Bo\n")
		a := f.Actions[0].Title
		in := "email,group,action,status,created_at,confirmed_at\n" +
			"ann@example.org," + f.Group.Slug + "," + a + ",pledged,2026-01-05T09:00:00Z,\n" +
			"bo@example.org," + f.Group.Slug + "," + a + ",pledged,2026-01-05T09:00:00Z,2026-01-05T10:00:00Z\n"
		rep, refused, err := importFile(t, in, csvio.NewCommitmentReader,
			func(rows iter.Seq2[csvio.Commitment, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportCommitments(ctx, f.Campaign.ID, rows, o)
			}, false)
		if err != nil || rep.Inserted != 2 || len(refused) != 0 {
			t.Fatalf("report %+v, refused %q, err %v", rep, refused, err)
		}
		// Not removed before its email, though made months ago.
		if n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour); err != nil || n != 0 {
			t.Fatalf("before the email: %d removed, %v", n, err)
		}
		ids := queued(t, st)
		if len(ids) != 1 {
			t.Fatalf("confirmation emails queued for %v, want Ann's pledge alone", ids)
		}
		rc, err := st.ReceiptByCommitment(ctx, ids[0])
		if err != nil || rc.Person.Email != "ann@example.org" {
			t.Fatalf("queued %+v, %v", rc, err)
		}
		now = now.Add(6 * 24 * time.Hour)
		if n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour); err != nil || n != 0 {
			t.Fatalf("within the week from the email: %d removed, %v", n, err)
		}
		now = now.Add(2 * 24 * time.Hour)
		if n, err := st.ExpireUnconfirmed(ctx, 7*24*time.Hour); err != nil || n != 1 {
			t.Fatalf("after the week: %d removed, %v", n, err)
		}
	})
}

// A people file holds those with a pledge in the campaign, with whether one
// is confirmed: not an inviter who never pledged in it. The archive carries
// such inviters, since its records name them, and imports.
func TestExportPeopleOfTheCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		other := gs.Campaign{Title: "Another call", Purpose: "To be elsewhere.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		must(t, st.CreateCampaign(ctx, &other))
		g := gs.Group{CampaignID: other.ID, Name: "Carers", Goal: "Care.", Target: 10}
		must(t, st.CreateGroup(ctx, &g))
		elsewhere := gs.Action{GroupID: g.ID, Title: "Talk", DueOn: gs.MustDate("2027-01-31"), Target: 5}
		must(t, st.CreateAction(ctx, &elsewhere))

		pledge := func(email string, action int64, code string) gs.PledgeResult {
			t.Helper()
			in := f.Pledge(email)
			in.ActionID, in.ReferralCode = action, code
			res, err := st.Pledge(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		ann := pledge("ann@example.org", f.Actions[0].ID, "")
		storetest.Confirm(t, st, ann.Commitment.ID)
		zed := pledge("zed@example.org", elsewhere.ID, "") // never pledged in the campaign
		pledge("bo@example.org", f.Actions[0].ID, ann.Person.ReferralCode)
		pledge("cy@example.org", f.Actions[0].ID, zed.Person.ReferralCode) // zed invited cy into it
		// Invited into the campaign by Ann; this pledge through Dee's link
		// names Dee, who is in no edge of the campaign.
		dee := pledge("dee@example.org", elsewhere.ID, "")
		pledge("eve@example.org", f.Actions[0].ID, ann.Person.ReferralCode)
		pledge("eve@example.org", f.Actions[1].ID, dee.Person.ReferralCode)

		var got []string
		must(t, st.ExportPeople(ctx, f.Campaign.ID, func(p csvio.Person) error {
			got = append(got, fmt.Sprintf("%s %v", p.Email, p.Confirmed))
			return nil
		}))
		want := "ann@example.org true, bo@example.org false, cy@example.org false, eve@example.org false"
		if strings.Join(got, ", ") != want {
			t.Errorf("people exported: %s\nwant %s", strings.Join(got, ", "), want)
		}
		if n, err := st.ExportCount(ctx, "people", f.Campaign.ID); err != nil || n != 4 {
			t.Errorf("ExportCount = %d, %v", n, err)
		}
		file := export(t, st, "people", f.Campaign.ID)
		if !bytes.HasPrefix(file, []byte(strings.Join(csvio.PeopleColumns, ",")+"\n")) || !bytes.HasSuffix(bytes.Split(file, []byte("\n"))[1], []byte(",true")) {
			t.Errorf("people.csv:\n%s", file)
		}

		var archive bytes.Buffer
		if _, err := st.ExportCampaign(ctx, f.Campaign.Slug, &archive, nil); err != nil {
			t.Fatal(err)
		}
		people := string(archiveFiles(t, archive.Bytes())["people.csv"])
		for _, email := range []string{"zed@example.org", "dee@example.org"} {
			if !strings.Contains(people, email) {
				t.Errorf("the archive's people.csv lacks %s, whom its records name:\n%s", email, people)
			}
		}
		dst := storetest.Open(t)
		rep, err := dst.ImportCampaign(ctx, bytes.NewReader(archive.Bytes()), int64(archive.Len()), store.ArchiveImportOptions{
			Reject: func(file string, line int, reason string) { t.Errorf("%s:%d: %s", file, line, reason) }})
		if err != nil || rep.PeopleAdded != 6 {
			t.Errorf("importing the archive: %+v, %v", rep, err)
		}
	})
}

// An archive's pledges awaiting confirmation are emailed a link to confirm
// them where they land; its opt-outs narrow the consents of people there.
func TestArchiveAwaitingConfirmationAndConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		in := f.Pledge("ann@example.org")
		in.ContactOK = false
		if _, err := st.Pledge(ctx, in); err != nil {
			t.Fatal(err)
		}
		if len(queued(t, st)) != 1 {
			t.Fatal("the pledge's email was not queued")
		}
		var archive bytes.Buffer
		if _, err := st.ExportCampaign(ctx, f.Campaign.Slug, &archive, nil); err != nil {
			t.Fatal(err)
		}
		// Imported beside the original: Ann is matched, the pledge new.
		rep, err := st.ImportCampaign(ctx, bytes.NewReader(archive.Bytes()), int64(archive.Len()), store.ArchiveImportOptions{Slug: "copy"})
		if err != nil || rep.PeopleMatched != 1 || rep.PeopleNarrowed != 0 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		if ids := queued(t, st); len(ids) != 1 {
			t.Errorf("confirmation emails queued for %v, want the imported pledge's", ids)
		}

		// Elsewhere, Ann agreed to contact; the archive says she did not.
		dst := storetest.Open(t)
		g := storetest.Seed(t, dst)
		there := g.Pledge("ann@example.org")
		there.ContactOK = true
		if _, err := dst.Pledge(ctx, there); err != nil {
			t.Fatal(err)
		}
		rep, err = dst.ImportCampaign(ctx, bytes.NewReader(archive.Bytes()), int64(archive.Len()), store.ArchiveImportOptions{Slug: "copy"})
		if err != nil || rep.PeopleMatched != 1 || rep.PeopleNarrowed != 1 {
			t.Fatalf("import: %+v, %v", rep, err)
		}
		if got := consents(t, dst, g.Campaign.ID); got != "ann@example.org true false " {
			t.Errorf("consents after the import: %s", got)
		}
	})
}

// On PostgreSQL a commitments import holds its campaign's row against
// rollup changes, not against new pledges: one made meanwhile is stored at
// once. (SQLite writes one transaction at a time.)
func TestImportCommitmentsLetsPledgesThrough(t *testing.T) {
	st := storetest.OpenPostgres(t)
	ctx := context.Background()
	f := storetest.Seed(t, st)
	importPeople(t, st, "email,name\nann@example.org,Ann\n")
	pledged := make(chan error, 1)
	rows := func(yield func(csvio.Commitment, error) bool) {
		// The import holds its lock by now: pledge meanwhile.
		go func() {
			_, err := st.Pledge(ctx, f.Pledge("bo@example.org"))
			pledged <- err
		}()
		select {
		case err := <-pledged:
			if err != nil {
				t.Errorf("pledge during the import: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("a pledge waited for a commitments import to end")
		}
		yield(csvio.Commitment{Line: 2, Email: "ann@example.org", Group: f.Group.Slug, Action: f.Actions[1].Title, Status: gs.StatusPledged,
			OnBehalf: gs.OnBehalfSelf, Channel: gs.ChannelImport, CreatedAt: time.Now(), UpdatedAt: time.Now(), ConfirmedAt: time.Now()}, nil)
	}
	if _, err := st.ImportCommitments(ctx, f.Campaign.ID, rows, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-pledged:
		if err != nil {
			t.Fatal(err)
		}
	default:
	}
	if c := counts(t, st, f.Campaign.ID); c.Commitments+c.Awaiting != 2 {
		t.Errorf("counts after: %+v", c)
	}
}
