package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const englandCSV = "../../demo/data/antipsychotics-dementia-england-monthly.csv"

// spcRun runs `groundswell spc ARGS…` with stdin.
func spcRun(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"spc"}, args...), env(), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// csvOf writes period,value rows for monthly values from January 2019.
func csvOf(values ...string) string {
	var b strings.Builder
	b.WriteString("period,value\n")
	for i, v := range values {
		fmt.Fprintf(&b, "%04d-%02d-01,%s\n", 2019+i/12, i%12+1, v)
	}
	return b.String()
}

// goldenInput: 9, 11 six times (the baseline: mean 10, mMR 2, limits
// 10 ± 5.32, two-sigma lines 10 ± 3.54666…), then 10.5, 14, 16.
var goldenInput = csvOf("9", "11", "9", "11", "9", "11", "9", "11", "9", "11", "9", "11", "10.5", "14", "16")

// goldenOutput is what --baseline 12 --direction up --target 5
// --two-sigma-includes-outside prints for goldenInput: 10.5, 14, 16 are all
// above the mean, and 14 and 16 beyond the upper two-sigma line (counting 16,
// which is also outside, by the setting): two of three. Higher is
// better, so improvement. Target 5 is between the limits: hit or miss.
const goldenOutput = `{"limits_shown":true,"points":[` +
	`{"period":"2019-01-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-02-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-03-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-04-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-05-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-06-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-07-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-08-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-09-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-10-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-11-01","value":9,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2019-12-01","value":11,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2020-01-01","value":10.5,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":false,"rules":[],"variation":"common"},` +
	`{"period":"2020-02-01","value":14,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":true,"rules":["two_of_three"],"variation":"improvement"},` +
	`{"period":"2020-03-01","value":16,"mean":10,"lower":4.68,"upper":15.32,"lower_two_sigma":6.453333333333333,"upper_two_sigma":13.546666666666667,"special_cause":true,"rules":["outside","two_of_three"],"variation":"improvement"}` +
	`],"variation_icon":"improvement_high","assurance_icon":"hit_or_miss"}` + "\n"

var goldenArgs = []string{"--baseline", "12", "--direction", "up", "--target", "5", "--two-sigma-includes-outside"}

func TestSPCGolden(t *testing.T) {
	stdout, stderr, err := spcRun(goldenInput, goldenArgs...)
	if err != nil {
		t.Fatalf("spc: %v\n%s", err, stderr)
	}
	if stdout != goldenOutput {
		t.Errorf("output differs from the golden JSON:\n got %s\nwant %s", stdout, goldenOutput)
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestSPCRunChart: below the minimum, null limits, nothing flagged, no icons.
func TestSPCRunChart(t *testing.T) {
	stdout, _, err := spcRun(csvOf("1", "2", "30"), "--direction", "up", "--target", "2")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"limits_shown":false,"points":[` +
		`{"period":"2019-01-01","value":1,"mean":11,"lower":null,"upper":null,"lower_two_sigma":null,"upper_two_sigma":null,"special_cause":false,"rules":[],"variation":"common"},` +
		`{"period":"2019-02-01","value":2,"mean":11,"lower":null,"upper":null,"lower_two_sigma":null,"upper_two_sigma":null,"special_cause":false,"rules":[],"variation":"common"},` +
		`{"period":"2019-03-01","value":30,"mean":11,"lower":null,"upper":null,"lower_two_sigma":null,"upper_two_sigma":null,"special_cause":false,"rules":[],"variation":"common"}` +
		`],"variation_icon":"none","assurance_icon":"none"}` + "\n"
	if stdout != want {
		t.Errorf("got  %s\nwant %s", stdout, want)
	}
	// --min-points lowers the minimum.
	stdout, _, err = spcRun(csvOf("1", "2", "30"), "--min-points", "3")
	if err != nil || !strings.HasPrefix(stdout, `{"limits_shown":true,`) {
		t.Errorf("--min-points 3: %v %s", err, stdout)
	}
}

func TestSPCStdinAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "series.csv")
	if err := os.WriteFile(path, []byte(goldenInput), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"stdin, no FILE", goldenInput, goldenArgs},
		{"stdin, FILE -", goldenInput, append([]string{"-"}, goldenArgs...)},
		{"FILE", "", append([]string{path}, goldenArgs...)},
		{"FILE before the flags", "", append(append([]string{}, goldenArgs[:4]...), append([]string{path}, goldenArgs[4:]...)...)},
		{"FILE after the flags", "", append(append([]string{}, goldenArgs...), path)},
	} {
		stdout, stderr, err := spcRun(c.stdin, c.args...)
		if err != nil {
			t.Errorf("%s: %v\n%s", c.name, err, stderr)
			continue
		}
		if stdout != goldenOutput {
			t.Errorf("%s: output differs:\n%s", c.name, stdout)
		}
	}
}

// TestSPCEngland runs the real series end to end: lower is better, the 2019
// baseline fixes the lines.
func TestSPCEngland(t *testing.T) {
	stdout, stderr, err := spcRun("", "--direction", "down", "--baseline", "12", englandCSV)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// The exact field names of the contract.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatal(err)
	}
	if got := keys(raw); !reflect.DeepEqual(got, []string{"assurance_icon", "limits_shown", "points", "variation_icon"}) {
		t.Errorf("object fields %v", got)
	}
	var rawPoints []map[string]json.RawMessage
	if err := json.Unmarshal(raw["points"], &rawPoints); err != nil {
		t.Fatal(err)
	}
	wantFields := []string{"lower", "lower_two_sigma", "mean", "period", "rules", "special_cause", "upper", "upper_two_sigma", "value", "variation"}
	for i, p := range rawPoints {
		if got := keys(p); !reflect.DeepEqual(got, wantFields) {
			t.Fatalf("point %d fields %v", i, got)
		}
	}
	if strings.Contains(stdout, "null") {
		t.Error("null in a chart with limits")
	}

	var out struct {
		LimitsShown bool `json:"limits_shown"`
		Points      []struct {
			Period       string   `json:"period"`
			Value        float64  `json:"value"`
			Mean         float64  `json:"mean"`
			Upper        *float64 `json:"upper"`
			SpecialCause bool     `json:"special_cause"`
			Rules        []string `json:"rules"`
			Variation    string   `json:"variation"`
		} `json:"points"`
		VariationIcon string `json:"variation_icon"`
		AssuranceIcon string `json:"assurance_icon"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.LimitsShown || len(out.Points) != 36 || out.VariationIcon != "concern_high" || out.AssuranceIcon != "none" {
		t.Fatalf("limits %v, %d points, icons %s %s", out.LimitsShown, len(out.Points), out.VariationIcon, out.AssuranceIcon)
	}
	for _, p := range out.Points {
		// 2019 mean 8.3875 (= 100.65 ÷ 12); from June 2020 on, a shift up.
		if p.Mean != 8.3875 {
			t.Errorf("%s mean %v", p.Period, p.Mean)
		}
		inShift := p.Period >= "2020-06-01"
		if p.SpecialCause != inShift || (inShift && (p.Variation != "concern" || !contains(p.Rules, "shift"))) {
			t.Errorf("%s (%v): special cause %v, rules %v, %s", p.Period, p.Value, p.SpecialCause, p.Rules, p.Variation)
		}
		if !inShift && (p.Variation != "common" || p.Rules == nil || len(p.Rules) != 0) {
			t.Errorf("%s: rules %#v, %s", p.Period, p.Rules, p.Variation)
		}
	}
	if last := out.Points[35]; last.Period != "2021-12-01" || !reflect.DeepEqual(last.Rules, []string{"outside", "shift"}) {
		t.Errorf("last point %+v", last)
	}

	// With a target of 8 (lower is better) the latest limits, 7.81–8.96,
	// straddle it: hit or miss.
	stdout, _, err = spcRun("", "--direction", "down", "--baseline", "12", "--target", "8", englandCSV)
	if err != nil || !strings.HasSuffix(stdout, `"variation_icon":"concern_high","assurance_icon":"hit_or_miss"}`+"\n") {
		t.Errorf("target 8: %v %s", err, stdout[max(0, len(stdout)-80):])
	}
	// Recalculated at April 2020, nothing is special.
	stdout, _, err = spcRun("", "--direction", "down", "--recalculate", "2020-04-01", englandCSV)
	if err != nil || strings.Contains(stdout, `"special_cause":true`) {
		t.Errorf("recalculated: %v", err)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestSPCBadInput(t *testing.T) {
	thirteen := csvOf("1", "2", "1", "2", "1", "2", "1", "2", "1", "2", "1", "2", "1")
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no input", "", nil, "line 1: no header"},
		{"bad header", "date,value\n2019-01-01,1\n", nil, `line 1: bad header "date,value"`},
		{"header without value", "period\n2019-01-01\n", nil, "line 1: bad header"},
		{"two period columns", "period,value,period\n", nil, "line 1: two columns named period"},
		{"header only", "period,value\n", nil, "line 2: no rows after the header"},
		{"non-numeric value", "period,value\n2019-01-01,1\n2019-02-01,1.2.3\n", nil, `line 3: value "1.2.3" is not a number`},
		{"empty value", "period,value\n2019-01-01,\n", nil, `line 2: value "" is not a number`},
		{"NaN", "period,value\n2019-01-01,NaN\n", nil, `line 2: value "NaN" is not a number`},
		{"infinite", "period,value\n2019-01-01,1\n2019-02-01,-Inf\n", nil, `line 3: value "-Inf" is not a number`},
		{"bad date", "period,value\n2019-01-01,1\n2019-02-30,1\n", nil, `line 3: period "2019-02-30" is not a date`},
		{"not a date", "period,value\nJanuary,1\n", nil, `line 2: period "January" is not a date`},
		{"duplicate period", "period,value\n2019-01-01,1\n2019-02-01,2\n2019-02-01,3\n", nil, "line 4: duplicate period 2019-02-01"},
		{"unsorted", "period,value\n2019-01-01,1\n2019-03-01,2\n2019-02-01,3\n", nil, "line 4: period 2019-02-01 comes after 2019-03-01"},
		{"missing month", "period,value\n2019-01-01,1\n2019-02-01,2\n2019-04-01,3\n", nil, "line 4: missing period 2019-03-01 between 2019-02-01 and 2019-04-01 (--allow-gaps"},
		{"too many fields", "period,value\n2019-01-01,1\n2019-02-01,2,3\n", nil, "line 3: 3 fields, but the header has 2"},
		{"bad quoting", "period,value\n2019-01-01,1\n2019-02-01,\"2\n", nil, "line 3:"},
		// Blank lines are skipped; the line number is still the file's.
		{"line numbers count blank lines", "period,value\n\n2019-01-01,1\n\n2019-02-01,x\n", nil, "line 5:"},
		{"direction", thirteen, []string{"--direction", "sideways"}, `invalid value "sideways" for flag -direction: want up, down or neither`},
		{"conflict", thirteen, []string{"--conflict", "both"}, "flag -conflict: want improvement or concern"},
		{"target", thirteen, []string{"--target", "ten"}, "flag -target: want a number"},
		{"shift", thirteen, []string{"--shift", "9"}, "--shift 9: want 6, 7 or 8"},
		{"shift 0", thirteen, []string{"--shift", "0"}, "--shift 0"},
		{"trend", thirteen, []string{"--trend", "5"}, "--trend 5: want 6, 7 or 8"},
		{"min-points", thirteen, []string{"--min-points", "0"}, "--min-points 0: want at least 1"},
		{"baseline 1", thirteen, []string{"--baseline", "1"}, "--baseline 1"},
		{"baseline too long", thirteen, []string{"--baseline", "14"}, "baseline of 14 points, but the series has only 13"},
		{"baseline not a number", thirteen, []string{"--baseline", "x"}, "flag -baseline"},
		{"recalculate unknown", thirteen, []string{"--recalculate", "2019-03-01,2030-01-01"}, `recalculation period "2030-01-01" is not a period of the series`},
		{"unknown flag", thirteen, []string{"--colour"}, "flag provided but not defined: -colour"},
		{"two files", "", []string{"a.csv", "b.csv"}, `unexpected argument "b.csv"`},
		{"missing file", "", []string{filepath.Join(t.TempDir(), "none.csv")}, "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdout, _, err := spcRun(c.stdin, c.args...)
			if err == nil {
				t.Fatalf("no error; output %s", stdout)
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit code %d, want 2 (%v)", code, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to say %q", err, c.want)
			}
			if stdout != "" {
				t.Errorf("output on error: %s", stdout)
			}
		})
	}
}

// TestSPCWarnings go to stderr; stdout stays the one JSON object.
func TestSPCWarnings(t *testing.T) {
	in := "period,value\n" + strings.Join([]string{
		"2019-01-01,1", "2019-02-01,2", "2019-03-01,1", "2019-05-01,2", "2019-06-01,1", "2019-07-01,2", "2019-08-01,1",
		"2019-09-01,2", "2019-10-01,1", "2019-11-01,2", "2019-12-01,1", "2020-01-01,2", "2020-02-01,1", "2020-03-01,2",
	}, "\n") + "\n"
	stdout, stderr, err := spcRun(in, "--allow-gaps", "--recalculate", "2020-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"groundswell spc: warning: missing 2019-04-01 between 2019-03-01 and 2019-05-01: skipped\n",
		"groundswell spc: warning: the limits of the section starting 2020-01-01 rest on 3 points (fewer than 12)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || strings.Count(stdout, "\n") != 1 {
		t.Errorf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
}

func TestSPCHelp(t *testing.T) {
	_, stderr, err := spcRun("", "-h")
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-direction", "-target", "-baseline", "-recalculate", "-shift", "-trend", "-min-points",
		"-screen-outliers", "-two-sigma-includes-outside", "-conflict", "-allow-gaps"} {
		if !strings.Contains(stderr, flag) {
			t.Errorf("usage lacks %s", flag)
		}
	}
}

// TestSPCExitStatus runs the real main in a child process: bad input exits
// with status 2 and names the line on stderr; good input exits 0.
func TestSPCExitStatus(t *testing.T) {
	if os.Getenv("GROUNDSWELL_SPC_TEST_MAIN") == "1" {
		os.Args = append([]string{"groundswell", "spc"}, strings.Fields(os.Getenv("GROUNDSWELL_SPC_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	child := func(stdin string, args ...string) (string, string, int) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSPCExitStatus$")
		cmd.Env = append(os.Environ(), "GROUNDSWELL_SPC_TEST_MAIN=1", "GROUNDSWELL_SPC_TEST_ARGS="+strings.Join(args, " "))
		cmd.Stdin = strings.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return out.String(), errOut.String(), ee.ExitCode()
		case err != nil:
			t.Fatal(err)
		}
		return out.String(), errOut.String(), 0
	}

	_, stderr, code := child("period,value\n2019-01-01,1\n2019-02-01,x\n")
	if code != 2 || !strings.Contains(stderr, `groundswell: spc: line 3: value "x" is not a number`) {
		t.Errorf("bad value: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = child(goldenInput, "--shift", "5")
	if code != 2 || !strings.Contains(stderr, "--shift 5") {
		t.Errorf("bad flag: exit %d, stderr %q", code, stderr)
	}
	stdout, stderr, code := child(goldenInput, goldenArgs...)
	if code != 0 || stdout != goldenOutput {
		t.Errorf("good input: exit %d, stderr %q, stdout %s", code, stderr, stdout)
	}
	// Other commands' errors keep status 1.
	if code := exitCode(errors.New("no command given")); code != 1 {
		t.Errorf("a plain error exits %d", code)
	}
}
