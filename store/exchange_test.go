package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// rowsOf yields the good rows of a CSV file read with a csvio reader; a bad
// row fails the test.
func rowsOf[T any](t *testing.T, r *csvio.Reader[T], err error) iter.Seq2[T, error] {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return func(yield func(T, error) bool) {
		for {
			v, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Errorf("reading the file: %v", err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// export writes one of a campaign's exports as CSV.
func export(t *testing.T, st *store.Store, kind string, campaignID int64) []byte {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	var err error
	switch kind {
	case "people":
		w, _ := csvio.NewPeopleWriter(&b, csvio.Options{})
		err = st.ExportPeople(ctx, campaignID, w.Write)
		w.Flush()
	case "organisations":
		w, _ := csvio.NewOrganisationWriter(&b, csvio.Options{})
		err = st.ExportOrganisations(ctx, campaignID, w.Write)
		w.Flush()
	case "commitments":
		w, _ := csvio.NewCommitmentWriter(&b, csvio.Options{})
		err = st.ExportCommitments(ctx, campaignID, w.Write)
		w.Flush()
	case "observations":
		w, _ := csvio.NewObservationWriter(&b, csvio.Options{})
		err = st.ExportObservations(ctx, campaignID, w.Write)
		w.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExchangeRoundTrip exports the demo campaign's people, organisations,
// commitments and observations, imports them into an installation with the
// same campaign but none of those, and exports them again: the files are
// the same, and so are the campaign's figures.
func TestExchangeRoundTrip(t *testing.T) {
	src := openDemo(t)
	ds := demo.Generate()
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		ctx := context.Background()
		// The same campaigns, groups, actions and indicators, loaded in the
		// same order (so with the same ids), without what the files carry.
		bare := *ds
		bare.Organisations, bare.Alliance, bare.People, bare.Commitments, bare.Relationships, bare.Observations = nil, nil, nil, nil, nil, nil
		if err := dst.LoadDataset(ctx, &bare); err != nil {
			t.Fatal(err)
		}
		a, err := src.CampaignBySlug(ctx, demo.CampaignSlug)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dst.CampaignBySlug(ctx, demo.CampaignSlug)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, kind := range []string{"organisations", "people", "commitments", "observations"} {
			files[kind] = export(t, src, kind, a.ID)
			n, err := src.ExportCount(ctx, kind, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if lines := int64(bytes.Count(files[kind], []byte("\n"))); n == 0 || lines < n+1 {
				t.Errorf("%s: %d lines for %d rows", kind, lines, n)
			}
		}
		opt := store.ImportOptions{Reject: func(line int, reason string) { t.Errorf("line %d: %s", line, reason) }}
		r1, err := csvio.NewOrganisationReader(bytes.NewReader(files["organisations"]))
		if _, err := dst.ImportOrganisations(ctx, rowsOf(t, r1, err), opt); err != nil {
			t.Fatal(err)
		}
		r2, err := csvio.NewPeopleReader(bytes.NewReader(files["people"]))
		if _, err := dst.ImportPeople(ctx, rowsOf(t, r2, err), opt); err != nil {
			t.Fatal(err)
		}
		r3, err := csvio.NewCommitmentReader(bytes.NewReader(files["commitments"]))
		rep, err := dst.ImportCommitments(ctx, b.ID, rowsOf(t, r3, err), opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted == 0 || rep.Inserted != rep.Rows {
			t.Errorf("commitments report %+v", rep)
		}
		r4, err := csvio.NewReader(bytes.NewReader(files["observations"]), nil)
		var obs []store.ObservationRecord
		for r := range rowsOf(t, r4, err) {
			obs = append(obs, store.ObservationRecord{Indicator: r.Indicator, AreaCode: r.AreaCode, AreaName: r.AreaName, Period: r.Period,
				Numerator: r.Numerator, Denominator: r.Denominator, Value: r.Value, Synthetic: r.Synthetic})
		}
		if _, err := dst.ImportObservations(ctx, records(obs...), nil); err != nil {
			t.Fatal(err)
		}

		for kind, want := range files {
			id := b.ID
			if kind == "organisations" {
				id = 0 // all of them: the alliance, which names more, is not in these files
			}
			if got := export(t, dst, kind, id); !bytes.Equal(got, want) {
				t.Errorf("%s differ after the round trip:\n%s", kind, firstLineDiff(got, want))
			}
		}
		ca, err := src.CampaignCounts(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := dst.CampaignCounts(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		ca.Organisations = 0 // the alliance is not in these files
		if ca != cb {
			t.Errorf("figures after the round trip %+v, before %+v", cb, ca)
		}
	})
}

// firstLineDiff shows the first line where two files differ.
func firstLineDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d\n got %q\nwant %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}

// importFile runs an import of a CSV text, returning its report, error and
// the rows it refused as "line N: reason".
func importFile[T any](t *testing.T, in string, open func(io.Reader) (*csvio.Reader[T], error),
	imp func(iter.Seq2[T, error], store.ImportOptions) (store.ExchangeReport, error), keepGood bool) (store.ExchangeReport, []string, error) {
	t.Helper()
	r, err := open(strings.NewReader(in))
	var refused []string
	rep, err := imp(rowsOf(t, r, err), store.ImportOptions{KeepGood: keepGood,
		Reject: func(line int, reason string) { refused = append(refused, fmt.Sprintf("line %d: %s", line, reason)) }})
	return rep, refused, err
}

func TestImportPeopleRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		people := func(in string, keep bool) (store.ExchangeReport, []string, error) {
			return importFile(t, in, csvio.NewPeopleReader, func(rows iter.Seq2[csvio.Person, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportPeople(ctx, rows, o)
			}, keep)
		}
		// Someone who pledged keeps what they gave; Ann is new.
		pledged, err := st.Pledge(ctx, gs.PledgeInput{ActionID: f.Actions[0].ID, Name: "Bo Original", Email: "bo@example.org", Profession: "GP", AreaID: f.AreaID})
		if err != nil {
			t.Fatal(err)
		}
		in := "email,name,organisation_ods_code,area_code,referral_code,created_at\n" +
			"ann@example.org,Ann,FA123,E92000001,,2025-05-01T10:00:00Z\n" +
			"BO@example.org,Bo Renamed,,,,\n" +
			"cy@example.org,Cy,ZZ999,E99,,\n" + // 4: unknown organisation and area
			"di@example.org,Di,,,ABCDEFGH12,\n" +
			"ed@example.org,Ed,,,ABCDEFGH12,\n" // 6: Di's code
		_, refused, err := people(in, false)
		want := []string{
			"line 4: organisation_ods_code: no organisation has the ODS code ZZ999: import organisations first; area_code: no area has the code E99: add it under Areas first",
			"line 6: referral_code: ABCDEFGH12 is also the code of line 5",
		}
		if !errors.Is(err, store.ErrBadRows) || fmt.Sprint(refused) != fmt.Sprint(want) {
			t.Fatalf("err %v, refused\n%q\nwant\n%q", err, refused, want)
		}
		if _, err := st.ImportPeople(ctx, func(func(csvio.Person, error) bool) {}, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := exportedPeople(t, st, f.Campaign.ID); n != "bo@example.org Bo Original" {
			t.Errorf("after a refused import, the campaign's people are %q", n)
		}

		rep, _, err := people(in, true)
		if err != nil || rep.Inserted != 2 || rep.Kept != 1 || rep.Rejected != 2 || rep.Rows != 3 {
			t.Fatalf("keep-good: report %+v, err %v", rep, err)
		}
		var ann, bo gs.Person
		own, err := st.OwnCommitments(ctx, "bo@example.org")
		if err != nil || len(own) != 1 {
			t.Fatal(own, err)
		}
		bo = own[0].Person
		if bo.Name != "Bo Original" || bo.ReferralCode != pledged.Person.ReferralCode {
			t.Errorf("Bo was changed by the import: %+v", bo)
		}
		// Ann has no pledge: pledge for her to see what was stored.
		res, err := st.Pledge(ctx, gs.PledgeInput{ActionID: f.Actions[0].ID, Name: "Ann Typed", Email: "ann@example.org", Profession: "Nurse", AreaID: f.AreaID})
		if err != nil {
			t.Fatal(err)
		}
		ann = res.Person
		if ann.Name != "Ann" || ann.OrganisationID != f.Org.ID || !ann.CreatedAt.Equal(time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)) || !gs.ValidReferralCode(ann.ReferralCode) {
			t.Errorf("Ann as imported: %+v", ann)
		}
	})
}

// exportedPeople lists a campaign's people as "email name".
func exportedPeople(t *testing.T, st *store.Store, campaignID int64) string {
	t.Helper()
	var out []string
	err := st.ExportPeople(context.Background(), campaignID, func(p csvio.Person) error {
		out = append(out, p.Email+" "+p.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, ", ")
}

func TestImportOrganisationsUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		in := "name,ods_code,sector,area_code\n" +
			"Riverside Pharmacy Ltd,fa123,Community pharmacy,E92000001\n" + // renamed, moved
			"Age UK Leeds,,Voluntary and community,\n" + // new, no code
			"Hill Surgery,Y01234,General practice,\n" + // new
			"Nowhere,Y0,Other,X1\n" // 5: unknown area
		rep, refused, err := importFile(t, in, csvio.NewOrganisationReader,
			func(rows iter.Seq2[csvio.Organisation, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportOrganisations(ctx, rows, o)
			}, true)
		if err != nil || rep.Inserted != 2 || rep.Updated != 1 || fmt.Sprint(refused) != "[line 5: area_code: no area has the code X1: add it under Areas first]" {
			t.Fatalf("report %+v, err %v, refused %q", rep, err, refused)
		}
		o, err := st.OrganisationByID(ctx, f.Org.ID)
		if err != nil || o.Name != "Riverside Pharmacy Ltd" || o.AreaID == f.AreaID {
			t.Errorf("organisation after update: %+v %v", o, err)
		}
		// Again: nothing changes; the one without a code is found by name.
		rep, _, err = importFile(t, in, csvio.NewOrganisationReader,
			func(rows iter.Seq2[csvio.Organisation, error], o store.ImportOptions) (store.ExchangeReport, error) {
				return st.ImportOrganisations(ctx, rows, o)
			}, true)
		if err != nil || rep.Inserted != 0 || rep.Updated != 0 || rep.Kept != 3 {
			t.Errorf("second import: report %+v, err %v", rep, err)
		}
	})
}

func TestImportCommitmentsRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		for _, p := range []string{"ann", "bo", "cy"} {
			if _, err := st.ImportPeople(ctx, func(yield func(csvio.Person, error) bool) {
				yield(csvio.Person{Line: 2, Email: p + "@example.org", Name: p}, nil)
			}, store.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		a0, a1 := f.Actions[0].Title, f.Actions[1].Title
		g := f.Group.Slug
		in := "email,group,action,status,created_at,invited_by,confirmed_at\n" +
			"ann@example.org," + g + "," + a0 + ",done,2026-02-01T09:00:00Z,,2026-02-01T10:00:00Z\n" +
			"bo@example.org," + g + "," + a0 + ",pledged,2026-02-02T09:00:00Z,ann@example.org,2026-02-02T09:30:00Z\n" +
			"cy@example.org," + g + "," + a1 + ",pledged,2026-02-03T09:00:00Z,,\n" + // awaiting confirmation
			"zed@example.org," + g + ",No such action,pledged,2026-02-03T09:00:00Z,,\n" + // 5
			"cy@example.org,nobody," + a0 + ",pledged,2026-02-03T09:00:00Z,,\n" // 6
		imp := func(keep bool) (store.ExchangeReport, []string, error) {
			return importFile(t, in, csvio.NewCommitmentReader,
				func(rows iter.Seq2[csvio.Commitment, error], o store.ImportOptions) (store.ExchangeReport, error) {
					return st.ImportCommitments(ctx, f.Campaign.ID, rows, o)
				}, keep)
		}
		_, refused, err := imp(false)
		want := []string{
			"line 5: email: no person has the email zed@example.org: import people first; action: group community-pharmacists has no action titled \"No such action\"",
			"line 6: group: the campaign has no group with the web address \"nobody\"",
		}
		if !errors.Is(err, store.ErrBadRows) || fmt.Sprint(refused) != fmt.Sprint(want) {
			t.Fatalf("err %v, refused\n%q\nwant\n%q", err, refused, want)
		}
		if c, _ := st.CampaignCounts(ctx, f.Campaign.ID); c.Commitments+c.Awaiting != 0 {
			t.Fatalf("a refused import stored pledges: %+v", c)
		}

		rep, _, err := imp(true)
		if err != nil || rep.Inserted != 3 {
			t.Fatalf("report %+v, err %v", rep, err)
		}
		c, err := st.CampaignCounts(ctx, f.Campaign.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Commitments != 2 || c.Done != 1 || c.Awaiting != 1 || c.People != 2 || c.Relationships != 1 {
			t.Errorf("counts after import: %+v", c)
		}
		// The rollup was rebuilt in the import: rebuilding it again
		// changes nothing the dashboard reads.
		before, err := st.RollupDays(ctx, f.Campaign.ID, "total")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RebuildRollups(ctx, f.Campaign.ID); err != nil {
			t.Fatal(err)
		}
		after, err := st.RollupDays(ctx, f.Campaign.ID, "total")
		if err != nil {
			t.Fatal(err)
		}
		if len(before) == 0 || !reflect.DeepEqual(before, after) {
			t.Errorf("rollup after import %v, rebuilt %v", before, after)
		}
		// Again: the pledges are there already and are kept as they are.
		rep, _, err = imp(true)
		if err != nil || rep.Inserted != 0 || rep.Kept != 3 {
			t.Errorf("second import: report %+v, err %v", rep, err)
		}
	})
}
