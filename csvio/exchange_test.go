package csvio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
)

// reader is what every format's reader offers.
type reader[T any] interface {
	Next() (T, error)
}

// readEvery reads every row, returning the good ones and the bad ones as
// "line N: reason".
func readEvery[T any](t testing.TB, r reader[T]) ([]T, []string) {
	t.Helper()
	var good []T
	var bad []string
	for {
		v, err := r.Next()
		if errors.Is(err, io.EOF) {
			return good, bad
		}
		var re *csvio.RowError
		if errors.As(err, &re) {
			bad = append(bad, re.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, v)
	}
}

var (
	t0 = time.Date(2026, 3, 31, 9, 15, 30, 123_000_000, time.UTC)
	t1 = t0.Add(36 * time.Hour)
)

func TestPeopleRoundTrip(t *testing.T) {
	want := []csvio.Person{
		{Email: "zoe@example.org", Name: "Zoë O'Neill", Profession: "Pharmacist", OrganisationODSCode: "FA123", Organisation: "Riverside Pharmacy",
			AreaCode: "E40000012", ShowOnWall: true, ContactOK: true, ReferralCode: "ABCDEFGH12", CreatedAt: t0, UnsubscribedAt: t1},
		// Cells a spreadsheet would run, quotes, commas and a newline.
		{Email: "-x@example.org", Name: "=HYPERLINK(\"http://evil\")", Profession: "@carer, \"unpaid\"", OrganisationName: "+44 Care Ltd",
			CreatedAt: t0},
		{Email: "a@example.org", Name: "'=already quoted", Organisation: "Age Concern Leeds", CreatedAt: t1},
	}
	for _, bom := range []bool{false, true} {
		var b bytes.Buffer
		w, err := csvio.NewPeopleWriter(&b, csvio.Options{BOM: bom})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range want {
			if err := w.Write(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if bom != strings.HasPrefix(out, "\ufeff") {
			t.Errorf("BOM %v: file starts %q", bom, out[:10])
		}
		if !strings.Contains(out, "'=HYPERLINK") || !strings.Contains(out, "'-x@example.org") || !strings.Contains(out, "''=already") {
			t.Errorf("formula cells not defused:\n%s", out)
		}
		if !strings.Contains(out, "2026-03-31T09:15:30.123Z") {
			t.Errorf("times not RFC 3339 UTC:\n%s", out)
		}
		r, err := csvio.NewPeopleReader(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		got, bad := readEvery(t, r)
		if len(bad) != 0 {
			t.Fatalf("bad rows reading back: %q", bad)
		}
		for i := range got {
			got[i].Line = 0
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, want)
		}
	}
}

func TestPeopleBadRows(t *testing.T) {
	in := "Name,EMAIL,show_on_wall,created_at,organisation_ods_code,organisation_name,referral_code,area_code,colour\n" +
		"Ann,ann@example.org,yes,2026-01-02 10:00,,,,,blue\n" + // 2: good: a spreadsheet's time, yes
		",bob@example,maybe,yesterday,R X1,Bob's,ABC,E1,\n" + // 3: everything wrong
		"Ann Again,ANN@example.org,,,,,,,\n" + // 4: same email as line 2
		"Cy,cy@example.org,,,RX1,Cy Ltd,,,\n" // 5: listed and typed in: kept as it is
	r, err := csvio.NewPeopleReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r.Ignored()) != "[colour]" {
		t.Errorf("ignored = %v, want [colour]", r.Ignored())
	}
	good, bad := readEvery(t, r)
	want := []string{
		`line 3: email: Enter an email address in the correct format, like name@example.com; name: Enter name; ` +
			`referral_code: Referral code must be 10 letters and numbers, as Groundswell makes them, or left empty for a new one; ` +
			`organisation_ods_code: "R X1" must contain only letters and numbers, like RX1 or E40000007; show_on_wall: "maybe" is not true or false; ` +
			`created_at: "yesterday" is not a date and time in the form 2026-03-31T09:00:00Z`,
		"line 4: duplicate of line 2: same email",
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad =\n%s\nwant\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	if len(good) != 2 || !good[0].ShowOnWall || !good[0].CreatedAt.Equal(time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)) || good[0].Line != 2 {
		t.Errorf("good = %+v", good)
	}
}

// TestPeopleErasedRows: the row an erasure leaves (the placeholder email, no
// name, the impossible erased-… code) is read as an erased person's, with
// every consent off; such a row that names someone is refused.
func TestPeopleErasedRows(t *testing.T) {
	in := "email,name,profession,organisation_name,show_on_wall,contact_ok,referral_code,area_code\n" +
		"erased-abc123@" + gs.ErasedDomain + ",,,,true,true,erased-def456,E40000007\n" + // 2: as exported
		"erased-ghi789@" + gs.ErasedDomain + ",,,,,,,\n" + // 3: no code
		"erased-jkl012@" + gs.ErasedDomain + ",Ann Named,Nurse,Ann's,,,ABCDEFGHJK,\n" // 4: names someone
	r, err := csvio.NewPeopleReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := readEvery(t, r)
	want := `line 4: name: must be empty: the email address is an erased person's placeholder (@erased.invalid), and nothing of who they were is kept; ` +
		`profession: must be empty: the email address is an erased person's placeholder (@erased.invalid), and nothing of who they were is kept; ` +
		`organisation_name: must be empty: the email address is an erased person's placeholder (@erased.invalid), and nothing of who they were is kept; ` +
		`referral_code: must be empty, or the erased-… code an erasure leaves: the email address is an erased person's placeholder (@erased.invalid)`
	if strings.Join(bad, "\n") != want {
		t.Errorf("bad =\n%s\nwant\n%s", strings.Join(bad, "\n"), want)
	}
	if len(good) != 2 {
		t.Fatalf("good = %+v, want the two erased rows", good)
	}
	for _, p := range good {
		if !p.Erased || p.Name != "" || p.ReferralCode != "" || p.ShowOnWall || p.ContactOK {
			t.Errorf("read %+v, want an erased row with no code and no consent", p)
		}
	}
	if good[0].AreaCode != "E40000007" {
		t.Errorf("the area, which names no one, was lost: %+v", good[0])
	}
}

func TestOrganisationsRoundTripAndBadRows(t *testing.T) {
	want := []csvio.Organisation{
		{Name: "Leeds Teaching Hospitals", ODSCode: "RR8", Sector: "NHS provider", AreaCode: "E40000012"},
		{Name: "Age UK Leeds", Sector: "Voluntary and community"},
	}
	var b bytes.Buffer
	w, err := csvio.NewOrganisationWriter(&b, csvio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range want {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if b.String() != "name,ods_code,sector,area_code\nLeeds Teaching Hospitals,RR8,NHS provider,E40000012\nAge UK Leeds,,Voluntary and community,\n" {
		t.Errorf("written:\n%s", b.String())
	}
	in := b.String() +
		"Leeds General,rr8,nhs provider,\n" + // 4: same ODS code as line 2, once upper-cased
		"Age UK Leeds,,Other,\n" + // 5: same name, no code, as line 3
		",R-8,Shop,\n" // 6
	r, err := csvio.NewOrganisationReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got, bad := readEvery(t, r)
	wantBad := []string{
		"line 4: duplicate of line 2: same ODS code",
		"line 5: duplicate of line 3: same name (and no ODS code)",
		`line 6: name: Enter name; ods_code: ODS code must contain only letters and numbers, like RX1 or Y01234; sector: "Shop" is not a sector: use one of ` + strings.Join(gs.Sectors, ", "),
	}
	if strings.Join(bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("bad =\n%s\nwant\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	for i := range got {
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v", got)
	}
}

func TestCommitmentsRoundTrip(t *testing.T) {
	want := []csvio.Commitment{
		{Email: "ann@example.org", Group: "community-pharmacists", Action: "Review prescriptions", ActionID: 12, Status: gs.StatusDone,
			Why: "My mum.\nAnd my dad.", Hours: 2.5, OnBehalf: gs.OnBehalfTeam, Channel: gs.ChannelInvite, InvitedBy: "bob@example.org",
			CreatedAt: t0, UpdatedAt: t1, ConfirmedAt: t0.Add(time.Minute), ReportedAt: t1, Outcome: gs.OutcomeDone},
		{Email: "bob@example.org", Group: "carers", Action: "=Talk to a carer", Status: gs.StatusInProgress, OnBehalf: gs.OnBehalfSelf,
			Channel: gs.ChannelWeb, CreatedAt: t0, UpdatedAt: t0, Outcome: gs.OutcomeBlocked, OutcomeReason: "No time off", FollowupOn: gs.MustDate("2027-01-31")},
		// Awaiting confirmation: an empty confirmed_at.
		{Email: "cy@example.org", Group: "carers", Action: "=Talk to a carer", Status: gs.StatusPledged, OnBehalf: gs.OnBehalfSelf,
			Channel: gs.ChannelImport, CreatedAt: t1, UpdatedAt: t1},
	}
	var b bytes.Buffer
	w, err := csvio.NewCommitmentWriter(&b, csvio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range want {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := csvio.NewCommitmentReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	got, bad := readEvery(t, r)
	if len(bad) != 0 {
		t.Fatalf("bad: %q", bad)
	}
	for i := range got {
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
}

func TestCommitmentsDefaultsAndBadRows(t *testing.T) {
	// No confirmed_at column: pledges confirmed when made.
	in := "email,group,action,status,created_at,hours,outcome,outcome_reason,invited_by\n" +
		"ann@example.org,carers,Talk,pledged,2026-01-02T10:00:00Z,,,,\n" + // 2: good
		"ann@example.org,carers,Talk,done,2026-01-03T10:00:00Z,,,,\n" + // 3: same person and action
		"bob,Carers!,,finished,,-1,great,because,bob\n" + // 4
		"cy@example.org,carers,Talk,in_progress,2026-01-02T10:00:00+01:00,,blocked,,\n" // 5: blocked needs a reason
	r, err := csvio.NewCommitmentReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := readEvery(t, r)
	want := []string{
		"line 3: duplicate of line 2: same email, group and action",
		`line 4: email: "bob" is not an email address in the correct format, like name@example.com; ` +
			`invited_by: "bob" is not an email address in the correct format, like name@example.com; ` +
			`group: "Carers!" is not a group's web address (its slug), like community-pharmacists; action: enter the title of the action; ` +
			`invited_by: a person cannot invite themself; created_at: enter when the pledge was made; ` +
			`hours: Hours must be between 0 and 1,000; status: Status must be one of pledged, in_progress, done, lapsed, withdrawn; ` +
			`outcome: Outcome must be one of done, partly, not_yet, blocked, cant, or empty`,
		"line 5: outcome_reason: Enter what is in the way",
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad =\n%s\nwant\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
	if len(good) != 1 {
		t.Fatalf("good = %+v", good)
	}
	g := good[0]
	created := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	if !g.ConfirmedAt.Equal(created) || !g.UpdatedAt.Equal(created) || g.OnBehalf != gs.OnBehalfSelf || g.Channel != gs.ChannelImport {
		t.Errorf("defaults: %+v", g)
	}
}

func TestObservationsWriteReadBack(t *testing.T) {
	num, den := 35350.0, 416385.0
	want := []csvio.Row{
		{Indicator: "ind", AreaCode: "E92000001", AreaName: "England", Period: gs.MustDate("2019-01-01"), Numerator: &num, Denominator: &den, Value: 8.49},
		{Indicator: "ind", AreaCode: "E40000012", AreaName: "-North", Period: gs.MustDate("2019-01-01"), Value: -0.1, Synthetic: true},
	}
	var b bytes.Buffer
	w, err := csvio.NewObservationWriter(&b, csvio.Options{BOM: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range want {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := csvio.NewReader(&b, known)
	if err != nil {
		t.Fatal(err)
	}
	got, bad := readEvery(t, r)
	if len(bad) != 0 {
		t.Fatalf("bad: %q", bad)
	}
	for i := range got {
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
}

// A byte-order mark before a quoted header — as some spreadsheets save a
// file — is skipped before the CSV is read, so the quoted cell is still a
// quoted cell.
func TestBOMBeforeQuotedHeader(t *testing.T) {
	in := "\ufeff\"email\",\"name\"\n\"ann@example.org\",\"Ann\"\n"
	r, err := csvio.NewPeopleReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := readEvery(t, r)
	if len(bad) != 0 || len(good) != 1 || good[0].Email != "ann@example.org" || good[0].Line != 2 {
		t.Errorf("good %+v, bad %q", good, bad)
	}
	cr := csvio.NewCSVReader(strings.NewReader(in))
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 2 || recs[0][0] != "email" {
		t.Errorf("NewCSVReader: %q, %v", recs, err)
	}
}

// A record longer than MaxRecordBytes ends the reading with an error naming
// its line, rather than being held in memory: a long line, or a quote never
// closed. Records up to the limit, over many lines, are read.
func TestRecordTooLong(t *testing.T) {
	header := "email,name\n"
	long := strings.Repeat("x", csvio.MaxRecordBytes)
	for name, tc := range map[string]struct {
		in   string
		line int // 0: no error
	}{
		"a long line":          {header + "ann@example.org,Ann\nbo@example.org," + long + "\n", 3},
		"a quote left open":    {header + "ann@example.org,Ann\n\"bo@example.org,Bo\n" + strings.Repeat("cy@example.org,Cy\n", csvio.MaxRecordBytes/18+1), 3},
		"many lines in quotes": {header + "ann@example.org,\"" + strings.Repeat("Ann\n", csvio.MaxRecordBytes/5) + "\"\nbo@example.org,\"\"\"Bo\"\"\"\n", 0},
		"quotes in a field":    {header + "ann@example.org,An\"n\n" + strings.Repeat("bo@example.org,Bo\n", csvio.MaxRecordBytes/18+1), 0},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := csvio.NewPeopleReader(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var got error
			for {
				_, err := r.Next()
				var re *csvio.RowError
				if errors.Is(err, io.EOF) {
					break
				} else if err != nil && !errors.As(err, &re) {
					got = err
					break
				}
			}
			var tl *csvio.RecordTooLongError
			switch {
			case tc.line == 0 && got != nil:
				t.Errorf("err = %v, want none", got)
			case tc.line != 0 && (!errors.As(got, &tl) || tl.Line != tc.line || !strings.Contains(got.Error(), "longer than 1 MiB")):
				t.Errorf("err = %v, want a RecordTooLongError on line %d", got, tc.line)
			}
		})
	}
}

// Rows of empty cells, as a spreadsheet saves the rows below a table, are
// skipped like blank lines, and lines go on being counted.
func TestBlankRowsSkipped(t *testing.T) {
	in := "email,name,profession\n,,\nann@example.org,Ann,\n , ,\n\nbo@example.org,Bo,\n,,\n"
	r, err := csvio.NewPeopleReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	good, bad := readEvery(t, r)
	if len(bad) != 0 || len(good) != 2 || good[0].Line != 3 || good[1].Line != 6 {
		t.Errorf("good %+v, bad %q", good, bad)
	}
}

// A row carries the columns its file names: the zero Columns — a file with
// every column, or a row made in code — has them all.
func TestColumns(t *testing.T) {
	r, err := csvio.NewOrganisationReader(strings.NewReader("name,sector\nAge UK Leeds,Voluntary and community\n"))
	if err != nil {
		t.Fatal(err)
	}
	good, _ := readEvery(t, r)
	if len(good) != 1 || !good[0].Columns.Has("name") || good[0].Columns.Has("area_code") || good[0].Columns.Has("ods_code") {
		t.Errorf("columns of a file without area_code and ods_code: %+v", good)
	}
	r, err = csvio.NewOrganisationReader(strings.NewReader("name,sector,ods_code,area_code,colour\nLeeds,NHS provider,RR8,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	good, _ = readEvery(t, r)
	if len(good) != 1 || !reflect.DeepEqual(good[0].Columns, csvio.Columns{}) || !good[0].Columns.Has("area_code") {
		t.Errorf("columns of a file with them all: %+v", good)
	}
}
