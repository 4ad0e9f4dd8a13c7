package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
)

// importEnglandCSV is the real national series, as the demo ships it.
const importEnglandCSV = "../../demo/data/antipsychotics-dementia-england-monthly.csv"

// indicatorStore makes a SQLite database holding the demo's indicator and no
// observations.
func indicatorStore(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "groundswell.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateIndicator(ctx, &gs.Indicator{Slug: demo.IndicatorSlug, Name: "Antipsychotic prescribing", Unit: "%", Direction: "down"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func importRun(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"import", "observations"}, args...), env(), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// englandObservations reads back the store's England series of the indicator.
func englandObservations(t *testing.T, db string) []gs.Observation {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ind, err := st.IndicatorBySlug(ctx, demo.IndicatorSlug)
	if err != nil {
		t.Fatal(err)
	}
	areas, err := st.ObservedAreas(ctx, ind.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) == 0 {
		return nil
	}
	if len(areas) != 1 || areas[0].Code != "E92000001" {
		t.Fatalf("observed areas = %+v, want England only", areas)
	}
	obs, err := st.Observations(ctx, ind.ID, areas[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestImportObservationsCLI(t *testing.T) {
	db := indicatorStore(t)
	stdout, stderr, err := importRun(importEnglandCSV, "--db", db)
	if err != nil {
		t.Fatalf("import: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Imported 36 observations") || !strings.Contains(stdout, "36 new, 0 updated") {
		t.Errorf("stdout = %q, want 36 new", stdout)
	}
	// Not a terminal: plain lines, no bar.
	if strings.Contains(stderr, "\r") || !strings.Contains(stderr, "read 36 of 36 rows\n") {
		t.Errorf("stderr = %q, want plain progress lines", stderr)
	}
	obs := englandObservations(t, db)
	if len(obs) != 36 || obs[0].Period.String() != "2019-01-01" || obs[0].Value != 8.49 ||
		*obs[0].Numerator != 35350 || *obs[0].Denominator != 416385 || obs[0].Synthetic {
		t.Fatalf("stored %d observations, first %+v", len(obs), obs[0])
	}

	// Again, flags first: updates, not duplicates.
	stdout, stderr, err = importRun("--db", db, importEnglandCSV)
	if err != nil {
		t.Fatalf("second import: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "0 new, 36 updated") {
		t.Errorf("second import stdout = %q, want 0 new, 36 updated", stdout)
	}
	if n := len(englandObservations(t, db)); n != 36 {
		t.Errorf("after re-import, %d observations, want 36", n)
	}
}

// badFile has a header in its own order, two good rows and a bad row of each
// kind; lines are numbered in the comments.
const badFile = `value,period,area_code,area_name,indicator,denominator,numerator,note
8.1,2030-01-01,E92000001,England,antipsychotic-prescribing-dementia,100,8,ok
8.2,2030-13-01,E92000001,England,antipsychotic-prescribing-dementia,100,8,
eight,2030-02-01,E92000001,England,antipsychotic-prescribing-dementia,100,8,
8.3,2030-03-01,E92000001,England,antipsychotic-prescribing-dementia,-1,,
8.4,2030-04-01,E92000001,England,antipsychotic-prescribing-dementia,10,11,
8.5,2030-05-01,,England,antipsychotic-prescribing-dementia,100,8,
8.6,2030-06-01,E92000001,England,no-such-indicator,100,8,
8.7,2030-01-01,E92000001,England,antipsychotic-prescribing-dementia,100,9,
1.0,2030-07-01,Z99,Zedland,antipsychotic-prescribing-dementia,,,new area
1.1,2030-08-01,E92000001,England
`

var wantBad = []string{
	"bad.csv:3: period: \"2030-13-01\" is not a date in the form YYYY-MM-DD",
	"bad.csv:4: value: \"eight\" is not a number",
	"bad.csv:5: denominator: -1 is negative",
	"bad.csv:6: numerator: 11 is greater than the denominator, 10",
	"bad.csv:7: area_code: enter the area's code",
	"bad.csv:8: indicator: no indicator has the web address \"no-such-indicator\"",
	"bad.csv:9: duplicate of line 2: same indicator, area code and period",
	"bad.csv:11: 4 fields where the header has 8",
}

func writeBad(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(path, []byte(badFile), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // messages name the file as given
	return "bad.csv"
}

func TestImportBadRowsStoresNothing(t *testing.T) {
	db := indicatorStore(t)
	file := writeBad(t)
	_, stderr, err := importRun(file, "--db", db)
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("err = %v (exit %d), want exit 2", err, exitCode(err))
	}
	if !strings.Contains(err.Error(), "8 bad rows") || !strings.Contains(err.Error(), "nothing was stored") {
		t.Errorf("error = %q", err)
	}
	for _, w := range wantBad {
		if !strings.Contains(stderr, w+"\n") {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if obs := englandObservations(t, db); len(obs) != 0 {
		t.Errorf("%d observations stored from a file with bad rows", len(obs))
	}
}

func TestImportKeepGood(t *testing.T) {
	db := indicatorStore(t)
	file := writeBad(t)
	stdout, stderr, err := importRun(file, "--db", db, "--keep-good", "--rejects", "rejects.csv")
	if err != nil {
		t.Fatalf("import: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Imported 2 observations") || !strings.Contains(stdout, "Created 1 area, with no parent: Z99") ||
		!strings.Contains(stdout, "Skipped 8 bad rows") {
		t.Errorf("stdout = %q", stdout)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	ind, err := st.IndicatorBySlug(ctx, demo.IndicatorSlug)
	if err != nil {
		t.Fatal(err)
	}
	areas, err := st.ObservedAreas(ctx, ind.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 2 || areas[0].Code != "E92000001" || areas[1].Code != "Z99" || areas[1].Name != "Zedland" || areas[1].Kind != "area" {
		t.Errorf("observed areas = %+v, want England and the new Zedland", areas)
	}
	st.Close()
	f, err := os.Open("rejects.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(wantBad) {
		t.Fatalf("rejects.csv has %d records, want a header and %d", len(recs), len(wantBad))
	}
	if got := strings.Join(recs[0], ","); got != "value,period,area_code,area_name,indicator,denominator,numerator,note,line,reason" {
		t.Errorf("rejects header = %s", got)
	}
	if got := recs[2]; got[0] != "eight" || got[8] != "4" || got[9] != `value: "eight" is not a number` {
		t.Errorf("second reject = %q", got)
	}
	if got := recs[8]; len(got) != 10 || got[0] != "1.1" || got[5] != "" || got[8] != "11" {
		t.Errorf("short row's reject = %q, want padded to the header", got)
	}
}

func TestImportUsageErrors(t *testing.T) {
	db := indicatorStore(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no FILE given"},
		{[]string{importEnglandCSV, "--db", db, "--keep-good"}, "--keep-good needs --rejects"},
		{[]string{importEnglandCSV, importEnglandCSV, "--db", db}, "unexpected argument"},
		{[]string{"missing.csv", "--db", db}, "missing.csv"},
		{[]string{importEnglandCSV, "--db", filepath.Join(t.TempDir(), "none.db")}, "no such file"},
		{[]string{"--bogus"}, "flag provided but not defined"},
	} {
		_, _, err := importRun(tc.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("import %q: err = %v (exit %d), want exit 2 naming %q", tc.args, err, exitCode(err), tc.want)
		}
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "things"}, env(), strings.NewReader(""), &out, &errOut)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "import observations FILE.csv") || !strings.Contains(err.Error(), "import campaign FILE.zip") {
		t.Errorf("import things: err = %v, want usage, exit 2", err)
	}

	// A header without the required columns.
	path := filepath.Join(t.TempDir(), "h.csv")
	if err := os.WriteFile(path, []byte("indicator,period,value\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = importRun(path, "--db", db)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "missing column(s) area_code, area_name") {
		t.Errorf("bad header: err = %v", err)
	}
}

// BenchmarkImportCLI imports a generated 100,000-row file into SQLite
// through the whole command: reading, checking, upserting.
func BenchmarkImportCLI(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "big.csv")
	var in bytes.Buffer
	in.WriteString("indicator,area_code,area_name,period,numerator,denominator,value\n")
	const n = 100_000
	for i := range n {
		fmt.Fprintf(&in, "%s,G%05d,Area %d,%04d-01-01,%d,100,%d\n", demo.IndicatorSlug, i%200, i%200, 1000+i/200, i%50, i%50)
	}
	if err := os.WriteFile(file, in.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db := filepath.Join(dir, fmt.Sprintf("bench%d.db", i))
		ctx := context.Background()
		st, err := store.Open(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.CreateIndicator(ctx, &gs.Indicator{Slug: demo.IndicatorSlug, Name: "A", Direction: "down"}); err != nil {
			b.Fatal(err)
		}
		st.Close()
		b.StartTimer()
		if stdout, stderr, err := importRun(file, "--db", db); err != nil || !strings.Contains(stdout, "100,000 new") {
			b.Fatalf("import: %v\n%s\n%s", err, stdout, stderr)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgressOn(&b, "imported", "people.csv", 3, true)
	p.set(1)
	p.interrupt() // a bad row's message follows on a line of its own
	b.WriteString("people.csv:3: a bad row\n")
	p.set(2)
	p.finish(3)
	out := b.String()
	if !strings.Contains(out, "imported people.csv") || !strings.Contains(out, "3 / 3 rows") || !strings.HasSuffix(out, "\n") {
		t.Errorf("bar = %q, want it to name the file, reach 3 / 3 rows and end its line", out)
	}

	b.Reset()
	p = newProgressOn(&b, "imported", "people.csv", 52_000, false) // not a terminal
	for i := int64(500); i <= 52_000; i += 500 {
		p.set(i)
	}
	p.finish(52_000)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 6 || lines[0] != "people.csv: imported 10,000 of 52,000 rows" || lines[5] != "people.csv: imported 52,000 of 52,000 rows" {
		t.Errorf("lines = %q", lines)
	}
	b.Reset()
	p = newProgressOn(&b, "read", "x.csv", 0, false) // the total not known
	p.finish(36)
	if b.String() != "x.csv: read 36 rows\n" {
		t.Errorf("lines = %q", b.String())
	}
}
