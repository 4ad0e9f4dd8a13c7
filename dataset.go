package groundswell

// Dataset is a whole body of records loaded in one go: the demo, or an archive
// from another installation. References between records are local: every ID
// field (ID, CampaignID, PersonID, …) holds the 1-based position of the
// referenced record in its slice of this Dataset, not a database ID, and 0
// means "none". The loader maps them to the IDs it stores.
type Dataset struct {
	Areas         []Area
	Organisations []Organisation
	Campaigns     []Campaign
	Alliance      []AllianceMember // Organisation.ID and CampaignID are local
	Groups        []Group
	Actions       []Action
	Milestones    []Milestone
	People        []Person
	Commitments   []Commitment
	Relationships []Relationship
	Indicators    []Indicator
	Observations  []Observation
	Envelope      []EnvelopeEntry
}
