package csvio_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/csvio"
)

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		// A spreadsheet would run these.
		"=1+1": "'=1+1", "+44 20": "'+44 20", "-cmd|' /C calc'!A0": "'-cmd|' /C calc'!A0", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "-Inf": "'-Inf", "+0x1p3": "'+0x1p3",
		// Numbers stay numbers.
		"-500": "-500", "12.5": "12.5", "+1": "+1", "-.5": "-.5", "-1e-3": "-1e-3",
		// Already starting with an apostrophe: one more, so that reading
		// gives back exactly this.
		"'=1": "''=1", "''-x": "'''-x",
		// Nothing to defuse.
		"Carers": "Carers", "": "", "'tis": "'tis", "'": "'", "a=1": "a=1", " =1": " =1",
	} {
		if got := csvio.Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
		if back := csvio.Undefuse(csvio.Defuse(in)); back != in {
			t.Errorf("Undefuse(Defuse(%q)) = %q", in, back)
		}
	}
}

// plainNumber is a decimal number as a spreadsheet reads one: a sign,
// digits with at most one point, and an exponent.
var plainNumber = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// FuzzDefuse checks that defusing loses nothing and leaves no cell a
// spreadsheet would run, except a number.
func FuzzDefuse(f *testing.F) {
	for _, s := range []string{"=1+1", "'=1", "-500", "'", "''+", "@", "\t", "x", "-Inf", "+1e5", "-0x1p3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := csvio.Defuse(s)
		if back := csvio.Undefuse(d); back != s {
			t.Fatalf("Undefuse(Defuse(%q)) = %q", s, back)
		}
		// Only a plain number may start with a character that makes a
		// spreadsheet read a formula; the oracle is a pattern of its own,
		// not the code under test.
		if d != "" && strings.IndexByte("=+-@\t\r", d[0]) >= 0 && !plainNumber.MatchString(d) {
			t.Fatalf("Defuse(%q) = %q: a cell a spreadsheet would run", s, d)
		}
	})
}
