package groundswell

import (
	"math"
	"strings"
)

// Organisation sectors, as the alliance is described.
var Sectors = []string{
	"NHS provider", "NHS commissioner", "General practice", "Community pharmacy", "Care home",
	"Voluntary and community", "Professional body", "Local authority", "Other",
}

// Organisation is a partner organisation. NHS bodies carry their ODS code.
type Organisation struct {
	ID      int64
	Name    string
	ODSCode string
	Sector  string
	AreaID  int64
}

// Validate checks and cleans an organisation.
func (o *Organisation) Validate() error {
	errs := FieldErrors{}
	o.Name = text(errs, "name", "Name", o.Name, true, 200, false)
	o.ODSCode = strings.ToUpper(text(errs, "ods_code", "ODS code", o.ODSCode, false, 12, false))
	for _, r := range o.ODSCode {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			errs.Add("ods_code", "ODS code must contain only letters and numbers, like RX1 or Y01234")
			break
		}
	}
	known := false
	for _, s := range Sectors {
		known = known || s == o.Sector
	}
	if !known {
		errs.Add("sector", "Select a sector")
	}
	return errs.Err()
}

// AllianceMember is an organisation's membership of a campaign's alliance,
// with its own action plan.
type AllianceMember struct {
	Organisation
	CampaignID int64
	JoinedOn   Date
	ActionPlan string
}

// Area is a geography: a nation, region or integrated care board.
type Area struct {
	ID       int64
	Code     string // ONS code where there is one, e.g. E40000007
	Name     string
	Kind     string // "nation", "region", …
	ParentID int64
	// Population, when known, lets mobilisation be shown per 100,000 people.
	Population int64
}

// Area kinds, from the largest: an area's parent is of an earlier kind.
var AreaKinds = []string{"nation", "region", "icb", "area"}

// Validate checks and cleans an area. Whether its parent exists, and that
// the hierarchy has no loop, is the store's to check.
func (a *Area) Validate() error {
	errs := FieldErrors{}
	a.Code = strings.ToUpper(text(errs, "code", "Code", a.Code, true, 20, false))
	for _, r := range a.Code {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			errs.Add("code", "Code must contain only letters and numbers, like E40000007")
			break
		}
	}
	a.Name = text(errs, "name", "Name", a.Name, true, 200, false)
	known := false
	for _, k := range AreaKinds {
		known = known || k == a.Kind
	}
	if !known {
		errs.Add("kind", "Select the kind of area")
	}
	if a.ParentID != 0 && a.ParentID == a.ID {
		errs.Add("parent_id", "An area cannot be its own parent")
	}
	if a.Population < 0 || a.Population > 10_000_000_000 {
		errs.Add("population", "Population must be a whole number between 0 and 10,000,000,000")
	}
	return errs.Err()
}

// Indicator is an outcome measure, such as the share of people with dementia
// prescribed an antipsychotic.
type Indicator struct {
	ID         int64
	CampaignID int64
	Slug       string
	Name       string
	Unit       string // "%" or "per 1,000" …
	Direction  string // "up", "down" or "neither": which way is improvement
	Target     *float64
	Definition string
	Source     string
	Caveats    string
}

// Indicator directions: which way is improvement.
var Directions = []string{"down", "up", "neither"}

// Validate checks and cleans an indicator.
func (i *Indicator) Validate() error {
	errs := FieldErrors{}
	i.Name = text(errs, "name", "Name", i.Name, true, 200, false)
	if i.Slug == "" && i.Name != "" {
		i.Slug = Slugify(i.Name)
	}
	if !ValidSlug(i.Slug) {
		errs.Add("slug", "Web address must be 1 to 60 lower-case letters, numbers and hyphens")
	}
	i.Unit = text(errs, "unit", "Unit", i.Unit, false, 40, false)
	switch i.Direction {
	case "up", "down", "neither":
	default:
		errs.Add("direction", "Select which way is better")
	}
	if i.Target != nil && (math.IsNaN(*i.Target) || math.IsInf(*i.Target, 0)) {
		errs.Add("target", "Target must be a number, like 25 or 0.5")
	}
	i.Definition = text(errs, "definition", "Definition", i.Definition, false, 4000, true)
	i.Source = text(errs, "source", "Source", i.Source, false, 4000, true)
	i.Caveats = text(errs, "caveats", "Caveats", i.Caveats, false, 4000, true)
	return errs.Err()
}

// Observation is an indicator's value for one area and period.
type Observation struct {
	IndicatorID int64
	AreaID      int64
	Period      Date
	Numerator   *float64
	Denominator *float64
	Value       float64
	// Synthetic marks made-up values (the demo's regional series); the UI
	// says so wherever they are shown.
	Synthetic bool
}

// Driver is an action that aims to move an indicator, with its group: one
// branch of the campaign's driver diagram.
type Driver struct {
	Action    ActionSummary
	GroupName string
	GroupSlug string
}
