package groundswell_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	gs "github.com/groundswell-health/groundswell"
)

// Fuzz tests of the domain's parsers of outside input. Their seeds, and any
// input that once failed, live in testdata/fuzz and run with every go test;
// scripts/test also fuzzes each briefly.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-03-31", "2027-02-29", "0000-01-01", "2027-3-1", "31/03/2027", "", "2027-03-31T00:00:00Z", "９９９９-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := gs.ParseDate(s)
		if err != nil {
			return
		}
		again, err := gs.ParseDate(d.String())
		if err != nil || again != d {
			t.Errorf("%q parsed as %v, which reads back as %v (%v)", s, d, again, err)
		}
	})
}

func FuzzReferralCode(f *testing.F) {
	for _, s := range []string{"0123456789", "ABCDEFGHJK", "abcdefghjk", "ILOU012345", "", "0123456789X", "０１２３４５６７８９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if gs.ValidReferralCode(s) && (len(s) != gs.ReferralCodeLength || strings.ContainsAny(s, "ILOUilou") || !utf8.ValidString(s)) {
			t.Errorf("%q accepted as a referral code", s)
		}
		// Any random bytes make a valid code.
		b := []byte(s + strings.Repeat("\x00", gs.ReferralCodeLength))
		if code := gs.ReferralCodeFrom(b); !gs.ValidReferralCode(code) {
			t.Errorf("ReferralCodeFrom(%q) = %q, not valid", b, code)
		}
	})
}

// FuzzPledgeInput checks a pledge the public form sends is either refused
// or clean: no control characters, within its lengths, a plausible email.
func FuzzPledgeInput(f *testing.F) {
	f.Add("Asha Patel", "asha@example.org", "Pharmacist", "Why", "1.5", "0123456789", "self")
	f.Add("<script>", "a@b", "\x00", "\u202e", "NaN", "ilou", "team")
	f.Add("", " ASHA@EXAMPLE.ORG ", "x", strings.Repeat("y", 2000), "-1", "", "cared_for")
	f.Fuzz(func(t *testing.T, name, email, profession, why, hours, ref, onBehalf string) {
		in := gs.PledgeInput{ActionID: 1, AreaID: 1, Name: name, Email: email, Profession: profession, WhyItMatters: why,
			Hours: hours, ReferralCode: ref, OnBehalf: onBehalf}
		if err := in.Validate(); err != nil {
			if gs.ErrorCode(err) != gs.EINVALID || len(gs.ErrorFields(err)) == 0 {
				t.Errorf("refused without naming a field: %v", err)
			}
			return
		}
		for field, v := range map[string]string{"name": in.Name, "email": in.Email, "profession": in.Profession} {
			if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) || !utf8.ValidString(v) {
				t.Errorf("%s %q accepted", field, v)
			}
		}
		if !strings.Contains(in.Email, "@") || in.Email != strings.ToLower(strings.TrimSpace(in.Email)) {
			t.Errorf("email %q accepted", in.Email)
		}
		if in.HoursValue < 0 || in.HoursValue > 1000 || in.HoursValue != in.HoursValue {
			t.Errorf("hours %q accepted as %v", hours, in.HoursValue)
		}
		if in.ReferralCode != "" && !gs.ValidReferralCode(in.ReferralCode) {
			t.Errorf("referral code %q accepted", in.ReferralCode)
		}
	})
}
