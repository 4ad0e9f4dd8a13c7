package demo

import (
	"math"
	"slices"
	"strings"

	"github.com/groundswell-health/groundswell"
)

// places are invented place names, ten per region (in regionSpecs order), from
// which the organisations are named. They are meant not to match any real
// NHS trust, practice, council or charity.
var places = [7][]string{
	{"Hollinsdale", "Ravensholme", "Cragsby", "Dunmoor", "Askerfield", "Kelderby", "Stainmoor", "Wharram Vale", "Ousebridge", "Skelbeck"},
	{"Brindleford", "Calderbrook", "Hesketh Moss", "Lunebridge", "Marlwood", "Pendle Vale", "Rossfield", "Saltmere", "Thornwick", "Wyreside"},
	{"Arden Heath", "Bramcote Vale", "Charnwick", "Dovebridge", "Elmsworth", "Foxton Cross", "Hathersby", "Kingsmere", "Lindenford", "Trentholme"},
	{"Ashwell Fen", "Brandon Mere", "Colneford", "Dersingham Vale", "Elyholme", "Fenwick St Mary", "Gipping Vale", "Holbrook Heath", "Oulton Marsh", "Stourfield"},
	{"Northgate", "Riverside Park", "Brockwell Green", "Hollybush", "Kingsway East", "Lealand", "Marsh Gate", "Queenshithe", "Southmere", "Thameside West"},
	{"Arunfield", "Beechdown", "Chalkham", "Downley Heath", "Edenvale", "Forestmere", "Hambledown", "Medwick", "Romsey Cross", "Wealdhurst"},
	{"Axebridge", "Brentor Vale", "Camelmouth", "Dartcombe", "Exmoor Cross", "Frome Valley", "Helstone", "Kennet Vale", "Parrett Vale", "Tamarside"},
}

// gpPrefix is the first letter of practice codes in each region.
var gpPrefix = []byte{'B', 'P', 'C', 'D', 'F', 'H', 'L'}

// National organisations: area England.
var nationalOrgs = []struct{ name, sector string }{
	{"Larchwood Care Group", "Care home"},
	{"Silverbirch Homes", "Care home"},
	{"Meadowview Care Partnership", "Care home"},
	{"National Dementia Carers' Forum", "Voluntary and community"},
	{"Early Onset Dementia Peer Support", "Voluntary and community"},
	{"Association of Care Home Pharmacists", "Professional body"},
	{"College of Dementia Nursing", "Professional body"},
	{"Society for Community Pharmacy Practice", "Professional body"},
	{"Forum of Old Age Psychiatrists", "Professional body"},
	{"Primary Care Prescribers' Association", "Professional body"},
	{"Care Home Managers' Institute", "Professional body"},
	{"Hospital Pharmacists' Network for Older People", "Professional body"},
	{"Association of Medicines Optimisation Leads", "Professional body"},
}

// Organisation eras: commissioning changed between the campaigns. Clinical
// commissioning groups took part in the first; integrated care boards
// replaced them in July 2022.
const (
	eraBoth = iota
	eraFirst
	eraSecond
)

func (g *gen) addOrg(name, sector, ods string, area int64, era int) {
	if ods != "" {
		if g.ods[ods] {
			panic("demo: duplicate ODS code " + ods)
		}
		g.ods[ods] = true
	}
	g.ds.Organisations = append(g.ds.Organisations, groundswell.Organisation{
		ID: int64(len(g.ds.Organisations) + 1), Name: name, ODSCode: ods, Sector: sector, AreaID: area,
	})
	g.orgEra = append(g.orgEra, era)
}

// code returns a new unique ODS-like code: prefix, then n characters from
// alphabet.
func (g *gen) code(prefix string, alphabets ...string) string {
	for {
		b := []byte(prefix)
		for _, a := range alphabets {
			b = append(b, a[g.r.IntN(len(a))])
		}
		if c := string(b); !g.ods[c] {
			return c
		}
	}
}

const (
	digits  = "0123456789"
	letters = "ABCDEFGHJKLMNPQRSTVWXY"
	alnum   = letters + digits
)

func (g *gen) organisations() {
	for ri, p := range places {
		area := g.regions[ri]
		g.addOrg(p[0]+" Teaching Hospitals NHS Foundation Trust", "NHS provider", g.code("R", letters, alnum), area, eraBoth)
		g.addOrg(p[1]+" and "+p[2]+" Hospitals NHS Trust", "NHS provider", g.code("R", letters, alnum), area, eraBoth)
		g.addOrg(p[3]+" Mental Health and Community Care NHS Foundation Trust", "NHS provider", g.code("R", letters, alnum), area, eraBoth)
		g.addOrg("NHS "+p[4]+" Clinical Commissioning Group", "NHS commissioner", g.code("", digits, digits, letters), area, eraFirst)
		g.addOrg("NHS "+p[0]+" and "+p[5]+" Integrated Care Board", "NHS commissioner", g.code("Q", letters, alnum), area, eraSecond)
		gp := string(gpPrefix[ri])
		g.addOrg(p[5]+" Medical Practice", "General practice", g.code(gp, digits, digits, digits, digits, digits), area, eraBoth)
		g.addOrg(p[6]+" Surgery", "General practice", g.code(gp, digits, digits, digits, digits, digits), area, eraBoth)
		g.addOrg(p[7]+" Health Centre", "General practice", g.code(gp, digits, digits, digits, digits, digits), area, eraBoth)
		g.addOrg(p[8]+" Pharmacy", "Community pharmacy", g.code("F", letters, digits, digits, digits), area, eraBoth)
		g.addOrg(p[1]+" Community Pharmacy", "Community pharmacy", g.code("F", letters, digits, digits, digits), area, eraBoth)
		g.addOrg(p[9]+" Care Homes", "Care home", "", area, eraBoth)
		g.addOrg(p[2]+" Dementia Carers' Network", "Voluntary and community", "", area, eraBoth)
		g.addOrg(p[6]+" Memory Café Network", "Voluntary and community", "", area, eraBoth)
		if regionSpecs[ri].name == "London" {
			g.addOrg("London Borough of "+p[3], "Local authority", "", area, eraBoth)
			g.addOrg("London Borough of "+p[8], "Local authority", "", area, eraBoth)
		} else {
			g.addOrg(p[3]+" County Council", "Local authority", "", area, eraBoth)
			g.addOrg(p[8]+" City Council", "Local authority", "", area, eraBoth)
		}
	}
	for _, o := range nationalOrgs {
		g.addOrg(o.name, o.sector, "", g.england, eraBoth)
	}
	g.addOrg("University of "+places[2][9]+" School of Pharmacy", "Other", "", g.regions[2], eraBoth)
	g.addOrg("Healthwatch "+places[1][4], "Other", "", g.regions[1], eraBoth)
	g.addOrg(places[6][9]+" Hospice", "Other", "", g.regions[6], eraBoth)
	g.addOrg(places[0][6]+" Patient Safety Collaborative", "Other", "", g.regions[0], eraBoth)
}

// alliance1 enrols about 100 organisations in the first campaign, joining
// over its first year: a core of founding partners at the launch, then a
// front-loaded stream.
func (g *gen) alliance1(campaign int64) {
	var pool []int64
	for i, o := range g.ds.Organisations {
		if g.orgEra[i] != eraSecond {
			pool = append(pool, o.ID)
		}
	}
	g.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	start := groundswell.MustDate("2019-10-01")
	var ms []groundswell.AllianceMember
	for i, id := range pool[:100] {
		day := 0
		if i >= 24 { // founding partners join on the day of the launch
			day = int(365 * math.Pow(g.r.Float64(), 1.8))
		}
		ms = append(ms, g.member(id, campaign, start.AddDays(day), plans1))
	}
	g.addMembers(ms)
}

// alliance2 enrols about 60 of the first campaign's members in the second
// (not the clinical commissioning groups, which no longer exist), the new
// integrated care boards, and a few organisations new to the alliance.
func (g *gen) alliance2(c1, c2 int64) {
	var rejoin, fresh []int64
	was := map[int64]bool{}
	for _, m := range g.ds.Alliance {
		if m.CampaignID == c1 {
			was[m.ID] = true
			if g.orgEra[m.ID-1] == eraBoth {
				rejoin = append(rejoin, m.ID)
			}
		}
	}
	var icbs []int64
	for i, o := range g.ds.Organisations {
		switch {
		case g.orgEra[i] == eraSecond:
			icbs = append(icbs, o.ID)
		case !was[o.ID] && g.orgEra[i] == eraBoth:
			fresh = append(fresh, o.ID)
		}
	}
	g.r.Shuffle(len(rejoin), func(i, j int) { rejoin[i], rejoin[j] = rejoin[j], rejoin[i] })
	g.r.Shuffle(len(fresh), func(i, j int) { fresh[i], fresh[j] = fresh[j], fresh[i] })
	ids := append(append(rejoin[:60:60], icbs...), fresh[:min(5, len(fresh))]...)
	start := groundswell.MustDate("2025-10-01")
	var ms []groundswell.AllianceMember
	for i, id := range ids {
		day := 0
		if i >= 35 { // many returning partners sign up again at the launch
			day = int(395 * math.Pow(g.r.Float64(), 1.6))
		}
		ms = append(ms, g.member(id, c2, start.AddDays(day), plans2))
	}
	g.addMembers(ms)
}

func (g *gen) member(org, campaign int64, joined groundswell.Date, plans map[string][]string) groundswell.AllianceMember {
	o := g.ds.Organisations[org-1]
	pool := plans[o.Sector]
	n := g.between(1, min(2, len(pool)))
	perm := g.r.Perm(len(pool))[:n]
	slices.Sort(perm)
	var parts []string
	for _, i := range perm {
		parts = append(parts, pool[i])
	}
	if g.chance(0.3) {
		parts = append(parts, oneOf(g, planClosers))
	}
	return groundswell.AllianceMember{Organisation: o, CampaignID: campaign, JoinedOn: joined, ActionPlan: strings.Join(parts, " ")}
}

func (g *gen) addMembers(ms []groundswell.AllianceMember) {
	slices.SortStableFunc(ms, func(a, b groundswell.AllianceMember) int {
		if c := a.JoinedOn.Time().Compare(b.JoinedOn.Time()); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	g.ds.Alliance = append(g.ds.Alliance, ms...)
}

// orgKey indexes the organisations a person in a campaign may name.
type orgKey struct {
	campaign int64
	sector   string
	region   int
}

// orgsFor returns the alliance members of a campaign in a sector that serve a
// region (including national ones).
func (g *gen) orgsFor(campaign int64, sector string, region int) []int64 {
	if g.orgCache == nil {
		g.orgCache = map[orgKey][]int64{}
	}
	k := orgKey{campaign, sector, region}
	if ids, ok := g.orgCache[k]; ok {
		return ids
	}
	ids := []int64{}
	for _, m := range g.ds.Alliance {
		if m.CampaignID == campaign && m.Sector == sector && (m.AreaID == g.regions[region] || m.AreaID == g.england) {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	g.orgCache[k] = ids
	return ids
}
