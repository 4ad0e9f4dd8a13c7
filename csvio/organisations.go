package csvio

import (
	"fmt"
	"io"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// OrganisationColumns is the header of an organisations file, in the order
// written.
var OrganisationColumns = []string{"name", "ods_code", "sector", "area_code"}

// Organisation is one row of an organisations file.
type Organisation struct {
	Line     int // the line it was read from; 0 when not read
	Name     string
	ODSCode  string // NHS organisations' code; empty for others
	Sector   string // one of groundswell.Sectors
	AreaCode string
	// Columns are the columns of the file the row was read from: an
	// organisations file without an area_code column leaves the areas of
	// those it updates as they are, and one without an ods_code column
	// finds organisations by name alone.
	Columns Columns
}

// NewOrganisationWriter writes the header of an organisations file.
func NewOrganisationWriter(w io.Writer, opt Options) (*RecordWriter[Organisation], error) {
	return newRecordWriter(w, OrganisationColumns, opt, EncodeOrganisation)
}

// EncodeOrganisation is the record of an organisation, in the order of
// OrganisationColumns.
func EncodeOrganisation(o Organisation) []string {
	return []string{o.Name, o.ODSCode, o.Sector, o.AreaCode}
}

// NewOrganisationReader reads the header of an organisations file. A row
// repeating an earlier good row's ODS code, or, without one, its name, is
// bad.
func NewOrganisationReader(r io.Reader) (*Reader[Organisation], error) {
	return newReader(r, []string{"name", "sector"}, []string{"ods_code", "area_code"}, checkOrganisation, organisationKey)
}

// organisationKey is what identifies an organisation in a file, and its
// name in a message: its ODS code, or, without one, its name.
func organisationKey(o Organisation) (string, string) {
	if o.ODSCode != "" {
		return "ods:" + o.ODSCode, "ODS code"
	}
	return "name:" + o.Name, "name (and no ODS code)"
}

func checkOrganisation(rec *Record) Organisation {
	o := gs.Organisation{Name: rec.Text("name"), ODSCode: rec.Text("ods_code"), Sector: rec.Text("sector")}
	for _, s := range gs.Sectors {
		if strings.EqualFold(s, o.Sector) {
			o.Sector = s // as typed in a spreadsheet, "nhs provider"
		}
	}
	err := o.Validate()
	if f := gs.ErrorFields(err); f["sector"] != "" {
		f["sector"] = fmt.Sprintf("%q is not a sector: use one of %s", o.Sector, strings.Join(gs.Sectors, ", "))
	}
	rec.Check(err, nil)
	return Organisation{Line: rec.Line, Name: o.Name, ODSCode: o.ODSCode, Sector: o.Sector, AreaCode: rec.Code("area_code", 20),
		Columns: rec.Columns()}
}
