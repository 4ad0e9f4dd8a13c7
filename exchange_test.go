package groundswell_test

import (
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func TestPersonValidate(t *testing.T) {
	p := gs.Person{Email: "  Ann@Example.ORG ", Name: " Ann ", ReferralCode: "abcdefgh12"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Email != "ann@example.org" || p.Name != "Ann" || p.ReferralCode != "ABCDEFGH12" {
		t.Errorf("cleaned to %+v", p)
	}
	bad := gs.Person{Email: "ann", ReferralCode: "ILOU000000", OrganisationName: "a\x00b"}
	fields := gs.ErrorFields(bad.Validate())
	for _, f := range []string{"email", "name", "referral_code", "organisation_name"} {
		if fields[f] == "" {
			t.Errorf("no message for %s: %v", f, fields)
		}
	}
}

func TestCommitmentValidate(t *testing.T) {
	c := gs.Commitment{Status: gs.StatusDone, WhyItMatters: " Line one\r\nline two ", Hours: 2}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.OnBehalf != gs.OnBehalfSelf || c.Channel != gs.ChannelImport || c.WhyItMatters != "Line one\nline two" {
		t.Errorf("cleaned to %+v", c)
	}
	bad := gs.Commitment{Status: "finished", Hours: -1, OnBehalf: "dog", Channel: "Web Form"}
	fields := gs.ErrorFields(bad.Validate())
	for _, f := range []string{"status", "hours", "on_behalf", "channel"} {
		if fields[f] == "" {
			t.Errorf("no message for %s: %v", f, fields)
		}
	}
}
