package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/groundswell-health/groundswell"
)

// englandCSV is the real England series: OpenSAFELY, January 2019 – December
// 2021. See data/README.md for its provenance and caveats.
//
//go:embed data/antipsychotics-dementia-england-monthly.csv
var englandCSV []byte

// IndicatorSlug is the slug of the demo's outcome measure.
const IndicatorSlug = "antipsychotic-prescribing-dementia"

// The indicator has no target. The real series uses a research definition
// (it counts prochlorperazine, which is mostly used against nausea) that
// differs from the official measure, and its source warns against drawing
// clinical or policy conclusions from it; a numeric target on it would invite
// exactly that. The original call to action also framed its goal as
// reviewing everyone, not as a percentage. SPC charts of it still show
// special-cause variation without a target; assurance against a target is
// left for data sets that have one.
var antipsychoticIndicator = groundswell.Indicator{
	Slug:      IndicatorSlug,
	Name:      "People with dementia prescribed an antipsychotic",
	Unit:      "%",
	Direction: "down",
	Definition: "Share of people with a recorded dementia diagnosis who had at least one antipsychotic prescribed in the calendar month. " +
		"Denominator: people alive and registered with a GP practice on the 1st of the month, aged over 39, with any dementia code ever recorded. " +
		"Numerator: those with at least one prescription that month of any antipsychotic, including prochlorperazine (mostly used against nausea). " +
		"Value = 100 × numerator ÷ denominator, rounded to 2 places. Counts are rounded to the nearest 5 for disclosure control.",
	Source: "OpenSAFELY (TPP and EMIS practices, about 95% of English GP practices): public repository " +
		"opensafely/antipsychotics-prescribing-during-COVID-19, file released_outputs/Combined/data/weekly_rate_antipsychotics_all.csv " +
		"(rows are monthly despite the name), group \"Dementia\", variable \"Any antipsychotic\", commit 4fd7dfa1ce634507f5474282cb99e55905b1c3a2. " +
		"Licence: MIT. Paper: Macdonald O, Green A, Walker A, et al. \"Impact of the COVID-19 pandemic on antipsychotic prescribing in individuals " +
		"with autism, dementia, learning disability, serious mental illness or living in a care home: a federated analysis of 59 million patients' " +
		"primary care records in situ using OpenSAFELY.\" BMJ Mental Health 2023;26:e300775. " +
		"England only: the regional series in this demonstration are synthetic.",
	Caveats: "The source repository warns that its outputs are not a validated representation of the study and must not be used for clinical " +
		"or policy conclusions. The definition differs from NHS Digital's official measure (which runs at about 9.3–10% over the same years), " +
		"not least because it includes prochlorperazine. Counts are rounded to the nearest 5. The real data are national only: every regional " +
		"figure shown in this demonstration is synthetic, made up for illustration. The series shows a real rise from spring 2020 (COVID-19) " +
		"and a dip every February (a short month); the demonstration campaign's dates are illustrative, so no link between the campaign and " +
		"the series should be read into it.",
}

// englandRow is one month of the real England series.
type englandRow struct {
	period                 groundswell.Date
	numerator, denominator float64
	value                  float64
}

// englandSeries parses the embedded CSV. The file is part of the binary, so
// a malformed file is a programming error: it panics.
func englandSeries() []englandRow {
	recs, err := csv.NewReader(bytes.NewReader(englandCSV)).ReadAll()
	if err != nil {
		panic("demo: england series: " + err.Error())
	}
	want := []string{"indicator", "area_code", "area_name", "period", "numerator", "denominator", "value"}
	if len(recs) < 2 || fmt.Sprint(recs[0]) != fmt.Sprint(want) {
		panic("demo: england series: unexpected header")
	}
	var rows []englandRow
	for _, rec := range recs[1:] {
		if rec[0] != IndicatorSlug || rec[1] != "E92000001" {
			panic("demo: england series: unexpected row " + fmt.Sprint(rec))
		}
		period, err := groundswell.ParseDate(rec[3])
		num, err1 := strconv.ParseFloat(rec[4], 64)
		den, err2 := strconv.ParseFloat(rec[5], 64)
		val, err3 := strconv.ParseFloat(rec[6], 64)
		if err != nil || err1 != nil || err2 != nil || err3 != nil {
			panic("demo: england series: bad row " + fmt.Sprint(rec))
		}
		rows = append(rows, englandRow{period, num, den, val})
	}
	return rows
}

// Synthetic regional series. The real data are national only, so these are
// MADE UP: each region follows England's monthly shape, plus a fixed regional
// offset and random noise, with denominators a fixed share of England's. All
// are marked Synthetic, and must be labelled so wherever they are shown.
var (
	// regionShare is each region's rough share of people with a dementia
	// diagnosis (regionSpecs order); they sum to 1.
	regionShare = []float64{0.155, 0.13, 0.19, 0.115, 0.11, 0.18, 0.12}
	// regionOffset is in percentage points from England.
	regionOffset = []float64{-0.6, 1.1, 0.3, 0.2, -0.9, 0.1, -0.2}
)

// antipsychoticDrivers are the titles of the first campaign's actions that
// aim to move the prescribing measure directly: the reviews, and the
// questions that lead to them. (Sharing a story or running a session moves
// it too, but further back in the driver diagram.)
var antipsychoticDrivers = []string{
	"Ask for a review of your medicines at your next appointment",
	"Ask \"why this medicine?\" about the person you care for",
	"Review each person with their prescriber",
	"Check antipsychotics on admission for every patient with dementia",
	"List every resident on an antipsychotic and ask for a review",
	"Review every patient with the pharmacist and the family",
	"Record the reason and a review date on every new prescription",
}

func (g *gen) indicator(campaign int64) {
	ind := antipsychoticIndicator
	ind.ID = int64(len(g.ds.Indicators) + 1)
	ind.CampaignID = campaign
	g.ds.Indicators = append(g.ds.Indicators, ind)
	for i := range g.ds.Actions {
		a := &g.ds.Actions[i]
		if g.ds.Groups[a.GroupID-1].CampaignID == campaign && slices.Contains(antipsychoticDrivers, a.Title) {
			a.IndicatorIDs = append(a.IndicatorIDs, ind.ID)
		}
	}

	rows := englandSeries()
	for _, r := range rows {
		g.ds.Observations = append(g.ds.Observations, groundswell.Observation{
			IndicatorID: ind.ID, AreaID: g.england, Period: r.period,
			Numerator: ptr(r.numerator), Denominator: ptr(r.denominator), Value: r.value,
		})
	}

	// Synthetic: per month, draw each region's denominator and value, then
	// shift all regions' values together so that their numerators sum to
	// England's (up to rounding).
	n := len(g.regions)
	series := make([][]groundswell.Observation, n)
	den := make([]float64, n)
	val := make([]float64, n)
	for _, r := range rows {
		sumDen, implied := 0.0, 0.0
		for ri := range n {
			den[ri] = round5(r.denominator * regionShare[ri] * (1 + 0.004*g.r.NormFloat64()))
			val[ri] = r.value + regionOffset[ri] + 0.12*g.r.NormFloat64()
			sumDen += den[ri]
			implied += den[ri] * val[ri] / 100
		}
		shift := (r.numerator - implied) / sumDen * 100
		for ri := range n {
			num := round5(den[ri] * (val[ri] + shift) / 100)
			series[ri] = append(series[ri], groundswell.Observation{
				IndicatorID: ind.ID, AreaID: g.regions[ri], Period: r.period,
				Numerator: ptr(num), Denominator: ptr(den[ri]),
				Value: math.Round(10000*num/den[ri]) / 100, Synthetic: true,
			})
		}
	}
	for _, s := range series {
		g.ds.Observations = append(g.ds.Observations, s...)
	}
}

func round5(x float64) float64 { return 5 * math.Round(x/5) }

func ptr(x float64) *float64 { return &x }
