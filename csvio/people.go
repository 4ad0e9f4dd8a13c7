package csvio

import (
	"io"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// PeopleColumns is the header of a people file, in the order written.
var PeopleColumns = []string{"email", "name", "profession", "organisation_ods_code", "organisation", "organisation_name",
	"area_code", "show_on_wall", "contact_ok", "referral_code", "created_at", "unsubscribed_at", "confirmed"}

var peopleRequired = PeopleColumns[:2]

// Person is one row of a people file.
type Person struct {
	Line       int // the line it was read from; 0 when not read
	Email      string
	Name       string
	Profession string
	// OrganisationODSCode and Organisation name the person's organisation
	// when it is listed in Groundswell: by ODS code, or, for an
	// organisation without one, by name.
	OrganisationODSCode string
	Organisation        string
	// OrganisationName is the organisation the person typed in when theirs
	// was not listed (the pledge form keeps it only then).
	OrganisationName string
	AreaCode         string
	ShowOnWall       bool
	ContactOK        bool
	ReferralCode     string    // empty: a new one is made on import
	CreatedAt        time.Time // zero: the time of the import
	UnsubscribedAt   time.Time // zero: still takes follow-up emails
	// Confirmed says, in an export of a campaign's people, that they have
	// a confirmed pledge in it. An import reads it and ignores it: what is
	// confirmed is the pledges' to say (their confirmed_at).
	Confirmed bool
	// Erased says the row is an erased person's: their email is the random
	// placeholder an erasure leaves (at gs.ErasedDomain). Exports carry
	// such rows, because the pledges and invitations they kept point at
	// them; an import stores them as erased again. The row has no name,
	// role, organisation typed in, referral code or consent.
	Erased bool
	// Columns are the columns of the file the row was read from: an import
	// leaves the consents of a person already stored as they are where the
	// file says nothing about them.
	Columns Columns
}

// NewPeopleWriter writes the header of a people file.
func NewPeopleWriter(w io.Writer, opt Options) (*RecordWriter[Person], error) {
	return newRecordWriter(w, PeopleColumns, opt, EncodePerson)
}

// EncodePerson is the record of a person, in the order of PeopleColumns.
func EncodePerson(p Person) []string {
	return []string{p.Email, p.Name, p.Profession, p.OrganisationODSCode, p.Organisation, p.OrganisationName, p.AreaCode,
		FormatBool(p.ShowOnWall), FormatBool(p.ContactOK), p.ReferralCode, FormatTime(p.CreatedAt), FormatTime(p.UnsubscribedAt),
		FormatBool(p.Confirmed)}
}

// NewPeopleReader reads the header of a people file. A row repeating an
// earlier good row's email is bad.
func NewPeopleReader(r io.Reader) (*Reader[Person], error) {
	return newReader(r, peopleRequired, PeopleColumns[2:], checkPerson, func(p Person) (string, string) { return p.Email, "email" })
}

func checkPerson(rec *Record) Person {
	if gs.IsErased(gs.NormalizeEmail(rec.Text("email"))) {
		return checkErasedPerson(rec)
	}
	gp := gs.Person{Email: rec.Text("email"), Name: rec.Text("name"), Profession: rec.Text("profession"),
		OrganisationName: rec.Text("organisation_name"), ReferralCode: rec.Text("referral_code")}
	rec.Check(gp.Validate(), nil)
	p := Person{
		Line: rec.Line, Email: gp.Email, Name: gp.Name, Profession: gp.Profession,
		OrganisationODSCode: rec.Code("organisation_ods_code", 12), Organisation: rec.Text("organisation"),
		OrganisationName: gp.OrganisationName, AreaCode: rec.Code("area_code", 20),
		ShowOnWall: rec.Bool("show_on_wall"), ContactOK: rec.Bool("contact_ok"), ReferralCode: gp.ReferralCode,
		CreatedAt: rec.Time("created_at"), UnsubscribedAt: rec.Time("unsubscribed_at"), Confirmed: rec.Bool("confirmed"),
		Columns: rec.Columns(),
	}
	if len([]rune(p.Organisation)) > 200 {
		rec.Problem("organisation: must be 200 characters or fewer")
	}
	return p
}

// checkErasedPerson reads the row of a person erased (see Person.Erased).
// Their name and words are gone for good: a row that gives any is refused
// rather than stored against a placeholder. The referral code is the
// impossible one the erasure made ("erased-…"), or empty; an import makes a
// new impossible one either way. The consents are off whatever the row
// says: there is no one left whose consent they were.
func checkErasedPerson(rec *Record) Person {
	p := Person{
		Line: rec.Line, Email: rec.Email("email"), Erased: true,
		OrganisationODSCode: rec.Code("organisation_ods_code", 12), Organisation: rec.Text("organisation"),
		AreaCode: rec.Code("area_code", 20), CreatedAt: rec.Time("created_at"), UnsubscribedAt: rec.Time("unsubscribed_at"),
		Confirmed: rec.Bool("confirmed"), Columns: rec.Columns(),
	}
	rec.Bool("show_on_wall") // read for the problems of a bad cell only
	rec.Bool("contact_ok")
	for _, c := range []string{"name", "profession", "organisation_name"} {
		if rec.Text(c) != "" {
			rec.cellProblem(c, "must be empty: the email address is an erased person's placeholder (@%s), and nothing of who they were is kept", gs.ErasedDomain)
		}
	}
	if code := rec.Text("referral_code"); code != "" && !strings.HasPrefix(strings.ToLower(code), "erased-") {
		rec.cellProblem("referral_code", "must be empty, or the erased-… code an erasure leaves: the email address is an erased person's placeholder (@%s)", gs.ErasedDomain)
	}
	if len([]rune(p.Organisation)) > 200 {
		rec.Problem("organisation: must be 200 characters or fewer")
	}
	return p
}

// Code reads a code such as an ODS or ONS code: letters and numbers, at most
// max of them, upper-cased; "" when empty.
func (r *Record) Code(name string, max int) string {
	s := strings.ToUpper(r.Text(name))
	if len(s) > max {
		r.cellProblem(name, "%q is longer than %d characters", s, max)
		return s
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			r.cellProblem(name, "%q must contain only letters and numbers, like RX1 or E40000007", s)
			break
		}
	}
	return s
}
