package api

import (
	"context"
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// register declares every operation of the API. The OpenAPI document is
// generated from these declarations and the types they name.
func (a *API) register() {
	api := a.huma
	get := func(id, path, tag, summary string) huma.Operation {
		return operation(id, http.MethodGet, path, tag, summary)
	}
	post := func(id, path, tag, summary string) huma.Operation {
		op := operation(id, http.MethodPost, path, tag, summary)
		op.DefaultStatus = http.StatusCreated
		op.Errors = append(op.Errors, http.StatusConflict, http.StatusRequestEntityTooLarge)
		return op
	}

	huma.Register(api, get("list-campaigns", "/campaigns", "Campaigns", "List campaigns (the token's own)"), a.listCampaigns)
	huma.Register(api, get("get-campaign", "/campaigns/{id}", "Campaigns", "Get a campaign"), a.getCampaign)

	huma.Register(api, get("list-groups", "/groups", "Groups", "List the campaign's stakeholder groups"), a.listGroups)
	huma.Register(api, get("get-group", "/groups/{id}", "Groups", "Get a stakeholder group"), a.getGroup)
	huma.Register(api, post("create-group", "/groups", "Groups", "Create a stakeholder group"), a.createGroup)

	huma.Register(api, get("list-actions", "/actions", "Actions", "List the campaign's actions, retired ones too"), a.listActions)
	huma.Register(api, get("get-action", "/actions/{id}", "Actions", "Get an action"), a.getAction)
	huma.Register(api, post("create-action", "/actions", "Actions", "Create an action in a group"), a.createAction)

	huma.Register(api, get("list-milestones", "/milestones", "Milestones", "List the campaign's milestones"), a.listMilestones)
	huma.Register(api, get("get-milestone", "/milestones/{id}", "Milestones", "Get a milestone"), a.getMilestone)
	huma.Register(api, post("create-milestone", "/milestones", "Milestones", "Create a milestone"), a.createMilestone)

	huma.Register(api, get("list-areas", "/areas", "Areas", "List areas"), a.listAreas)
	huma.Register(api, get("get-area", "/areas/{id}", "Areas", "Get an area"), a.getArea)

	huma.Register(api, get("list-organisations", "/organisations", "Organisations", "List organisations"), a.listOrganisations)
	huma.Register(api, get("get-organisation", "/organisations/{id}", "Organisations", "Get an organisation"), a.getOrganisation)

	huma.Register(api, get("list-indicators", "/indicators", "Indicators", "List the campaign's outcome indicators"), a.listIndicators)
	huma.Register(api, get("get-indicator", "/indicators/{id}", "Indicators", "Get an outcome indicator"), a.getIndicator)
	huma.Register(api, get("list-observations", "/indicators/{id}/observations", "Indicators", "List an indicator's observations"), a.listObservations)

	huma.Register(api, get("list-people", "/people", "People", "List the campaign's people"), a.listPeople)
	huma.Register(api, get("get-person", "/people/{id}", "People", "Get a person"), a.getPerson)

	huma.Register(api, get("list-commitments", "/commitments", "Commitments", "List the campaign's commitments"), a.listCommitments)
	huma.Register(api, get("get-commitment", "/commitments/{id}", "Commitments", "Get a commitment"), a.getCommitment)
	pledge := post("create-commitment", "/commitments", "Commitments", "Pledge a person to an action")
	pledge.Description = "Finds the person by email, or creates them, and records their pledge. The person is emailed a link " +
		"to confirm it, as with the public form; until then it is not counted. Send an Idempotency-Key header to make a " +
		"retried request safe: the same key returns the first pledge (200) rather than making another."
	huma.Register(api, pledge, a.createCommitment)

	huma.Register(api, get("list-relationships", "/relationships", "Relationships", "List the campaign's invitation edges"), a.listRelationships)

	a.registerAudit()
	a.registerOSDI()

	// Bad input is answered 400 (see init in api.go), never 422: the
	// document says so too.
	for _, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			delete(op.Responses, "422")
			// A pledge sent again with its Idempotency-Key answers 200
			// with the first pledge.
			if created := op.Responses["201"]; created != nil && (op.OperationID == "create-commitment" || op.OperationID == "osdi-record-signature") {
				replay := *created
				replay.Description = "The pledge made before with the same Idempotency-Key"
				op.Responses["200"] = &replay
			}
		}
	}
}

func operation(id, method, path, tag, summary string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: method, Path: path, Tags: []string{tag}, Summary: summary,
		MaxBodyBytes: MaxBody,
		Errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests,
			http.StatusServiceUnavailable},
	}
}

// Pages. Lists are read in id order a page at a time: the cursor names the
// last row of the page before, so pages stay fast and steady however long
// the list and whatever is added meanwhile.

type ListQuery struct {
	After string `query:"after" doc:"The cursor of the page to read: take it from the previous page's next link. Empty for the first page."`
	Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100" doc:"The most items on one page."`
}

// key decodes the cursor.
func (q ListQuery) key() (int64, error) {
	if q.After == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(q.After)
	n, perr := strconv.ParseInt(string(b), 10, 64)
	if err != nil || perr != nil || n <= 0 {
		return 0, badParam("after", "The cursor is not one this API gave: follow the next link of the page before", q.After)
	}
	return n, nil
}

func cursor(key int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(key, 10)))
}

// changedCursor is the cursor of a list in order of last change: the last
// row's change time (Unix milliseconds) and id.
func changedCursor(t time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMilli(), 10) + "." + strconv.FormatInt(id, 10)))
}

// changedKey decodes a changedCursor.
func (q ListQuery) changedKey() (time.Time, int64, error) {
	if q.After == "" {
		return time.Time{}, 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(q.After)
	msPart, idPart, ok := strings.Cut(string(b), ".")
	at, aerr := strconv.ParseInt(msPart, 10, 64)
	id, ierr := strconv.ParseInt(idPart, 10, 64)
	if err != nil || !ok || aerr != nil || ierr != nil || id <= 0 {
		return time.Time{}, 0, badParam("after", "The cursor is not one this API gave: follow the next link of the page before", q.After)
	}
	return time.UnixMilli(at), id, nil
}

// PageBody is one page of a list.
type PageBody[T any] struct {
	Items []T `json:"items"`
	// Next is absent on the last page.
	Next string `json:"next,omitempty" doc:"The address of the next page; absent on the last page."`
}

// PageOutput is a page, with its next page also in a Link header (RFC 8288).
type PageOutput[T any] struct {
	Link string `header:"Link" doc:"The next page, as rel=\"next\"."`
	Body PageBody[T]
}

// page makes the output of a list: when the page is full, the next link is
// the same request with the cursor after its last item.
func page[T any](ctx context.Context, items []T, limit int, last func(T) int64) *PageOutput[T] {
	return pageWith(ctx, items, limit, func(x T) string { return cursor(last(x)) })
}

// pageWith is page with a cursor of another shape (see changedCursor).
func pageWith[T any](ctx context.Context, items []T, limit int, cur func(T) string) *PageOutput[T] {
	out := &PageOutput[T]{Body: PageBody[T]{Items: items}}
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	if len(items) == 0 || len(items) < limit {
		return out
	}
	u := requestURL(ctx)
	q := u.Query()
	q.Set("after", cur(items[len(items)-1]))
	u.RawQuery = q.Encode()
	out.Body.Next = u.String()
	out.Link = "<" + out.Body.Next + `>; rel="next"`
	return out
}

// pageOf pages a list read whole (groups, areas, organisations: hundreds or
// thousands, not millions) the same way, so every list reads alike.
func pageOf[T any](ctx context.Context, all []T, q ListQuery, id func(T) int64) (*PageOutput[T], error) {
	after, err := q.key()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(x, y T) int { return int(min(max(id(x)-id(y), -1), 1)) })
	i, _ := slices.BinarySearchFunc(all, after+1, func(x T, k int64) int { return int(min(max(id(x)-k, -1), 1)) })
	rest := all[i:]
	limit := max(q.Limit, 1)
	if len(rest) > limit {
		rest = rest[:limit]
	}
	return page(ctx, rest, limit, id), nil
}

type urlKey struct{}

// requestURL is the address the request was made to, relative to the
// server: next links keep every filter of the request.
func requestURL(ctx context.Context) *url.URL {
	u, _ := ctx.Value(urlKey{}).(*url.URL)
	if u == nil {
		return &url.URL{}
	}
	c := *u
	return &c
}

type idPath struct {
	ID int64 `path:"id" minimum:"1"`
}

// One is a single resource.
type One[T any] struct {
	Body T
}

func one[T any](v T) *One[T] { return &One[T]{Body: v} }

// Created is a resource just made, with its address.
type Created[T any] struct {
	Location string `header:"Location"`
	Status   int
	Body     T
}

// Campaigns.

func (a *API) listCampaigns(ctx context.Context, in *struct{ ListQuery }) (*PageOutput[Campaign], error) {
	c, err := a.store.CampaignByID(ctx, campaignOf(ctx))
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return pageOf(ctx, []Campaign{campaignOut(c)}, in.ListQuery, func(c Campaign) int64 { return c.ID })
}

func (a *API) getCampaign(ctx context.Context, in *idPath) (*One[Campaign], error) {
	if in.ID != campaignOf(ctx) {
		return nil, notFound("campaign")
	}
	c, err := a.store.CampaignByID(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(campaignOut(c)), nil
}

// notFound is the answer for anything outside the token's campaign too, so
// a token learns nothing of other campaigns.
func notFound(what string) error {
	return huma.Error404NotFound("There is no such " + what + " in this token's campaign.")
}

// Groups.

func (a *API) groups(ctx context.Context) ([]gs.GroupSummary, error) {
	gg, err := a.store.Groups(ctx, campaignOf(ctx))
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return gg, nil
}

func (a *API) listGroups(ctx context.Context, in *struct{ ListQuery }) (*PageOutput[Group], error) {
	gg, err := a.groups(ctx)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, g := range gg {
		out = append(out, groupOut(g))
	}
	return pageOf(ctx, out, in.ListQuery, func(g Group) int64 { return g.ID })
}

func (a *API) getGroup(ctx context.Context, in *idPath) (*One[Group], error) {
	gg, err := a.groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gg {
		if g.ID == in.ID {
			return one(groupOut(g)), nil
		}
	}
	return nil, notFound("group")
}

func (a *API) createGroup(ctx context.Context, in *struct{ Body GroupInput }) (*Created[Group], error) {
	g := gs.Group{CampaignID: campaignOf(ctx), Name: in.Body.Name, Slug: in.Body.Slug, Description: in.Body.Description,
		Goal: in.Body.Goal, Target: in.Body.Target}
	if err := a.store.CreateGroup(ctx, &g); err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return &Created[Group]{Location: Prefix + "/groups/" + strconv.FormatInt(g.ID, 10), Status: http.StatusCreated,
		Body: groupOut(gs.GroupSummary{Group: g})}, nil
}

// Actions.

type actionsQuery struct {
	ListQuery
	Group int64 `query:"group" minimum:"0" doc:"Only this group's actions."`
}

// actions lists the campaign's actions, or one group's.
func (a *API) actions(ctx context.Context, groupID int64) ([]gs.ActionSummary, error) {
	gg, err := a.groups(ctx)
	if err != nil {
		return nil, err
	}
	var out []gs.ActionSummary
	for _, g := range gg {
		if groupID != 0 && g.ID != groupID {
			continue
		}
		as, err := a.store.Actions(ctx, g.ID, true)
		if err != nil {
			return nil, a.problem(ctx, err, nil)
		}
		out = append(out, as...)
	}
	return out, nil
}

func (a *API) listActions(ctx context.Context, in *actionsQuery) (*PageOutput[Action], error) {
	as, err := a.actions(ctx, in.Group)
	if err != nil {
		return nil, err
	}
	var out []Action
	for _, x := range as {
		out = append(out, actionOut(x))
	}
	return pageOf(ctx, out, in.ListQuery, func(x Action) int64 { return x.ID })
}

func (a *API) getAction(ctx context.Context, in *idPath) (*One[Action], error) {
	as, err := a.actions(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if x.ID == in.ID {
			return one(actionOut(x)), nil
		}
	}
	return nil, notFound("action")
}

func (a *API) createAction(ctx context.Context, in *struct{ Body ActionInput }) (*Created[Action], error) {
	if _, err := a.getGroup(ctx, &idPath{in.Body.GroupID}); err != nil {
		return nil, huma.Error400BadRequest("The group is not one of this campaign's",
			&huma.ErrorDetail{Message: "There is no such group in this token's campaign", Location: "body.group_id", Value: in.Body.GroupID})
	}
	due, err := gs.ParseDate(in.Body.DueOn)
	if err != nil {
		return nil, huma.Error400BadRequest("A date is not valid", &huma.ErrorDetail{Message: "Enter the date as YYYY-MM-DD", Location: "body.due_on", Value: in.Body.DueOn})
	}
	x := gs.Action{GroupID: in.Body.GroupID, Title: in.Body.Title, Description: in.Body.Description, DueOn: due,
		Target: in.Body.Target, IndicatorIDs: in.Body.IndicatorIDs}
	if err := a.store.CreateAction(ctx, &x); err != nil {
		return nil, a.problem(ctx, err, map[string]string{"indicators": "body.indicator_ids"})
	}
	return &Created[Action]{Location: Prefix + "/actions/" + strconv.FormatInt(x.ID, 10), Status: http.StatusCreated,
		Body: actionOut(gs.ActionSummary{Action: x})}, nil
}

// Milestones.

func (a *API) listMilestones(ctx context.Context, in *struct{ ListQuery }) (*PageOutput[Milestone], error) {
	ms, err := a.store.Milestones(ctx, campaignOf(ctx))
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	var out []Milestone
	for _, m := range ms {
		out = append(out, milestoneOut(m))
	}
	return pageOf(ctx, out, in.ListQuery, func(m Milestone) int64 { return m.ID })
}

func (a *API) getMilestone(ctx context.Context, in *idPath) (*One[Milestone], error) {
	m, err := a.store.MilestoneByID(ctx, in.ID)
	if gs.ErrorCode(err) == gs.ENOTFOUND || err == nil && m.CampaignID != campaignOf(ctx) {
		return nil, notFound("milestone")
	} else if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(milestoneOut(m)), nil
}

func (a *API) createMilestone(ctx context.Context, in *struct{ Body MilestoneInput }) (*Created[Milestone], error) {
	on, err := gs.ParseDate(in.Body.On)
	if err != nil {
		return nil, huma.Error400BadRequest("A date is not valid", &huma.ErrorDetail{Message: "Enter the date as YYYY-MM-DD", Location: "body.on", Value: in.Body.On})
	}
	m := gs.Milestone{CampaignID: campaignOf(ctx), Title: in.Body.Title, On: on, Description: in.Body.Description}
	if err := a.store.CreateMilestone(ctx, &m); err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return &Created[Milestone]{Location: Prefix + "/milestones/" + strconv.FormatInt(m.ID, 10), Status: http.StatusCreated, Body: milestoneOut(m)}, nil
}

// Areas and organisations are shared by every campaign of an installation.

func (a *API) listAreas(ctx context.Context, in *struct{ ListQuery }) (*PageOutput[Area], error) {
	as, err := a.store.Areas(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	var out []Area
	for _, x := range as {
		out = append(out, areaOut(x))
	}
	return pageOf(ctx, out, in.ListQuery, func(x Area) int64 { return x.ID })
}

func (a *API) getArea(ctx context.Context, in *idPath) (*One[Area], error) {
	x, err := a.store.AreaByID(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(areaOut(x)), nil
}

type organisationsQuery struct {
	ListQuery
	Alliance bool   `query:"alliance" doc:"Only the members of the campaign's alliance."`
	ODSCode  string `query:"ods_code" maxLength:"12" doc:"Only the organisation with this ODS code."`
}

func (a *API) alliance(ctx context.Context) (map[int64]*gs.AllianceMember, error) {
	ms, err := a.store.Alliance(ctx, campaignOf(ctx))
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make(map[int64]*gs.AllianceMember, len(ms))
	for i := range ms {
		out[ms[i].ID] = &ms[i]
	}
	return out, nil
}

func (a *API) listOrganisations(ctx context.Context, in *organisationsQuery) (*PageOutput[Organisation], error) {
	members, err := a.alliance(ctx)
	if err != nil {
		return nil, err
	}
	os, err := a.store.Organisations(ctx)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	var out []Organisation
	for _, o := range os {
		m := members[o.ID]
		if in.Alliance && m == nil || in.ODSCode != "" && !equalFold(o.ODSCode, in.ODSCode) {
			continue
		}
		out = append(out, organisationOut(o, m))
	}
	return pageOf(ctx, out, in.ListQuery, func(o Organisation) int64 { return o.ID })
}

func (a *API) getOrganisation(ctx context.Context, in *idPath) (*One[Organisation], error) {
	members, err := a.alliance(ctx)
	if err != nil {
		return nil, err
	}
	o, err := a.store.OrganisationByID(ctx, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(organisationOut(o, members[o.ID])), nil
}

// Indicators.

func (a *API) indicator(ctx context.Context, id int64) (gs.Indicator, error) {
	i, err := a.store.IndicatorByID(ctx, id)
	if gs.ErrorCode(err) == gs.ENOTFOUND || err == nil && i.CampaignID != 0 && i.CampaignID != campaignOf(ctx) {
		return i, notFound("indicator")
	} else if err != nil {
		return i, a.problem(ctx, err, nil)
	}
	return i, nil
}

func (a *API) listIndicators(ctx context.Context, in *struct{ ListQuery }) (*PageOutput[Indicator], error) {
	is, err := a.store.Indicators(ctx, campaignOf(ctx))
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	var out []Indicator
	for _, i := range is {
		out = append(out, indicatorOut(i))
	}
	return pageOf(ctx, out, in.ListQuery, func(i Indicator) int64 { return i.ID })
}

func (a *API) getIndicator(ctx context.Context, in *idPath) (*One[Indicator], error) {
	i, err := a.indicator(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return one(indicatorOut(i)), nil
}

type observationsInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Area int64 `query:"area" minimum:"0" doc:"Only this area's observations."`
}

// ObservationsBody is an indicator's observations, area by area in period
// order; never more than a few thousand, so not paged.
type ObservationsBody struct {
	Items []Observation `json:"items"`
}

func (a *API) listObservations(ctx context.Context, in *observationsInput) (*One[ObservationsBody], error) {
	if _, err := a.indicator(ctx, in.ID); err != nil {
		return nil, err
	}
	areas := []int64{in.Area}
	if in.Area == 0 {
		observed, err := a.store.ObservedAreas(ctx, in.ID)
		if err != nil {
			return nil, a.problem(ctx, err, nil)
		}
		areas = areas[:0]
		for _, x := range observed {
			areas = append(areas, x.ID)
		}
	}
	out := ObservationsBody{Items: []Observation{}}
	for _, area := range areas {
		os, err := a.store.Observations(ctx, in.ID, area)
		if err != nil {
			return nil, a.problem(ctx, err, nil)
		}
		for _, o := range os {
			out.Items = append(out.Items, observationOut(o))
		}
	}
	return one(out), nil
}

// People.

type peopleQuery struct {
	ListQuery
	Email        string `query:"email" maxLength:"254" doc:"Only the person with this email address."`
	Organisation int64  `query:"organisation" minimum:"0" doc:"Only people of this organisation."`
	Area         int64  `query:"area" minimum:"0" doc:"Only people of this area."`
}

func (a *API) listPeople(ctx context.Context, in *peopleQuery) (*PageOutput[Person], error) {
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	pp, err := a.store.PeoplePage(ctx, store.PeopleFilter{CampaignID: campaignOf(ctx), Email: in.Email,
		OrganisationID: in.Organisation, AreaID: in.Area, After: after, Limit: in.Limit})
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make([]Person, 0, len(pp))
	for _, p := range pp {
		out = append(out, personOut(p))
	}
	return page(ctx, out, in.Limit, func(p Person) int64 { return p.ID }), nil
}

func (a *API) getPerson(ctx context.Context, in *idPath) (*One[Person], error) {
	p, err := a.store.CampaignPerson(ctx, campaignOf(ctx), in.ID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return nil, notFound("person")
	} else if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(personOut(p)), nil
}

// Commitments.

type commitmentsQuery struct {
	ListQuery
	Status       string `query:"status" enum:"pledged,in_progress,done,lapsed,withdrawn" doc:"Only commitments with this status."`
	Action       int64  `query:"action" minimum:"0" doc:"Only commitments to this action."`
	Group        int64  `query:"group" minimum:"0" doc:"Only commitments to this group's actions."`
	Person       int64  `query:"person" minimum:"0" doc:"Only this person's commitments."`
	Confirmed    string `query:"confirmed" enum:"true,false" doc:"Only confirmed (true) or unconfirmed (false) pledges."`
	UpdatedSince string `query:"updated_since" format:"date-time" doc:"Only commitments changed at or after this time (RFC 3339), in order of last change: for keeping a copy up to date."`
}

func (a *API) listCommitments(ctx context.Context, in *commitmentsQuery) (*PageOutput[Commitment], error) {
	f := store.CommitmentFilter{CampaignID: campaignOf(ctx), Status: in.Status, ActionID: in.Action, GroupID: in.Group,
		PersonID: in.Person, Limit: in.Limit}
	if in.Confirmed != "" {
		v := in.Confirmed == "true"
		f.Confirmed = &v
	}
	if in.UpdatedSince != "" {
		t, err := time.Parse(time.RFC3339, in.UpdatedSince)
		if err != nil {
			return nil, badParam("updated_since", "Give a time like 2026-11-25T09:00:00Z", in.UpdatedSince)
		}
		f.UpdatedSince = t
	}
	var err error
	if f.UpdatedSince.IsZero() {
		f.After, err = in.key()
	} else {
		f.AfterUpdated, f.After, err = in.changedKey()
	}
	if err != nil {
		return nil, err
	}
	cs, err := a.store.CommitmentsPage(ctx, f)
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make([]Commitment, 0, len(cs))
	for _, c := range cs {
		out = append(out, commitmentOut(c))
	}
	if !f.UpdatedSince.IsZero() {
		return pageWith(ctx, out, in.Limit, func(c Commitment) string { return changedCursor(c.UpdatedAt, c.ID) }), nil
	}
	return page(ctx, out, in.Limit, func(c Commitment) int64 { return c.ID }), nil
}

func (a *API) getCommitment(ctx context.Context, in *idPath) (*One[Commitment], error) {
	c, err := a.store.CampaignCommitment(ctx, campaignOf(ctx), in.ID)
	if gs.ErrorCode(err) == gs.ENOTFOUND {
		return nil, notFound("commitment")
	} else if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	return one(commitmentOut(c)), nil
}

type pledgeRequest struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"40" doc:"Any unique string, up to 40 characters: a retried request with the same key makes no second pledge."`
	Body           PledgeInput
}

func (a *API) createCommitment(ctx context.Context, in *pledgeRequest) (*Created[Commitment], error) {
	res, err := a.pledge(ctx, pledgeOf(in.Body), in.IdempotencyKey, pledgeFields)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	return &Created[Commitment]{Location: Prefix + "/commitments/" + strconv.FormatInt(res.Commitment.ID, 10), Status: status,
		Body: commitmentOut(res.Commitment)}, nil
}

func pledgeOf(b PledgeInput) gs.PledgeInput {
	in := gs.PledgeInput{ActionID: b.ActionID, Name: b.Name, Email: b.Email, Profession: b.Profession,
		OrganisationID: b.OrganisationID, OrganisationName: b.OrganisationName, AreaID: b.AreaID, WhyItMatters: b.WhyItMatters,
		ShowOnWall: b.ShowOnWall, ContactOK: b.ContactOK, OnBehalf: b.OnBehalf, ReferralCode: b.ReferralCode}
	if b.Hours != 0 {
		in.Hours = strconv.FormatFloat(b.Hours, 'f', -1, 64)
	}
	return in
}

// pledge records a pledge made through the API, for an action of the
// token's campaign only. The idempotency key is scoped to the token, so two
// clients' keys cannot meet.
func (a *API) pledge(ctx context.Context, in gs.PledgeInput, key string, fields map[string]string) (gs.PledgeResult, error) {
	in.Channel = gs.ChannelAPI
	c, err := a.store.CampaignByID(ctx, campaignOf(ctx))
	if err != nil {
		return gs.PledgeResult{}, a.problem(ctx, err, fields)
	}
	in.CampaignSlug = c.Slug
	if key != "" {
		in.SubmissionKey = "api:" + strconv.FormatInt(callerOf(ctx).token.ID, 10) + ":" + key
		if len(in.SubmissionKey) > 64 {
			return gs.PledgeResult{}, huma.Error400BadRequest("The Idempotency-Key header is too long",
				&huma.ErrorDetail{Message: "Use at most 40 characters", Location: "header.Idempotency-Key", Value: key})
		}
	}
	res, err := a.store.Pledge(ctx, in)
	if gs.ErrorCode(err) == gs.ENOTFOUND && strings.HasPrefix(fields["action_id"], "path.") {
		return res, notFound("petition")
	} else if gs.ErrorCode(err) == gs.ENOTFOUND {
		return res, huma.Error400BadRequest("The action is not one of this campaign's",
			&huma.ErrorDetail{Message: "There is no such action in this token's campaign", Location: fields["action_id"], Value: in.ActionID})
	} else if err != nil {
		return res, a.problem(ctx, err, fields)
	}
	return res, nil
}

// Relationships.

type relationshipsQuery struct {
	ListQuery
	From int64 `query:"from" minimum:"0" doc:"Only the people this person invited."`
}

func (a *API) listRelationships(ctx context.Context, in *relationshipsQuery) (*PageOutput[Relationship], error) {
	after, err := in.key()
	if err != nil {
		return nil, err
	}
	rs, err := a.store.RelationshipsPage(ctx, store.RelationshipFilter{CampaignID: campaignOf(ctx), FromID: in.From, After: after, Limit: in.Limit})
	if err != nil {
		return nil, a.problem(ctx, err, nil)
	}
	out := make([]Relationship, 0, len(rs))
	for _, r := range rs {
		out = append(out, relationshipOut(r))
	}
	return page(ctx, out, in.Limit, func(r Relationship) int64 { return r.ToID }), nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func equalFold(a, b string) bool {
	return len(a) == len(b) && (a == b || strings.EqualFold(a, b))
}
