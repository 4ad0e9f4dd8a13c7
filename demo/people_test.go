package demo

import (
	"math"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell"
)

func TestEmails(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range data(t).People {
		e := p.Email
		if seen[e] {
			t.Errorf("email %s used twice", e)
		}
		seen[e] = true
		if e != strings.ToLower(e) {
			t.Errorf("email %s is not lower case", e)
		}
		at := strings.LastIndexByte(e, '@')
		if d := e[at+1:]; d != "example.org" && d != "example.com" && d != "example.net" {
			t.Errorf("email %s is not at an example domain", e)
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			t.Errorf("email %s does not parse: %v", e, err)
		}
	}
}

func TestReferralCodesAndReceipts(t *testing.T) {
	ds := data(t)
	codes := map[string]bool{}
	for _, p := range ds.People {
		if !groundswell.ValidReferralCode(p.ReferralCode) {
			t.Errorf("person %d: invalid referral code %q", p.ID, p.ReferralCode)
		}
		if codes[p.ReferralCode] {
			t.Errorf("referral code %s used twice", p.ReferralCode)
		}
		codes[p.ReferralCode] = true
	}
	tokens := map[string]bool{}
	for _, c := range ds.Commitments {
		tok := c.ReceiptToken
		if len(tok) != 26 || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz234567") != "" {
			t.Errorf("commitment %d: receipt token %q is not 26 lower-case base32 characters", c.ID, tok)
		}
		if tokens[tok] {
			t.Errorf("receipt token %s used twice", tok)
		}
		tokens[tok] = true
	}
}

func TestCommitmentTimesAndStatuses(t *testing.T) {
	ds := data(t)
	windows := map[int64][2]time.Time{
		1: {rightPrescription.pledgeFrom.Time(), rightPrescription.pledgeTo.Time().Add(24 * time.Hour)},
		2: {rightCare.pledgeFrom.Time(), rightCare.pledgeTo.Time().Add(24 * time.Hour)},
	}
	first := firstCommitments(ds)
	pastDue, done, hours, why := 0, 0, 0, 0
	statuses := map[string]int{}
	for _, c := range ds.Commitments {
		w := windows[c.CampaignID]
		a := ds.Actions[c.ActionID-1]
		switch {
		case c.CreatedAt.Before(w[0]) || !c.CreatedAt.Before(w[1]):
			t.Errorf("commitment %d made %v, outside its campaign's window", c.ID, c.CreatedAt)
		case c.UpdatedAt.Before(c.CreatedAt) || c.UpdatedAt.After(asOf):
			t.Errorf("commitment %d updated %v, made %v", c.ID, c.UpdatedAt, c.CreatedAt)
		case a.DueOn.Before(groundswell.DateOf(c.CreatedAt)):
			t.Errorf("commitment %d made %v to an action due %s", c.ID, c.CreatedAt, a.DueOn)
		case !slices.Contains(groundswell.CommitmentStatuses, c.Status):
			t.Errorf("commitment %d has status %q", c.ID, c.Status)
		case c.Hours != 0 && (c.Hours < 0.5 || c.Hours > 20):
			t.Errorf("commitment %d pledges %v hours", c.ID, c.Hours)
		}
		if p := ds.People[c.PersonID-1]; p.CreatedAt.After(first[[2]int64{c.CampaignID, c.PersonID}].CreatedAt) {
			t.Errorf("person %d created after their first pledge", p.ID)
		}
		statuses[c.Status]++
		if a.DueOn.Time().Add(24 * time.Hour).Before(asOf) {
			pastDue++
			if c.Status == groundswell.StatusDone {
				done++
			}
		}
		if c.Hours > 0 {
			hours++
		}
		if c.WhyItMatters != "" {
			why++
		}
	}
	n := float64(len(ds.Commitments))
	if s := float64(done) / float64(pastDue); s < 0.48 || s > 0.62 {
		t.Errorf("%.2f of past-due commitments are done, want about 0.55", s)
	}
	if s := float64(hours) / n; s < 0.35 || s > 0.45 {
		t.Errorf("%.2f of commitments pledge hours, want about 0.4", s)
	}
	if s := float64(why) / n; s < 0.5 {
		t.Errorf("only %.2f of commitments say why it matters", s)
	}
	for _, s := range groundswell.CommitmentStatuses {
		if statuses[s] == 0 {
			t.Errorf("no commitment is %s", s)
		}
	}
	wall, contact := 0, 0
	for _, p := range ds.People {
		if p.ShowOnWall {
			wall++
		}
		if p.ContactOK {
			contact++
		}
	}
	if s := float64(wall) / float64(len(ds.People)); math.Abs(s-0.55) > 0.03 {
		t.Errorf("%.2f of people show on the wall, want about 0.55", s)
	}
	if s := float64(contact) / float64(len(ds.People)); math.Abs(s-0.60) > 0.03 {
		t.Errorf("%.2f of people may be contacted, want about 0.60", s)
	}
	t.Logf("statuses %v; %d of %d past-due done", statuses, done, pastDue)
}

func TestProfessionsMatchGroups(t *testing.T) {
	ds := data(t)
	specs := map[int64]*groupSpec{}
	for i, g := range ds.Groups {
		s := &rightPrescription
		if g.CampaignID == 2 {
			s = &rightCare
		}
		for j := range s.groups {
			if s.groups[j].slug == g.Slug {
				specs[int64(i+1)] = &s.groups[j]
			}
		}
	}
	for _, c := range ds.Commitments {
		spec := specs[ds.Actions[c.ActionID-1].GroupID]
		if p := ds.People[c.PersonID-1]; spec == nil || !slices.Contains(spec.professions, p.Profession) {
			t.Errorf("person %d (%s) pledged to action %d", p.ID, p.Profession, c.ActionID)
		}
	}
}
