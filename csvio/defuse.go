package csvio

import "strings"

// Formula defusing. A spreadsheet opening a CSV file runs a cell that starts
// with =, +, - or @ as a formula (and some also one that starts with a tab or
// a carriage return), so a name typed into a public form could run in an
// organiser's spreadsheet. OWASP's advice is to start such a cell with an
// apostrophe, which the spreadsheet shows as text. Numbers are left alone,
// so that −500 stays a number.
//
// Defusing must not lose anything: a file exported and imported again gives
// back exactly what was exported. So Undefuse removes exactly the apostrophe
// Defuse adds, and Defuse also adds one to a value that already starts with
// apostrophes followed by one of those characters ('=x becomes ''=x), which
// Undefuse would otherwise strip. A value starting with an apostrophe and
// anything else ('tis) is written and read as it is.

// risky reports whether s, after any leading apostrophes, starts with a
// character that makes a spreadsheet read a formula.
func risky(s string) bool {
	s = strings.TrimLeft(s, "'")
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// Defuse returns the cell to write for the value s: s itself, or s after an
// apostrophe if a spreadsheet could run it as a formula. Undefuse reverses it.
func Defuse(s string) string {
	if risky(s) && !isDecimal(s) {
		return "'" + s
	}
	return s
}

// Undefuse returns the value of a cell as Defuse wrote it: it removes one
// leading apostrophe when the rest, after any further apostrophes, starts
// with =, +, -, @, a tab or a carriage return.
func Undefuse(s string) string {
	if strings.HasPrefix(s, "'") && risky(s) {
		return s[1:]
	}
	return s
}

// isDecimal reports whether s is a plain decimal number: a sign, digits with
// at most one point, and an exponent, such as -500, +1.5 or 2e-3. Forms
// strconv.ParseFloat also takes (Inf, NaN, hexadecimal) are not numbers to a
// spreadsheet and are defused.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := s[i+1:]
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		if exp == "" || !allDigits(exp) {
			return false
		}
		s = s[:i]
	}
	whole, frac, _ := strings.Cut(s, ".")
	return (whole != "" || frac != "") && allDigits(whole) && allDigits(frac)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
