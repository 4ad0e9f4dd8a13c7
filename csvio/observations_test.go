package csvio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/csvio"
)

func known(slug string) bool { return slug == "ind" }

// readAll reads every row, returning the good ones and the bad ones as
// "line: reason".
func readAll(t *testing.T, in string) ([]csvio.Row, []string) {
	t.Helper()
	r, err := csvio.NewReader(strings.NewReader(in), known)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var good []csvio.Row
	var bad []string
	for {
		row, err := r.Next()
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
		good = append(good, row)
	}
}

func TestRowRules(t *testing.T) {
	const header = "indicator,area_code,area_name,period,numerator,denominator,value\n"
	for _, tc := range []struct {
		name, row, want string // want "" for a good row
	}{
		{"good", "ind,E1,Eng,2024-01-01,5,10,50", ""},
		{"good without numerator and denominator", "ind,E1,Eng,2024-01-01,,,50", ""},
		{"numerator equal to denominator", "ind,E1,Eng,2024-01-01,10,10,100", ""},
		{"zero denominator and numerator", "ind,E1,Eng,2024-01-01,0,0,0", ""},
		{"negative value", "ind,E1,Eng,2024-01-01,,,-2.5", ""},
		{"spaces trimmed", "ind, E1 ,Eng, 2024-01-01 ,5,10, 50 ", ""},
		{"bad period", "ind,E1,Eng,2024-1-1,5,10,50", `line 2: period: "2024-1-1" is not a date in the form YYYY-MM-DD`},
		{"not a date", "ind,E1,Eng,2024-02-30,5,10,50", `line 2: period: "2024-02-30" is not a date in the form YYYY-MM-DD`},
		{"empty period", "ind,E1,Eng,,5,10,50", "line 2: period: enter the date the figure's period starts, like 2024-01-01"},
		{"non-numeric value", "ind,E1,Eng,2024-01-01,5,10,high", `line 2: value: "high" is not a number`},
		{"empty value", "ind,E1,Eng,2024-01-01,5,10,", "line 2: value: enter the figure"},
		{"NaN value", "ind,E1,Eng,2024-01-01,5,10,NaN", `line 2: value: "NaN" is not a number`},
		{"non-numeric numerator", "ind,E1,Eng,2024-01-01,five,10,50", `line 2: numerator: "five" is not a number`},
		{"negative denominator", "ind,E1,Eng,2024-01-01,,-3,50", "line 2: denominator: -3 is negative"},
		{"numerator over denominator", "ind,E1,Eng,2024-01-01,11,10.5,50", "line 2: numerator: 11 is greater than the denominator, 10.5"},
		{"empty area code", "ind,,Eng,2024-01-01,5,10,50", "line 2: area_code: enter the area's code"},
		{"empty area name", "ind,E1,,2024-01-01,5,10,50", "line 2: area_name: enter the area's name"},
		{"unknown indicator", "other,E1,Eng,2024-01-01,5,10,50", `line 2: indicator: no indicator has the web address "other"`},
		{"empty indicator", ",E1,Eng,2024-01-01,5,10,50", "line 2: indicator: enter the indicator's web address (its slug)"},
		{"every problem named", "other,,Eng,May,5,-1,x",
			`line 2: indicator: no indicator has the web address "other"; area_code: enter the area's code; period: "May" is not a date in the form YYYY-MM-DD; ` +
				`value: "x" is not a number; denominator: -1 is negative; numerator: 5 is greater than the denominator, -1`},
		{"too few fields", "ind,E1,Eng,2024-01-01", "line 2: 4 fields where the header has 7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good, bad := readAll(t, header+tc.row+"\n")
			if tc.want == "" {
				if len(bad) != 0 || len(good) != 1 {
					t.Fatalf("bad = %q, want one good row", bad)
				}
				return
			}
			if len(good) != 0 || len(bad) != 1 || bad[0] != tc.want {
				t.Errorf("bad = %q, want [%q]", bad, tc.want)
			}
		})
	}
}

func TestRowValues(t *testing.T) {
	// Any column order, extra columns ignored, a byte-order mark and a
	// capitalised header tolerated, optional columns absent.
	in := "\ufeffValue,Period,note,area_name,area_code,indicator\n8.49,2019-01-01,x,England,E92000001,ind\n"
	good, bad := readAll(t, in)
	if len(bad) != 0 || len(good) != 1 {
		t.Fatalf("good %v, bad %q", good, bad)
	}
	r := good[0]
	if r.Line != 2 || r.Indicator != "ind" || r.AreaCode != "E92000001" || r.AreaName != "England" ||
		r.Period.String() != "2019-01-01" || r.Value != 8.49 || r.Numerator != nil || r.Denominator != nil {
		t.Errorf("row = %+v", r)
	}
}

func TestEveryBadRowAndDuplicates(t *testing.T) {
	in := "indicator,area_code,area_name,period,value\n" +
		"ind,E1,Eng,2024-01-01,1\n" + // 2
		"ind,E1,Eng,2024-02-01,x\n" + // 3
		"\"ind\nind\",E1,Eng,2024-03-01,1\n" + // 4–5: a quoted newline; unknown slug
		"ind,E1,Eng,2024-01-01,2\n" + // 6: duplicate of 2
		"ind,E2,Eng,2024-01-01,2\n" + // 7: another area, fine
		"ind,E1,Eng,2024-02-01,3\n" // 8: line 3 was bad, so not a duplicate
	good, bad := readAll(t, in)
	want := []string{
		`line 3: value: "x" is not a number`,
		"line 4: indicator: no indicator has the web address \"ind\\nind\"",
		"line 6: duplicate of line 2: same indicator, area code and period",
	}
	if fmt.Sprint(bad) != fmt.Sprint(want) {
		t.Errorf("bad = %q\nwant %q", bad, want)
	}
	if len(good) != 3 || good[2].Line != 8 {
		t.Errorf("good = %+v", good)
	}
}

func TestHeaderErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "the file is empty",
		"indicator,area_code,period,value\n": "missing column(s) area_name",
		"indicator,area_code,area_name,period,value,value\n": `column "value" appears twice`,
	} {
		_, err := csvio.NewReader(strings.NewReader(in), nil)
		var he *csvio.HeaderError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), want) {
			t.Errorf("header %q: err = %v, want a HeaderError naming %q", in, err, want)
		}
	}
}

func TestRejectWriter(t *testing.T) {
	var b bytes.Buffer
	w, err := csvio.NewRejectWriter(&b, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*csvio.RowError{
		{Line: 2, Record: []string{"1", "x,y"}, Reason: "bad"},
		{Line: 3, Record: []string{"1"}, Reason: "short"},
		{Line: 4, Record: []string{"1", "2", "3"}, Reason: "long"},
	} {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "a,b,line,reason\n1,\"x,y\",2,bad\n1,,3,short\n1,2,4,long\n"
	if b.String() != want {
		t.Errorf("rejects =\n%s\nwant\n%s", b.String(), want)
	}
}

// BenchmarkRead parses 100,000 rows.
func BenchmarkRead(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("indicator,area_code,area_name,period,numerator,denominator,value\n")
	for i := range 100_000 {
		fmt.Fprintf(&in, "ind,E%05d,Area %d,%04d-01-01,%d,100,%d\n", i%200, i%200, 1000+i/200, i%50, i%50)
	}
	for b.Loop() {
		r, err := csvio.NewReader(bytes.NewReader(in.Bytes()), known)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// A quote left open on a row's first field is a bad row, not a crash.
func TestOpenQuoteIsABadRow(t *testing.T) {
	good, bad := readAll(t, "indicator,area_code,area_name,period,value\nind,E1,Eng,2024-01-01,1\n\"ind,E1")
	if len(good) != 1 || len(bad) != 1 || !strings.HasPrefix(bad[0], "line 3: ") {
		t.Errorf("good %d, bad %q; want one of each, the bad on line 3", len(good), bad)
	}
}
