package groundswell

import (
	"math"
	"strings"
)

// Envelope entry kinds and units.
const (
	EnvelopeAllocated = "allocated"
	EnvelopeSpent     = "spent"

	UnitGBP        = "GBP"
	UnitStaffHours = "staff_hours"
)

// EnvelopeEntry is money or staff time allocated to, or spent by, a
// campaign the classic way: the "resource envelope" that runs down, shown
// beside the resources the movement builds.
type EnvelopeEntry struct {
	ID         int64
	CampaignID int64
	On         Date
	Kind       string // EnvelopeAllocated or EnvelopeSpent
	Unit       string // UnitGBP or UnitStaffHours
	Amount     float64
	Note       string
}

// Validate checks and cleans an envelope entry.
func (e *EnvelopeEntry) Validate() error {
	errs := FieldErrors{}
	if e.On.IsZero() {
		errs.Add("on", "Enter the date")
	}
	if e.Kind != EnvelopeAllocated && e.Kind != EnvelopeSpent {
		errs.Add("kind", "Select allocated or spent")
	}
	if e.Unit != UnitGBP && e.Unit != UnitStaffHours {
		errs.Add("unit", "Select pounds or staff hours")
	}
	if math.IsNaN(e.Amount) || math.IsInf(e.Amount, 0) || e.Amount <= 0 || e.Amount > 1e12 {
		errs.Add("amount", "Amount must be a number more than 0, like 25000")
	}
	e.Note = strings.TrimSpace(text(errs, "note", "Note", e.Note, false, 300, false))
	return errs.Err()
}
