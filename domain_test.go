package groundswell_test

import (
	"errors"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func TestDateFormats(t *testing.T) {
	d, err := gs.ParseDate("2027-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if d.Long() != "31 March 2027" || d.String() != "2027-03-31" || d.MonthYear() != "March 2027" {
		t.Errorf("formats: %q %q %q", d.Long(), d.String(), d.MonthYear())
	}
	if d.AddDays(1) != gs.MustDate("2027-04-01") || !d.Before(d.AddDays(1)) {
		t.Error("date arithmetic is wrong")
	}
	for _, bad := range []string{"", "31/03/2027", "2027-02-30", "2027-3-1"} {
		if _, err := gs.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if (gs.Date{}).Long() != "" {
		t.Error("zero date is not empty")
	}
}

func TestSlugs(t *testing.T) {
	cases := map[string]string{
		"The Right Prescription": "the-right-prescription",
		"Care-home leaders!":     "care-home-leaders",
		"  GPs & prescribers  ":  "gps-prescribers",
		"Ünïcode only":           "n-code-only",
	}
	for in, want := range cases {
		if got := gs.Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if !gs.ValidSlug(gs.Slugify(in)) {
			t.Errorf("Slugify(%q) is not a valid slug", in)
		}
	}
	for _, bad := range []string{"", "-a", "a-", "a--b", "A", "a b", strings.Repeat("a", 61)} {
		if gs.ValidSlug(bad) {
			t.Errorf("ValidSlug(%q) = true", bad)
		}
	}
}

func TestReferralCodes(t *testing.T) {
	code := gs.ReferralCodeFrom([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 255})
	if !gs.ValidReferralCode(code) || len(code) != gs.ReferralCodeLength {
		t.Errorf("code %q is not valid", code)
	}
	for _, bad := range []string{"", "ABCDEFGHJ", "ABCDEFGHJKL", "ABCDEFGHJI", "abcdefghjk", "ABCDEFGH<>"} {
		if gs.ValidReferralCode(bad) {
			t.Errorf("ValidReferralCode(%q) = true", bad)
		}
	}
}

func TestPledgeValidationCleansInput(t *testing.T) {
	in := gs.PledgeInput{ActionID: 1, Name: "  Asha  ", Email: " ASHA@Example.ORG ", Profession: "Pharmacist", AreaID: 2,
		WhyItMatters: "Line one\r\nLine two", Hours: " 1.5 ", ReferralCode: " abcdefghjk "}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Name != "Asha" || in.Email != "asha@example.org" || in.WhyItMatters != "Line one\nLine two" || in.HoursValue != 1.5 || in.ReferralCode != "ABCDEFGHJK" {
		t.Errorf("cleaned = %+v", in)
	}
	in.Name = "Tab\tin name"
	if gs.ErrorFields(in.Validate())["name"] == "" {
		t.Error("a tab in a one-line field is accepted")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := gs.FieldErrors{"name": "Enter your name"}.Err()
	if gs.ErrorCode(err) != gs.EINVALID || gs.ErrorFields(err)["name"] != "Enter your name" {
		t.Errorf("field error = %v", err)
	}
	if (gs.FieldErrors{}).Err() != nil {
		t.Error("no field errors must be no error")
	}
	plain := errors.New("disk on fire at sector 7")
	if gs.ErrorCode(plain) != gs.EINTERNAL || strings.Contains(gs.ErrorMessage(plain), "sector 7") {
		t.Errorf("internal error leaks: %q", gs.ErrorMessage(plain))
	}
	if gs.ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
}

func TestBidiControlsAreRefusedJoinersAllowed(t *testing.T) {
	for _, name := range []string{"Carers\u202e", "\u2066Carers\u2069", "Care\u202ars"} {
		g := gs.Group{Name: name, Goal: "Ask."}
		if err := g.Validate(); gs.ErrorFields(err)["name"] == "" {
			t.Errorf("group name %q: %v, want the name refused", name, err)
		}
	}
	// A zero-width joiner is part of some scripts and emoji: not refused.
	g := gs.Group{Name: "Carers \U0001F469\u200D\u2695\uFE0F", Goal: "Ask."}
	if err := g.Validate(); err != nil {
		t.Errorf("a name with a joiner: %v", err)
	}
}
