package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/pngchart"
	"github.com/groundswell-health/groundswell/spc"
)

// PNG downloads of the charts the pages draw as SVG, for board papers and
// slides. Each is drawn from the same figures as its page, with the same
// query parameters; ?width= and ?height= choose the size (pngchart caps
// both).

// pngSize reads ?width= and ?height=; absent means pngchart's default.
func pngSize(r *http.Request) (pngchart.Size, error) {
	var sz pngchart.Size
	for name, into := range map[string]*int{"width": &sz.Width, "height": &sz.Height} {
		if v := r.URL.Query().Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < pngchart.MinSide || n > pngchart.MaxSide {
				return sz, gs.Errorf(gs.EINVALID, "%s: give a whole number of pixels from %d to %d.", name, pngchart.MinSide, pngchart.MaxSide)
			}
			*into = n
		}
	}
	return sz, nil
}

// writePNG draws a chart into memory and sends it, so that a failure is a
// clean error page rather than half an image.
func (s *Server) writePNG(w http.ResponseWriter, r *http.Request, filename string, draw func(*bytes.Buffer, pngchart.Size) error) {
	sz, err := pngSize(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := draw(&buf, sz); err != nil {
		if errors.Is(err, pngchart.ErrInvalid) {
			err = gs.Errorf(gs.EINVALID, "This chart cannot be drawn: %v", err)
		}
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, filename))
	w.Write(buf.Bytes()) //nolint:errcheck // the client has gone
}

// indicatorPNG is the indicator page's SPC chart as PNG.
func (s *Server) indicatorPNG(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadIndicator(r)
	if err == nil && len(v.Obs) == 0 {
		err = gs.Errorf(gs.ENOTFOUND, "There are no figures for this indicator yet.")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := spcSeries(v.Obs, v.Ind, v.Recalc, v.Kind)
	if err != nil {
		s.fail(w, r, gs.Errorf(gs.EINVALID, "These figures cannot be drawn as an SPC chart: %v", err))
		return
	}
	milestones, err := s.store.Milestones(r.Context(), v.Campaign.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := spcPNG(v, res, milestones)
	s.writePNG(w, r, v.Ind.Slug+"-"+v.Area.Code+".png", func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteSPC(b, c, sz) })
}

func spcPNG(v indicatorView, res *spc.Result, milestones []gs.Milestone) pngchart.SPC {
	kind := "XmR chart"
	if v.Kind == chartPPrime {
		kind = "Laney p′ chart"
	}
	c := pngchart.SPC{Title: v.Ind.Name + ", " + v.Area.Name + " (" + kind + ")", YLabel: v.Ind.Unit,
		LimitsShown: res.LimitsShown, Target: v.Ind.Target}
	for i, p := range res.Points {
		c.Points = append(c.Points, pngchart.SPCPoint{Period: v.Obs[i].Period.Time(), Value: p.Value, Mean: p.Mean,
			Lower: p.Lower, Upper: p.Upper, LowerTwoSigma: p.LowerTwoSigma, UpperTwoSigma: p.UpperTwoSigma, Variation: string(p.Variation)})
	}
	first, last := v.Obs[0].Period, v.Obs[len(v.Obs)-1].Period
	for _, m := range milestones {
		if !m.On.Before(first) && !last.Before(m.On) {
			c.Milestones = append(c.Milestones, pngchart.Marker{On: m.On.Time(), Label: m.Title})
		}
	}
	c.Caption = "Association, not proof of cause."
	if isSynthetic(v.Obs) {
		c.Caption = "Made-up figures for a demonstration. " + c.Caption
	}
	if v.Ind.Source != "" {
		c.Caption += " Source: " + firstLine(v.Ind.Source)
	}
	return c
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// dashboardPNG is one of the dashboard's charts as PNG: growth.png,
// envelope.png or groups.png.
func (s *Server) dashboardPNG(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("chart")
	switch name {
	case "growth.png", "envelope.png", "groups.png", "funnel.png", "depth.png", "areas.png":
	default:
		s.notFound(w, r)
		return
	}
	d, err := s.loadDashboard(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := d.Campaign
	buckets := d.Timeline.Buckets()
	caption := "Counted as at the end of each " + periodUnit(d.Period) + "."
	if c.Illustrative {
		caption += " Illustrative: made-up data."
	}
	var draw func(*bytes.Buffer, pngchart.Size) error
	switch name {
	case "growth.png":
		series := []pngchart.Series{{Name: "People committed"}, {Name: "Commitments standing", Dashed: true}, {Name: "Invitations made"}}
		for i, p := range d.Total.Points {
			at := buckets[i].AsAt
			series[0].Points = append(series[0].Points, pngchart.TimeValue{At: at, Value: float64(p.People)})
			series[1].Points = append(series[1].Points, pngchart.TimeValue{At: at, Value: float64(p.Standing)})
			series[2].Points = append(series[2].Points, pngchart.TimeValue{At: at, Value: float64(d.Invitations[i])})
		}
		lines := pngchart.Lines{Title: "Resources built: " + c.Title, YLabel: "Count", Caption: caption, Series: series}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteLines(b, lines, sz) }
	case "envelope.png":
		var series []pngchart.Series
		for _, e := range d.Envelope {
			sr := pngchart.Series{Name: "Money remaining (%)", Dashed: e.Unit != "GBP"}
			if e.Unit != "GBP" {
				sr.Name = "Staff time remaining (%)"
			}
			for _, p := range e.Points {
				v := 0.0
				if p.Allocated > 0 {
					v = 100 * p.Remaining / p.Allocated
				}
				sr.Points = append(sr.Points, pngchart.TimeValue{At: p.AsAt, Value: v})
			}
			series = append(series, sr)
		}
		if len(series) == 0 {
			s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "No envelope has been entered for this campaign."))
			return
		}
		lines := pngchart.Lines{Title: "The envelope: " + c.Title, YLabel: "% of allocated remaining", Caption: caption, Series: series}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteLines(b, lines, sz) }
	case "groups.png":
		bars := pngchart.Bars{Title: "People committed in each group: " + c.Title, XLabel: "People committed", Horizontal: true,
			Caption: "As at " + time.Now().In(london).Format("2 January 2006") + "."}
		for _, g := range d.Groups {
			bars.Bars = append(bars.Bars, pngchart.Bar{Label: g.Group.Name, Value: float64(g.Latest.People)})
		}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteBars(b, bars, sz) }
	case "funnel.png":
		bars := pngchart.Bars{Title: "From pledge to done: " + c.Title, XLabel: "Commitments", Horizontal: true,
			Caption: "Pledged counts every pledge, confirmed or not; confirmed and done count confirmed pledges."}
		bars.Bars = []pngchart.Bar{{Label: "Pledged", Value: float64(d.Pledges.Made)}, {Label: "Confirmed", Value: float64(d.Pledges.Confirmed)},
			{Label: "Done", Value: float64(lastPoint(d.Total.Points).Total.Done)}}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteBars(b, bars, sz) }
	case "depth.png":
		bars := pngchart.Bars{Title: "How far invitations travelled: " + c.Title, XLabel: "Invitations from the start of the chain", YLabel: "People",
			Caption: "Counted at " + d.SlowAt.In(london).Format("15:04 on 2 January 2006") + "."}
		for i, n := range d.Graph.AtDepth {
			bars.Bars = append(bars.Bars, pngchart.Bar{Label: strconv.Itoa(i), Value: float64(n)})
		}
		if len(bars.Bars) == 0 {
			s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "No one has invited anyone yet."))
			return
		}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteBars(b, bars, sz) }
	case "areas.png":
		v, err := s.loadAreas(r.Context(), c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		bars := pngchart.Bars{Title: "Commitments per 100,000 people: " + c.Title, XLabel: "Commitments per 100,000 population", Horizontal: true,
			Caption: "Areas whose population is known. Association with outcomes is not cause."}
		for _, a := range v.Rows {
			if a.Area.Population > 0 {
				bars.Bars = append(bars.Bars, pngchart.Bar{Label: a.Area.Name, Value: 100_000 * float64(a.Commitments) / float64(a.Area.Population)})
			}
		}
		if len(bars.Bars) == 0 {
			s.fail(w, r, gs.Errorf(gs.ENOTFOUND, "No area with a known population has commitments yet."))
			return
		}
		draw = func(b *bytes.Buffer, sz pngchart.Size) error { return pngchart.WriteBars(b, bars, sz) }
	}
	s.writePNG(w, r, c.Slug+"-"+name, draw)
}
