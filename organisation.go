package groundswell

import "strings"

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
