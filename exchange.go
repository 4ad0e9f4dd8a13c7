package groundswell

import (
	"math"
	"slices"
	"strings"
)

// Checks of records that arrive in bulk — a data exchange file, a campaign
// archive — rather than through a form, which has its own input type
// (PledgeInput). Field names are the files' column names.

// Validate checks and cleans a person's details. The profession, required
// on the pledge form, is optional here: a list of people from elsewhere may
// not have one.
func (p *Person) Validate() error {
	errs := FieldErrors{}
	p.Email = email(errs, "email", p.Email)
	p.Name = text(errs, "name", "Name", p.Name, true, 100, false)
	p.Profession = text(errs, "profession", "Role or profession", p.Profession, false, 100, false)
	p.OrganisationName = text(errs, "organisation_name", "Organisation", p.OrganisationName, false, 200, false)
	p.ReferralCode = strings.ToUpper(strings.TrimSpace(p.ReferralCode))
	if p.ReferralCode != "" && !ValidReferralCode(p.ReferralCode) {
		errs.Add("referral_code", "Referral code must be 10 letters and numbers, as Groundswell makes them, or left empty for a new one")
	}
	return errs.Err()
}

// Validate checks and cleans a commitment's own fields; which person and
// action it names is for the store to check. An empty OnBehalf is the person
// themself, an empty Channel an import.
func (c *Commitment) Validate() error {
	errs := FieldErrors{}
	if !slices.Contains(CommitmentStatuses, c.Status) {
		errs.Add("status", "Status must be one of "+strings.Join(CommitmentStatuses, ", "))
	}
	c.WhyItMatters = text(errs, "why", "Why it matters", c.WhyItMatters, false, 1000, true)
	if math.IsNaN(c.Hours) || c.Hours < 0 || c.Hours > 1000 {
		errs.Add("hours", "Hours must be between 0 and 1,000")
	}
	if c.OnBehalf == "" {
		c.OnBehalf = OnBehalfSelf
	}
	if !slices.Contains(OnBehalfChoices, c.OnBehalf) {
		errs.Add("on_behalf", "Who the pledge is for must be one of "+strings.Join(OnBehalfChoices, ", "))
	}
	if c.Channel == "" {
		c.Channel = ChannelImport
	}
	if len(c.Channel) > 20 || strings.Trim(c.Channel, "abcdefghijklmnopqrstuvwxyz_") != "" {
		errs.Add("channel", "Channel must be a word of lower-case letters, like web, invite or import")
	}
	return errs.Err()
}

// CleanEmail normalises an email address (see NormalizeEmail) and reports
// whether it is in the correct format for a person's email.
func CleanEmail(s string) (string, bool) {
	errs := FieldErrors{}
	v := email(errs, "email", s)
	return v, len(errs) == 0
}
