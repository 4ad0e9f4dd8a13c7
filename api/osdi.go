package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// The Open Supporter Data Interface (OSDI 1.1, opensupporter.github.io) is
// how organising tools — Action Network and others — exchange people and
// their actions. Groundswell speaks the part of it that fits its domain, as
// HAL+JSON under /api/v1/osdi:
//
//	OSDI            Groundswell
//	person          a person with a commitment in the token's campaign
//	petition        an action (what people pledge to)
//	signature       a commitment (a pledge to an action)
//	tag, tagging    a stakeholder group; its people (read-only)
//
// The record signature helper (POST …/petitions/{id}/signatures) is how an
// OSDI client pushes a pledge in; it goes through the same rules as the
// public form and the person confirms it by email. docs/API.md lists every
// supported field.

const osdiPrefix = "/osdi"

// Link is a HAL link.
type Link struct {
	Href  string `json:"href"`
	Title string `json:"title,omitempty"`
}

type halLinks map[string]any

func (a *API) registerOSDI() {
	api := a.huma
	get := func(id, path, summary string) huma.Operation {
		return operation(id, http.MethodGet, osdiPrefix+path, "OSDI", summary)
	}
	huma.Register(api, get("osdi-entry", "", "The OSDI entry point: links to every collection"), a.osdiEntry)
	huma.Register(api, get("osdi-list-people", "/people", "List people (OSDI)"), a.osdiPeople)
	huma.Register(api, get("osdi-get-person", "/people/{id}", "Get a person (OSDI)"), a.osdiPerson)
	huma.Register(api, get("osdi-person-signatures", "/people/{id}/signatures", "List a person's signatures: their commitments (OSDI)"), a.osdiPersonSignatures)
	huma.Register(api, get("osdi-list-petitions", "/petitions", "List petitions: the campaign's actions (OSDI)"), a.osdiPetitions)
	huma.Register(api, get("osdi-get-petition", "/petitions/{id}", "Get a petition: an action (OSDI)"), a.osdiPetition)
	huma.Register(api, get("osdi-petition-signatures", "/petitions/{id}/signatures", "List a petition's signatures: the commitments to an action (OSDI)"), a.osdiPetitionSignatures)
	huma.Register(api, get("osdi-get-signature", "/petitions/{petition}/signatures/{id}", "Get a signature: a commitment (OSDI)"), a.osdiSignature)
	record := operation("osdi-record-signature", http.MethodPost, osdiPrefix+"/petitions/{id}/signatures", "OSDI",
		"Record signature helper: pledge a person to an action (OSDI)")
	record.DefaultStatus = http.StatusCreated
	record.Errors = append(record.Errors, http.StatusConflict, http.StatusRequestEntityTooLarge)
	record.Description = "Finds the person by email, or creates them, and records their signature as a pledge to the action. " +
		"The person is emailed a link to confirm it; until then it is not counted. Tags are the campaign's stakeholder " +
		"groups and follow from pledges, so add_tags is refused."
	huma.Register(api, record, a.osdiRecordSignature)
	huma.Register(api, get("osdi-list-tags", "/tags", "List tags: the campaign's stakeholder groups (OSDI)"), a.osdiTags)
	huma.Register(api, get("osdi-get-tag", "/tags/{id}", "Get a tag: a stakeholder group (OSDI)"), a.osdiTag)
	huma.Register(api, get("osdi-tag-taggings", "/tags/{id}/taggings", "List a tag's taggings: the people who pledged to the group's actions (OSDI)"), a.osdiTaggings)
}

// href is the absolute address of an API path.
func href(ctx context.Context, path string) Link { return Link{Href: baseOf(ctx) + Prefix + path} }

func osdiID(kind string, id int64) string {
	return "groundswell:" + kind + ":" + strconv.FormatInt(id, 10)
}

// HAL is a HAL+JSON resource or collection.
type HAL[T any] struct {
	ContentType string `header:"Content-Type"`
	Body        T
}

func hal[T any](v T) *HAL[T] { return &HAL[T]{ContentType: halJSON, Body: v} }

// Entry point.

// OSDIEntry is the API entry point (AEP).
type OSDIEntry struct {
	Motd        string   `json:"motd"`
	VendorName  string   `json:"vendor_name"`
	ProductName string   `json:"product_name"`
	OSDIVersion string   `json:"osdi_version"`
	Namespace   string   `json:"namespace"`
	MaxPageSize int      `json:"max_pagesize"`
	Links       halLinks `json:"_links"`
}

func (a *API) osdiEntry(ctx context.Context, _ *struct{}) (*HAL[OSDIEntry], error) {
	return hal(OSDIEntry{
		Motd: "Groundswell: a call to action for large-scale change in health and care", VendorName: "Groundswell",
		ProductName: "Groundswell", OSDIVersion: "1.1", Namespace: "groundswell", MaxPageSize: osdiMaxPage,
		Links: halLinks{
			"self":           href(ctx, osdiPrefix),
			"osdi:people":    Link{Href: href(ctx, osdiPrefix+"/people").Href, Title: "The campaign's people"},
			"osdi:petitions": Link{Href: href(ctx, osdiPrefix+"/petitions").Href, Title: "The campaign's actions"},
			"osdi:tags":      Link{Href: href(ctx, osdiPrefix+"/tags").Href, Title: "The campaign's stakeholder groups"},
			"curies":         []map[string]any{{"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": true}},
			"docs":           href(ctx, "/openapi.json"),
		},
	}), nil
}

// Collections. OSDI pages by page number; Groundswell pages by cursor, so
// the next link carries both and page numbers are only reported. A client
// that asks for page 2 without the cursor is told to follow the link.

const osdiMaxPage = 100

type OSDIPageQuery struct {
	Page    int    `query:"page" minimum:"1" default:"1" doc:"Reported back; to move on, follow _links.next."`
	PerPage int    `query:"per_page" minimum:"1" maximum:"100" default:"25"`
	After   string `query:"after" doc:"The cursor in _links.next."`
}

func (q OSDIPageQuery) key() (int64, error) {
	if q.Page > 1 && q.After == "" {
		return 0, badParam("page", "Follow _links.next to move from page to page: pages are read by cursor", q.Page)
	}
	return ListQuery{After: q.After}.key()
}

// OSDICollection is a page of an OSDI collection.
type OSDICollection[T any] struct {
	Page     int            `json:"page"`
	PerPage  int            `json:"per_page"`
	Links    halLinks       `json:"_links"`
	Embedded map[string][]T `json:"_embedded"`
}

func osdiCollection[T any](ctx context.Context, rel string, q OSDIPageQuery, items []T, self func(T) string, key func(T) int64) *HAL[OSDICollection[T]] {
	return osdiCollectionWith(ctx, rel, q, items, self, func(x T) string { return cursor(key(x)) })
}

// osdiCollectionWith is osdiCollection with a cursor of another shape.
func osdiCollectionWith[T any](ctx context.Context, rel string, q OSDIPageQuery, items []T, self func(T) string, cur func(T) string) *HAL[OSDICollection[T]] {
	if items == nil {
		items = []T{}
	}
	u := requestURL(ctx)
	links := halLinks{"self": Link{Href: baseOf(ctx) + u.String()}}
	var list []Link
	for _, it := range items {
		list = append(list, Link{Href: self(it)})
	}
	links[rel] = list
	if len(items) == q.PerPage && len(items) > 0 {
		v := u.Query()
		v.Set("after", cur(items[len(items)-1]))
		v.Set("page", strconv.Itoa(q.Page+1))
		u.RawQuery = v.Encode()
		links["next"] = Link{Href: baseOf(ctx) + u.String()}
	}
	return hal(OSDICollection[T]{Page: q.Page, PerPage: q.PerPage, Links: links, Embedded: map[string][]T{rel: items}})
}

// People.

// OSDIPerson is a person in OSDI's shape.
type OSDIPerson struct {
	Identifiers    []string          `json:"identifiers"`
	CreatedDate    time.Time         `json:"created_date"`
	ModifiedDate   time.Time         `json:"modified_date"`
	GivenName      string            `json:"given_name"`
	FamilyName     string            `json:"family_name,omitempty"`
	EmailAddresses []OSDIEmail       `json:"email_addresses"`
	Employer       string            `json:"employer,omitempty"`
	CustomFields   map[string]string `json:"custom_fields"`
	Links          halLinks          `json:"_links"`
	// key is the person's id, for cursors.
	key int64
}

// OSDIEmail is an email address of a person.
type OSDIEmail struct {
	Address string `json:"address" maxLength:"254"`
	Primary bool   `json:"primary,omitempty"`
	Status  string `json:"status,omitempty" enum:"subscribed,unsubscribed,bouncing,previous bounce,spam complaint,previous spam complaint" doc:"subscribed gives consent to be contacted about the campaign (contact_ok); anything else withholds it."`
}

// lookups are the areas and organisations a page of people refers to, by id.
type lookups struct {
	areas map[int64]gs.Area
	orgs  map[int64]gs.Organisation
}

func (a *API) lookups(ctx context.Context) (lookups, error) {
	l := lookups{areas: map[int64]gs.Area{}, orgs: map[int64]gs.Organisation{}}
	areas, err := a.store.Areas(ctx)
	if err != nil {
		return l, a.problem(ctx, err, nil)
	}
	for _, x := range areas {
		l.areas[x.ID] = x
	}
	orgs, err := a.store.Organisations(ctx)
	if err != nil {
		return l, a.problem(ctx, err, nil)
	}
	for _, o := range orgs {
		l.orgs[o.ID] = o
	}
	return l, nil
}

// splitName gives OSDI's given and family names of Groundswell's one name:
// the family name is the last word. A name given the OSDI way is stored as
// "given family", so it reads back the same unless the family name has a
// space in it.
func splitName(name string) (given, family string) {
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i+1:]
}

func (l lookups) person(ctx context.Context, p gs.Person) OSDIPerson {
	given, family := splitName(p.Name)
	status := "unsubscribed"
	if p.ContactOK {
		status = "subscribed"
	}
	fields := map[string]string{"profession": p.Profession, "referral_code": p.ReferralCode}
	if x, ok := l.areas[p.AreaID]; ok {
		fields["area_code"] = x.Code
	}
	employer := p.OrganisationName
	if o, ok := l.orgs[p.OrganisationID]; ok {
		employer = o.Name
		if o.ODSCode != "" {
			fields["organisation_ods_code"] = o.ODSCode
		}
	}
	self := osdiPrefix + "/people/" + strconv.FormatInt(p.ID, 10)
	return OSDIPerson{
		Identifiers: []string{osdiID("person", p.ID)}, CreatedDate: stamp(p.CreatedAt), ModifiedDate: stamp(p.CreatedAt),
		GivenName: given, FamilyName: family, EmailAddresses: []OSDIEmail{{Address: p.Email, Primary: true, Status: status}},
		Employer: employer, CustomFields: fields,
		Links: halLinks{"self": href(ctx, self), "osdi:signatures": href(ctx, self+"/signatures")},
		key:   p.ID,
	}
}

type osdiPeopleQuery struct {
	OSDIPageQuery
	Filter string `query:"filter" maxLength:"300" doc:"OData filter; supported: email_address eq 'someone@example.org'."`
}

var emailFilter = regexp.MustCompile(`^\s*email_address\s+eq\s+'([^']*)'\s*$`)

func (a *API) osdiPeople(ctx context.Context, in *osdiPeopleQuery) (*HAL[OSDICollection[OSDIPerson]], error) {
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	f := store.PeopleFilter{CampaignID: campaignOf(ctx), After: after, Limit: in.PerPage}
	if in.Filter != "" {
		m := emailFilter.FindStringSubmatch(in.Filter)
		if m == nil {
			return nil, badParam("filter", "Only email_address eq '…' is supported", in.Filter)
		}
		if strings.TrimSpace(m[1]) == "" {
			// No one has an empty address; the store reads "" as any.
			return osdiCollection(ctx, "osdi:people", in.OSDIPageQuery, []OSDIPerson{}, nil, nil), nil
		}
		f.Email = m[1]
	}
	return a.osdiPeoplePage(ctx, f, in.OSDIPageQuery)
}

func (a *API) osdiPeoplePage(ctx context.Context, f store.PeopleFilter, q OSDIPageQuery) (*HAL[OSDICollection[OSDIPerson]], error) {
	pp, err := a.store.PeoplePage(ctx, f)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	l, err := a.lookups(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]OSDIPerson, 0, len(pp))
	for _, p := range pp {
		out = append(out, l.person(ctx, p))
	}
	return osdiCollection(ctx, "osdi:people", q, out, func(p OSDIPerson) string { return p.Links["self"].(Link).Href },
		func(p OSDIPerson) int64 { return p.key }), nil
}

func (a *API) osdiPerson(ctx context.Context, in *idPath) (*HAL[OSDIPerson], error) {
	p, err := a.store.CampaignPerson(ctx, campaignOf(ctx), in.ID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return nil, notFound("person")
	} else if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	l, err := a.lookups(ctx)
	if err != nil {
		return nil, err
	}
	return hal(l.person(ctx, p)), nil
}

// Petitions: the campaign's actions.

// OSDIPetition is an action in OSDI's shape.
type OSDIPetition struct {
	Identifiers     []string `json:"identifiers"`
	Title           string   `json:"title"`
	Description     string   `json:"description,omitempty"`
	BrowserURL      string   `json:"browser_url" doc:"The public pledge form."`
	TotalSignatures int      `json:"total_signatures" doc:"Confirmed commitments, not counting withdrawn ones."`
	// Groundswell's own fields, which OSDI clients ignore.
	DueOn   string   `json:"groundswell:due_on" format:"date"`
	Retired bool     `json:"groundswell:retired"`
	Links   halLinks `json:"_links"`
	key     int64
}

func (a *API) petition(ctx context.Context, x gs.ActionSummary, slug string) OSDIPetition {
	self := osdiPrefix + "/petitions/" + strconv.FormatInt(x.ID, 10)
	return OSDIPetition{
		Identifiers: []string{osdiID("action", x.ID)}, Title: x.Title, Description: x.Description,
		BrowserURL:      baseOf(ctx) + "/campaigns/" + slug + "/actions/" + strconv.FormatInt(x.ID, 10) + "/pledge",
		TotalSignatures: x.Pledged, DueOn: dateOut(x.DueOn), Retired: x.Retired,
		Links: halLinks{"self": href(ctx, self), "osdi:signatures": href(ctx, self+"/signatures"),
			"osdi:record_signature_helper": href(ctx, self+"/signatures")},
		key: x.ID,
	}
}

func (a *API) campaignSlug(ctx context.Context) (string, error) {
	c, err := a.store.CampaignByID(ctx, campaignOf(ctx))
	if err != nil {
		return "", a.problem(ctx, err, nil)
	}
	return c.Slug, nil
}

func (a *API) osdiPetitions(ctx context.Context, in *OSDIPageQuery) (*HAL[OSDICollection[OSDIPetition]], error) {
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	slug, err := a.campaignSlug(ctx)
	if err != nil {
		return nil, err
	}
	as, err := a.actions(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []OSDIPetition
	for _, x := range as {
		out = append(out, a.petition(ctx, x, slug))
	}
	p, _ := pageOf(ctx, out, ListQuery{Limit: in.PerPage, After: cursorOrEmpty(after)}, func(p OSDIPetition) int64 { return p.key })
	return osdiCollection(ctx, "osdi:petitions", *in, p.Body.Items, func(p OSDIPetition) string { return p.Links["self"].(Link).Href },
		func(p OSDIPetition) int64 { return p.key }), nil
}

func cursorOrEmpty(key int64) string {
	if key == 0 {
		return ""
	}
	return cursor(key)
}

func (a *API) osdiPetition(ctx context.Context, in *idPath) (*HAL[OSDIPetition], error) {
	slug, err := a.campaignSlug(ctx)
	if err != nil {
		return nil, err
	}
	as, err := a.actions(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if x.ID == in.ID {
			return hal(a.petition(ctx, x, slug)), nil
		}
	}
	return nil, notFound("petition")
}

// Signatures: commitments.

// OSDISignature is a commitment in OSDI's shape.
type OSDISignature struct {
	Identifiers  []string          `json:"identifiers"`
	CreatedDate  time.Time         `json:"created_date"`
	ModifiedDate time.Time         `json:"modified_date"`
	Comments     string            `json:"comments,omitempty" doc:"Why it matters to the person."`
	CustomFields map[string]string `json:"custom_fields" doc:"status, confirmed, hours and on_behalf, as in the commitment resource."`
	Links        halLinks          `json:"_links"`
	key          int64
}

func signature(ctx context.Context, c gs.Commitment) OSDISignature {
	petition := osdiPrefix + "/petitions/" + strconv.FormatInt(c.ActionID, 10)
	return OSDISignature{
		Identifiers: []string{osdiID("commitment", c.ID)}, CreatedDate: stamp(c.CreatedAt), ModifiedDate: stamp(c.UpdatedAt),
		Comments: c.WhyItMatters,
		CustomFields: map[string]string{"status": c.Status, "confirmed": strconv.FormatBool(c.Confirmed()),
			"hours": strconv.FormatFloat(c.Hours, 'f', -1, 64), "on_behalf": c.OnBehalf},
		Links: halLinks{"self": href(ctx, petition+"/signatures/"+strconv.FormatInt(c.ID, 10)),
			"osdi:petition": href(ctx, petition), "osdi:person": href(ctx, osdiPrefix+"/people/"+strconv.FormatInt(c.PersonID, 10))},
		key: c.ID,
	}
}

type osdiSignaturesQuery struct {
	ID int64 `path:"id" minimum:"1"`
	OSDIPageQuery
	Filter string `query:"filter" maxLength:"300" doc:"OData filter; supported: modified_date gt '2026-11-25T09:00:00Z' (or ge)."`
}

var modifiedFilter = regexp.MustCompile(`^\s*modified_date\s+(gt|ge)\s+'([^']*)'\s*$`)

func (a *API) signaturesPage(ctx context.Context, f store.CommitmentFilter, in *osdiSignaturesQuery) (*HAL[OSDICollection[OSDISignature]], error) {
	if in.Page > 1 && in.After == "" {
		return nil, badParam("page", "Follow _links.next to move from page to page: pages are read by cursor", in.Page)
	}
	if in.Filter != "" {
		m := modifiedFilter.FindStringSubmatch(in.Filter)
		t, perr := time.Time{}, error(nil)
		if m != nil {
			t, perr = time.Parse(time.RFC3339, m[2])
		}
		if m == nil || perr != nil {
			return nil, badParam("filter", "Only modified_date gt '…' or ge '…', with an RFC 3339 time, is supported", in.Filter)
		}
		if m[1] == "gt" {
			t = t.Add(time.Millisecond) // times are kept to the millisecond
		}
		f.UpdatedSince = t
	}
	f.CampaignID, f.Limit = campaignOf(ctx), in.PerPage
	var err error
	if f.UpdatedSince.IsZero() {
		f.After, err = in.key()
	} else {
		f.AfterUpdated, f.After, err = ListQuery{After: in.After}.changedKey()
	}
	if err != nil {
		return nil, err
	}
	cs, err := a.store.CommitmentsPage(ctx, f)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make([]OSDISignature, 0, len(cs))
	for _, c := range cs {
		out = append(out, signature(ctx, c))
	}
	self := func(s OSDISignature) string { return s.Links["self"].(Link).Href }
	if !f.UpdatedSince.IsZero() {
		return osdiCollectionWith(ctx, "osdi:signatures", in.OSDIPageQuery, out, self,
			func(s OSDISignature) string { return changedCursor(s.ModifiedDate, s.key) }), nil
	}
	return osdiCollection(ctx, "osdi:signatures", in.OSDIPageQuery, out, self, func(s OSDISignature) int64 { return s.key }), nil
}

func (a *API) osdiPetitionSignatures(ctx context.Context, in *osdiSignaturesQuery) (*HAL[OSDICollection[OSDISignature]], error) {
	if _, err := a.getAction(ctx, &idPath{in.ID}); err != nil {
		return nil, notFound("petition")
	}
	return a.signaturesPage(ctx, store.CommitmentFilter{ActionID: in.ID}, in)
}

func (a *API) osdiPersonSignatures(ctx context.Context, in *osdiSignaturesQuery) (*HAL[OSDICollection[OSDISignature]], error) {
	if _, err := a.getPerson(ctx, &idPath{in.ID}); err != nil {
		return nil, err
	}
	return a.signaturesPage(ctx, store.CommitmentFilter{PersonID: in.ID}, in)
}

type signaturePath struct {
	Petition int64 `path:"petition" minimum:"1"`
	ID       int64 `path:"id" minimum:"1"`
}

func (a *API) osdiSignature(ctx context.Context, in *signaturePath) (*HAL[OSDISignature], error) {
	c, err := a.store.CampaignCommitment(ctx, campaignOf(ctx), in.ID)
	if gs.ErrorCode(err) == gs.ENOTFOUND || err == nil && c.ActionID != in.Petition {
		return nil, notFound("signature")
	} else if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return hal(signature(ctx, c)), nil
}

// The record signature helper.

// OSDIPersonInput is a person as an OSDI client sends one.
type OSDIPersonInput struct {
	Identifiers    []string        `json:"identifiers,omitempty" maxItems:"20" doc:"The client's own identifiers; accepted, not stored."`
	GivenName      string          `json:"given_name" minLength:"1" maxLength:"100"`
	FamilyName     string          `json:"family_name,omitempty" maxLength:"100"`
	EmailAddresses []OSDIEmail     `json:"email_addresses" minItems:"1" maxItems:"10" doc:"The primary address (or the first) is the person's identity."`
	Employer       string          `json:"employer,omitempty" maxLength:"200" doc:"Free text, when custom_fields.organisation_ods_code does not name a listed organisation."`
	CustomFields   OSDICustomInput `json:"custom_fields"`
}

// OSDICustomInput are the custom fields Groundswell needs of a person.
type OSDICustomInput struct {
	Profession          string `json:"profession" minLength:"1" maxLength:"100" doc:"The person's role or profession."`
	AreaCode            string `json:"area_code" minLength:"1" maxLength:"20" doc:"The code of the area where they work or live (GET /areas)."`
	OrganisationODSCode string `json:"organisation_ods_code,omitempty" maxLength:"12" doc:"The ODS code of their organisation, when it is listed."`
	ShowOnWall          bool   `json:"show_on_wall,omitempty" doc:"Consent to show their name, role and comments on the public pledge wall."`
}

// OSDIReferrer says whose invite link brought the person.
type OSDIReferrer struct {
	Referrer string `json:"referrer,omitempty" maxLength:"20" doc:"The inviter's referral code."`
	Source   string `json:"source,omitempty" maxLength:"200" doc:"Accepted, not stored."`
}

// OSDISignatureInput is the body of the record signature helper.
type OSDISignatureInput struct {
	Person       OSDIPersonInput `json:"person"`
	Comments     string          `json:"comments,omitempty" maxLength:"1000" doc:"Why it matters to them."`
	ReferrerData *OSDIReferrer   `json:"referrer_data,omitempty"`
	AddTags      []string        `json:"add_tags,omitempty" maxItems:"50" doc:"Refused when not empty: tags follow from pledges."`
	Triggers     map[string]any  `json:"triggers,omitempty" doc:"Accepted and ignored: Groundswell sends its own confirmation email."`
}

type recordSignatureRequest struct {
	ID             int64  `path:"id" minimum:"1"`
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"40"`
	Body           OSDISignatureInput
}

// signatureFields says where each of the domain's pledge fields is in an
// OSDI signature.
var signatureFields = map[string]string{
	"name": "body.person.given_name", "email": "body.person.email_addresses[0].address", "profession": "body.person.custom_fields.profession",
	"organisation_id": "body.person.custom_fields.organisation_ods_code", "organisation_name": "body.person.employer",
	"area_id": "body.person.custom_fields.area_code", "why": "body.comments", "ref": "body.referrer_data.referrer",
	"action_id": "path.id", "submission": "header.Idempotency-Key",
}

// HALCreated is a resource just made (201), or found again by its
// idempotency key (200).
type HALCreated[T any] struct {
	ContentType string `header:"Content-Type"`
	Location    string `header:"Location"`
	Status      int
	Body        T
}

func (a *API) osdiRecordSignature(ctx context.Context, in *recordSignatureRequest) (*HALCreated[OSDISignature], error) {
	b := in.Body
	if len(b.AddTags) > 0 {
		return nil, huma.Error400BadRequest("Tags cannot be added",
			&huma.ErrorDetail{Message: "Tags are the campaign's stakeholder groups and follow from pledges: leave add_tags out", Location: "body.add_tags", Value: b.AddTags})
	}
	email, at := b.Person.EmailAddresses[0], 0
	for i, e := range b.Person.EmailAddresses {
		if e.Primary {
			email, at = e, i
			break
		}
	}
	fields := maps.Clone(signatureFields)
	fields["email"] = fmt.Sprintf("body.person.email_addresses[%d].address", at)
	p := gs.PledgeInput{ActionID: in.ID, Name: strings.TrimSpace(b.Person.GivenName + " " + b.Person.FamilyName), Email: email.Address,
		Profession: b.Person.CustomFields.Profession, OrganisationName: b.Person.Employer, WhyItMatters: b.Comments,
		ShowOnWall: b.Person.CustomFields.ShowOnWall, ContactOK: email.Status == "subscribed"}
	if b.ReferrerData != nil {
		p.ReferralCode = b.ReferrerData.Referrer
	}
	l, err := a.lookups(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range l.areas {
		if strings.EqualFold(x.Code, b.Person.CustomFields.AreaCode) {
			p.AreaID = x.ID
		}
	}
	if p.AreaID == 0 {
		return nil, huma.Error400BadRequest("The area is not known", &huma.ErrorDetail{Message: "Give the code of an area Groundswell lists (GET /areas)",
			Location: "body.person.custom_fields.area_code", Value: b.Person.CustomFields.AreaCode})
	}
	if code := b.Person.CustomFields.OrganisationODSCode; code != "" {
		for _, o := range l.orgs {
			if strings.EqualFold(o.ODSCode, code) {
				p.OrganisationID, p.OrganisationName = o.ID, ""
			}
		}
		if p.OrganisationID == 0 {
			return nil, huma.Error400BadRequest("The organisation is not known", &huma.ErrorDetail{Message: "Give the ODS code of a listed organisation (GET /organisations), or leave it out and name the employer",
				Location: "body.person.custom_fields.organisation_ods_code", Value: code})
		}
	}
	res, err := a.pledge(ctx, p, in.IdempotencyKey, fields)
	if err != nil {
		return nil, err
	}
	sig := signature(ctx, res.Commitment)
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	return &HALCreated[OSDISignature]{ContentType: halJSON, Location: sig.Links["self"].(Link).Href, Status: status, Body: sig}, nil
}

// Tags: the campaign's stakeholder groups.

// OSDITag is a stakeholder group in OSDI's shape.
type OSDITag struct {
	Identifiers []string `json:"identifiers"`
	Name        string   `json:"name"`
	Links       halLinks `json:"_links"`
	key         int64
}

func tag(ctx context.Context, g gs.GroupSummary) OSDITag {
	self := osdiPrefix + "/tags/" + strconv.FormatInt(g.ID, 10)
	return OSDITag{Identifiers: []string{osdiID("group", g.ID)}, Name: g.Name,
		Links: halLinks{"self": href(ctx, self), "osdi:taggings": href(ctx, self+"/taggings")}, key: g.ID}
}

func (a *API) osdiTags(ctx context.Context, in *OSDIPageQuery) (*HAL[OSDICollection[OSDITag]], error) {
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	gg, err := a.groups(ctx)
	if err != nil {
		return nil, err
	}
	var out []OSDITag
	for _, g := range gg {
		out = append(out, tag(ctx, g))
	}
	p, _ := pageOf(ctx, out, ListQuery{Limit: in.PerPage, After: cursorOrEmpty(after)}, func(t OSDITag) int64 { return t.key })
	return osdiCollection(ctx, "osdi:tags", *in, p.Body.Items, func(t OSDITag) string { return t.Links["self"].(Link).Href },
		func(t OSDITag) int64 { return t.key }), nil
}

func (a *API) osdiTag(ctx context.Context, in *idPath) (*HAL[OSDITag], error) {
	gg, err := a.groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gg {
		if g.ID == in.ID {
			return hal(tag(ctx, g)), nil
		}
	}
	return nil, notFound("tag")
}

// OSDITagging is a person tagged with a group: they pledged to one of its
// actions.
type OSDITagging struct {
	Identifiers []string `json:"identifiers"`
	Links       halLinks `json:"_links"`
	key         int64
}

type osdiTaggingsQuery struct {
	ID int64 `path:"id" minimum:"1"`
	OSDIPageQuery
}

func (a *API) osdiTaggings(ctx context.Context, in *osdiTaggingsQuery) (*HAL[OSDICollection[OSDITagging]], error) {
	if _, err := a.osdiTag(ctx, &idPath{in.ID}); err != nil {
		return nil, err
	}
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	pp, err := a.store.PeoplePage(ctx, store.PeopleFilter{CampaignID: campaignOf(ctx), GroupID: in.ID, After: after, Limit: in.PerPage})
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	tagHref := href(ctx, osdiPrefix+"/tags/"+strconv.FormatInt(in.ID, 10))
	out := make([]OSDITagging, 0, len(pp))
	for _, p := range pp {
		out = append(out, OSDITagging{
			Identifiers: []string{"groundswell:tagging:" + strconv.FormatInt(in.ID, 10) + "-" + strconv.FormatInt(p.ID, 10)},
			Links:       halLinks{"osdi:person": href(ctx, osdiPrefix+"/people/"+strconv.FormatInt(p.ID, 10)), "osdi:tag": tagHref},
			key:         p.ID,
		})
	}
	return osdiCollection(ctx, "osdi:taggings", in.OSDIPageQuery, out, func(t OSDITagging) string { return t.Links["osdi:person"].(Link).Href },
		func(t OSDITagging) int64 { return t.key }), nil
}
