package pngchart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writers are the four Write functions, each with a sample chart, so that
// tests of what every chart must do run on all of them.
var writers = []struct {
	name  string
	write func(io.Writer, Size) error
}{
	{"SPC", func(w io.Writer, s Size) error { return WriteSPC(w, sampleSPC(), s) }},
	{"Lines", func(w io.Writer, s Size) error { return WriteLines(w, sampleLines(), s) }},
	{"Bars", func(w io.Writer, s Size) error { return WriteBars(w, sampleBars(false), s) }},
	{"HorizontalBars", func(w io.Writer, s Size) error { return WriteBars(w, sampleBars(true), s) }},
	{"Funnel", func(w io.Writer, s Size) error { return WriteFunnel(w, sampleFunnel(), s) }},
}

// decode decodes a PNG, failing the test if it is not one.
func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("output does not start with the PNG signature: % x", b[:min(len(b), 8)])
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output is not a valid PNG: %v", err)
	}
	return img
}

// countColour counts the pixels of exactly colour c (opaque).
func countColour(img image.Image, c color.RGBA) int {
	n := 0
	if rgba, ok := img.(*image.RGBA); ok { // what png.Decode gives for our images: fast
		for i := 0; i+3 < len(rgba.Pix); i += 4 {
			if rgba.Pix[i] == c.R && rgba.Pix[i+1] == c.G && rgba.Pix[i+2] == c.B && rgba.Pix[i+3] == 0xFF {
				n++
			}
		}
		return n
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B && uint8(a>>8) == 0xFF {
				n++
			}
		}
	}
	return n
}

// render runs a writer into memory.
func renderBytes(t testing.TB, write func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEveryChartIsAPNGOfTheRequestedSize(t *testing.T) {
	sizes := []struct {
		in   Size
		w, h int
	}{
		{Size{}, 1200, 600}, // the default
		{Size{Width: 800, Height: 400}, 800, 400},
		{Size{Width: 1001, Height: 577}, 1001, 577}, // odd sizes are not rounded
		{Size{Width: 2400}, 2400, 1200},             // one side given: 2:1
		{Size{Height: 300}, 600, 300},
		{Size{Width: MinSide, Height: MinSide}, MinSide, MinSide},
		{Size{Width: 640, Height: 1000}, 640, 1000}, // portrait
	}
	for _, wr := range writers {
		for i, s := range sizes {
			if wr.name != "SPC" && i > 1 && i != 5 {
				continue // all sizes for one chart, a few for the others: the race detector is slow
			}
			t.Run(fmt.Sprintf("%s/%dx%d", wr.name, s.in.Width, s.in.Height), func(t *testing.T) {
				img := decode(t, renderBytes(t, func(w io.Writer) error { return wr.write(w, s.in) }))
				if got := img.Bounds().Size(); got.X != s.w || got.Y != s.h {
					t.Errorf("image is %d×%d, want %d×%d", got.X, got.Y, s.w, s.h)
				}
				// A picture, not a blank page: many colours are used.
				if n := distinctColours(img); n < 20 {
					t.Errorf("image has only %d distinct colours; is anything drawn?", n)
				}
			})
		}
	}
}

func TestTheLargestSizeAllowedRenders(t *testing.T) {
	if testing.Short() {
		t.Skip("a 4000×4000 image takes a while")
	}
	img := decode(t, renderBytes(t, func(w io.Writer) error {
		return WriteSPC(w, sampleSPC(), Size{Width: MaxSide, Height: MaxSide})
	}))
	if got := img.Bounds().Size(); got.X != MaxSide || got.Y != MaxSide {
		t.Errorf("image is %v, want %d×%d", got, MaxSide, MaxSide)
	}
}

// distinctColours counts the colours in img, up to 1000.
func distinctColours(img image.Image) int {
	seen := map[color.Color]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			seen[img.At(x, y)] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// spcWith is a 24-point SPC chart with limits whose points at the given
// indexes show the given variations.
func spcWith(limits bool, variations map[int]string) SPC {
	var pts []SPCPoint
	for i := range 24 {
		v := 100 + 10*math.Sin(float64(i))
		p := SPCPoint{
			Period: month(i), Value: v,
			Mean: 100, Lower: 70, Upper: 130, LowerTwoSigma: 80, UpperTwoSigma: 120,
			Variation: Common,
		}
		if vv, ok := variations[i]; ok {
			p.Variation = vv
		}
		pts = append(pts, p)
	}
	return SPC{Title: "Test", YLabel: "Count", Points: pts, LimitsShown: limits}
}

func TestSPCPointsShowMakingDataCountColours(t *testing.T) {
	count := func(c SPC) (blue, orange, purple, grey, red int) {
		img := decode(t, renderBytes(t, func(w io.Writer) error { return WriteSPC(w, c, Size{}) }))
		return countColour(img, colourImprovement), countColour(img, colourConcern),
			countColour(img, colourNeither), countColour(img, colourCommon), countColour(img, colourTarget)
	}

	// One improvement and one concern point: both colours are there.
	blue1, orange1, purple, grey, _ := count(spcWith(true, map[int]string{5: Improvement, 12: Concern}))
	if blue1 == 0 || orange1 == 0 {
		t.Fatalf("improvement and concern points: %d pixels of #00B0F0 and %d of #E46C0A; want both > 0", blue1, orange1)
	}
	if purple != 0 {
		t.Errorf("no 'neither' point, yet %d pixels of #490092", purple)
	}
	if grey == 0 {
		t.Errorf("no common-cause grey #A6A6A6 pixels")
	}

	// The colour is on the points, not only in the legend: three blue
	// points show more blue than one.
	blue3, orange3, _, _, _ := count(spcWith(true, map[int]string{5: Improvement, 6: Improvement, 7: Improvement, 12: Concern}))
	if blue3 <= blue1 {
		t.Errorf("3 improvement points gave %d blue pixels, 1 gave %d: the points are not blue", blue3, blue1)
	}
	if orange3 != orange1 {
		t.Logf("concern pixels moved from %d to %d (shapes overlapping the line)", orange1, orange3)
	}

	// Special cause with no direction is purple.
	if _, _, purple, _, _ := count(spcWith(true, map[int]string{3: Neither})); purple == 0 {
		t.Errorf("a 'neither' point gave no #490092 pixels")
	}

	// Only common cause: neither colour anywhere (not even in the legend).
	if blue, orange, _, _, _ := count(spcWith(true, nil)); blue != 0 || orange != 0 {
		t.Errorf("all common cause, yet %d blue and %d orange pixels", blue, orange)
	}

	// A run chart is all grey, whatever the variations say: without
	// limits, no point is special cause.
	run := spcWith(false, map[int]string{5: Improvement, 6: Improvement, 12: Concern, 13: Neither})
	blue, orange, purple, grey, _ := count(run)
	if blue != 0 || orange != 0 || purple != 0 {
		t.Errorf("run chart has %d blue, %d orange, %d purple pixels; want none", blue, orange, purple)
	}
	if grey == 0 {
		t.Errorf("run chart has no grey #A6A6A6 pixels")
	}

	// The target is red, and only there when set.
	withTarget := spcWith(true, nil)
	target := 125.0
	withTarget.Target = &target
	if _, _, _, _, red := count(withTarget); red == 0 {
		t.Errorf("target set, but no red pixels")
	}
	if _, _, _, _, red := count(spcWith(true, nil)); red != 0 {
		t.Errorf("no target, yet %d red pixels", red)
	}
}

func TestRunChartDrawsNoLimits(t *testing.T) {
	// The limit lines are darker grey (#595959) dashes; a run chart has
	// none even when the points carry limit values.
	limits := decode(t, renderBytes(t, func(w io.Writer) error { return WriteSPC(w, spcWith(true, nil), Size{}) }))
	run := decode(t, renderBytes(t, func(w io.Writer) error { return WriteSPC(w, spcWith(false, nil), Size{}) }))
	if n := countColour(limits, colourLimit); n == 0 {
		t.Fatalf("chart with limits has no #595959 limit pixels")
	}
	if n := countColour(run, colourLimit); n != 0 {
		t.Errorf("run chart has %d pixels of the limit colour", n)
	}
}

func TestMilestonesAreDrawn(t *testing.T) {
	c := spcWith(true, nil)
	plain := countColour(decode(t, renderBytes(t, func(w io.Writer) error { return WriteSPC(w, c, Size{}) })), colourMilestone)
	c.Milestones = []Marker{{On: month(6), Label: "Launch"}, {On: month(7), Label: "Second thing"}, {On: month(40), Label: "Outside"}}
	with := countColour(decode(t, renderBytes(t, func(w io.Writer) error { return WriteSPC(w, c, Size{}) })), colourMilestone)
	if with <= plain {
		t.Errorf("milestones added no pixels of their colour (%d before, %d after)", plain, with)
	}
}

func TestBadInputIsAClearError(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	spc := func(edit func(*SPC)) func(io.Writer) error {
		c := spcWith(true, nil)
		edit(&c)
		return func(w io.Writer) error { return WriteSPC(w, c, Size{}) }
	}
	lines := func(edit func(*Lines)) func(io.Writer) error {
		c := sampleLines()
		edit(&c)
		return func(w io.Writer) error { return WriteLines(w, c, Size{}) }
	}
	bars := func(edit func(*Bars)) func(io.Writer) error {
		c := sampleBars(false)
		edit(&c)
		return func(w io.Writer) error { return WriteBars(w, c, Size{}) }
	}
	funnel := func(edit func(*Funnel)) func(io.Writer) error {
		c := sampleFunnel()
		edit(&c)
		return func(w io.Writer) error { return WriteFunnel(w, c, Size{}) }
	}
	size := func(s Size) func(io.Writer) error {
		return func(w io.Writer) error { return WriteSPC(w, sampleSPC(), s) }
	}
	nanTarget := nan
	cases := []struct {
		name  string
		write func(io.Writer) error
		want  string // in the message
	}{
		{"SPC without points", spc(func(c *SPC) { c.Points = nil }), "no points"},
		{"SPC NaN value", spc(func(c *SPC) { c.Points[3].Value = nan }), "point 4 (Jul 2023): value is NaN"},
		{"SPC infinite value", spc(func(c *SPC) { c.Points[0].Value = inf }), "value is +Inf"},
		{"SPC infinite limit", spc(func(c *SPC) { c.Points[2].Upper = inf }), "upper limit is +Inf"},
		{"SPC NaN two-sigma", spc(func(c *SPC) { c.Points[2].LowerTwoSigma = nan }), "lower two-sigma line is NaN"},
		// A point's lines must be in order; swapped limits are the
		// "mismatched" input this API can express (each point carries its
		// own lines, so there are no parallel slices to disagree in length).
		{"SPC swapped limits", spc(func(c *SPC) { c.Points[5].Lower, c.Points[5].Upper = 130, 70 }), "lower two-sigma line 80 is below the lower limit 130"},
		{"SPC mean outside limits", spc(func(c *SPC) { c.Points[5].Mean = 200 }), "upper two-sigma line 120 is below the mean 200"},
		{"SPC periods out of order", spc(func(c *SPC) { c.Points[4].Period = month(1) }), "increasing time order"},
		{"SPC duplicate period", spc(func(c *SPC) { c.Points[4].Period = c.Points[3].Period }), "increasing time order"},
		{"SPC zero period", spc(func(c *SPC) { c.Points[4].Period = time.Time{} }), "point 5 has no period"},
		{"SPC unknown variation", spc(func(c *SPC) { c.Points[1].Variation = "better" }), `unknown variation "better"`},
		{"SPC NaN target", spc(func(c *SPC) { c.Target = &nanTarget }), "target is NaN"},
		{"SPC undated milestone", spc(func(c *SPC) { c.Milestones = []Marker{{Label: "x"}} }), "milestone 1"},
		{"SPC too many points", spc(func(c *SPC) { c.Points = make([]SPCPoint, MaxPoints+1) }), "at most"},
		{"Lines without series", lines(func(c *Lines) { c.Series = nil }), "no series"},
		{"Lines empty series", lines(func(c *Lines) { c.Series[1].Points = nil }), `series "Commitments" has no points`},
		{"Lines NaN", lines(func(c *Lines) { c.Series[0].Points[2].Value = nan }), `series "People", point 3`},
		{"Lines out of order", lines(func(c *Lines) { c.Series[2].Points[5].At = month(0) }), "time order"},
		{"Lines zero time", lines(func(c *Lines) { c.Series[0].Points[0].At = time.Time{} }), "no time"},
		{"Bars none", bars(func(c *Bars) { c.Bars = nil }), "no bars"},
		{"Bars infinite", bars(func(c *Bars) { c.Bars[1].Value = inf }), `bar 2 ("Confirmed"): value is +Inf`},
		{"Bars too many", bars(func(c *Bars) { c.Bars = make([]Bar, MaxBars+1) }), "at most 500"},
		{"Funnel no units", funnel(func(c *Funnel) { c.Units = nil }), "no units"},
		{"Funnel no limits", funnel(func(c *Funnel) { c.Limits = nil }), "no Limits"},
		{"Funnel value not a proportion", funnel(func(c *Funnel) { c.Units[0].Value = 1.5 }), "not a proportion"},
		{"Funnel zero denominator", funnel(func(c *Funnel) { c.Units[2].Denominator = 0 }), "denominator 0 must be a positive number"},
		{"Funnel NaN centre", funnel(func(c *Funnel) { c.Centre = nan }), "centre NaN"},
		{"Funnel NaN limits", funnel(func(c *Funnel) {
			c.Limits = func(float64) (float64, float64, float64, float64) { return nan, 0.2, 0, 0.3 }
		}), "lower 2σ limit is NaN"},
		{"Funnel swapped limits", funnel(func(c *Funnel) {
			c.Limits = func(float64) (float64, float64, float64, float64) { return 0.2, 0.1, 0, 0.3 }
		}), "below the lower 2σ limit"},
		{"negative width", size(Size{Width: -1, Height: 600}), "must not be negative"},
		{"negative height", size(Size{Width: 1200, Height: -600}), "must not be negative"},
		{"huge", size(Size{Width: 100000, Height: 100000}), "at most 4000 pixels"},
		{"too wide", size(Size{Width: 4001, Height: 600}), "at most 4000 pixels"},
		{"huge from one side", size(Size{Width: 9000}), "at most 4000 pixels"},
		{"too small", size(Size{Width: 10, Height: 10}), "at least 200 pixels"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := tc.write(&b)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if b.Len() != 0 {
				t.Errorf("%d bytes written despite the error", b.Len())
			}
		})
	}
}

func TestAPanickingLimitsFunctionIsAnError(t *testing.T) {
	c := sampleFunnel()
	c.Limits = func(float64) (float64, float64, float64, float64) { panic("boom") }
	var b bytes.Buffer
	err := WriteFunnel(&b, c, Size{})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v, want an error mentioning the panic", err)
	}
	if errors.Is(err, ErrInvalid) {
		t.Errorf("a panic is not an input error: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("%d bytes written despite the error", b.Len())
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestAWriteErrorIsReturned(t *testing.T) {
	err := WriteBars(failingWriter{}, sampleBars(false), Size{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("got %v, want the writer's error", err)
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	for _, wr := range writers {
		t.Run(wr.name, func(t *testing.T) {
			a := renderBytes(t, func(w io.Writer) error { return wr.write(w, Size{}) })
			b := renderBytes(t, func(w io.Writer) error { return wr.write(w, Size{}) })
			if !bytes.Equal(a, b) {
				t.Errorf("two renders of the same chart differ (%d and %d bytes)", len(a), len(b))
			}
		})
	}
}

func TestConcurrentRendersAgree(t *testing.T) {
	// A server renders downloads concurrently; gonum's font cache is
	// shared. Run with -race.
	want := renderBytes(t, func(w io.Writer) error { return WriteSPC(w, sampleSPC(), Size{}) })
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Go(func() {
			var b bytes.Buffer
			errs[i] = WriteSPC(&b, sampleSPC(), Size{})
			got[i] = b.Bytes()
		})
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(got[i], want) {
			t.Errorf("concurrent render %d differs from the serial one", i)
		}
	}
}

func TestEdgeCasesRender(t *testing.T) {
	one := spcWith(true, nil)
	one.Points = one.Points[:1]
	flat := spcWith(true, nil)
	for i := range flat.Points {
		p := &flat.Points[i]
		p.Value, p.Mean, p.Lower, p.Upper, p.LowerTwoSigma, p.UpperTwoSigma = 5, 5, 5, 5, 5, 5
	}
	// p-chart style: limits vary per point, a single-point section.
	pchart := spcWith(true, map[int]string{23: Concern})
	for i := range pchart.Points {
		p := &pchart.Points[i]
		w := 10 + float64(i%5)
		p.Lower, p.Upper, p.LowerTwoSigma, p.UpperTwoSigma = 100-3*w, 100+3*w, 100-2*w, 100+2*w
	}
	pchart.Points[23].Mean, pchart.Points[23].Lower, pchart.Points[23].Upper = 90, 60, 120
	pchart.Points[23].LowerTwoSigma, pchart.Points[23].UpperTwoSigma = 70, 110
	sameDay := Lines{Series: []Series{{Points: []TimeValue{{month(0), 1}, {month(0), 3}}}}}
	negBars := Bars{Bars: []Bar{{"Up", 3}, {"Down", -2.25}, {"Zero", 0}}}
	longLabels := Bars{Bars: []Bar{
		{"A very long group name that goes on", 1}, {"Another long group name here", 2},
		{"Third long group name", 3}, {"Fourth long group name", 4}, {"Fifth", 5},
		{"Sixth group name", 6}, {"Seventh group name", 7}, {"Eighth group name", 8},
	}}
	oneUnit := sampleFunnel()
	oneUnit.Units = oneUnit.Units[:1]
	oneUnit.AsPercent = false
	longCaption := sampleSPC()
	longCaption.Caption = strings.Repeat("A long caption that must wrap onto several lines. ", 12)
	for name, write := range map[string]func(io.Writer) error{
		"SPC one point":       func(w io.Writer) error { return WriteSPC(w, one, Size{}) },
		"SPC constant":        func(w io.Writer) error { return WriteSPC(w, flat, Size{}) },
		"SPC varying limits":  func(w io.Writer) error { return WriteSPC(w, pchart, Size{}) },
		"SPC long caption":    func(w io.Writer) error { return WriteSPC(w, longCaption, Size{}) },
		"Lines on one day":    func(w io.Writer) error { return WriteLines(w, sameDay, Size{}) },
		"Bars negative":       func(w io.Writer) error { return WriteBars(w, negBars, Size{}) },
		"Bars long labels":    func(w io.Writer) error { return WriteBars(w, longLabels, Size{}) },
		"Funnel one unit":     func(w io.Writer) error { return WriteFunnel(w, oneUnit, Size{}) },
		"Untitled everything": func(w io.Writer) error { return WriteBars(w, Bars{Bars: []Bar{{"", 1}}}, Size{}) },
	} {
		t.Run(name, func(t *testing.T) {
			b := renderBytes(t, write)
			img := decode(t, b)
			if img.Bounds().Dx() != DefaultWidth || img.Bounds().Dy() != DefaultHeight {
				t.Errorf("size %v", img.Bounds())
			}
			if dir := os.Getenv("PNGCHART_OUT"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".png"), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestTimeTicksFallOnMonths(t *testing.T) {
	min, max := timeX(month(0)), timeX(month(29))
	for _, width := range []float64{300, 700, 2000} {
		ticks := timeTicks(min, max, width).Ticks(min, max)
		seen := map[string]bool{}
		labels := 0
		for _, tk := range ticks {
			if tk.IsMinor() {
				continue
			}
			labels++
			at := time.Unix(int64(tk.Value), 0).UTC()
			if at.Day() != 1 || at.Hour() != 0 {
				t.Errorf("width %v: tick %q at %v, not the first of a month", width, tk.Label, at)
			}
			if want := at.Format("Jan 2006"); tk.Label != want {
				t.Errorf("width %v: tick at %v labelled %q, want %q", width, at, tk.Label, want)
			}
			if seen[tk.Label] {
				t.Errorf("width %v: label %q twice", width, tk.Label)
			}
			seen[tk.Label] = true
		}
		if labels < 2 || float64(labels) > width/60+1 {
			t.Errorf("width %v: %d labels", width, labels)
		}
	}
	// Short spans are labelled by day.
	a, b := timeX(month(0)), timeX(month(0).AddDate(0, 0, 20))
	for _, tk := range timeTicks(a, b, 700).Ticks(a, b) {
		if !tk.IsMinor() {
			if _, err := time.Parse("2 Jan 2006", tk.Label); err != nil {
				t.Errorf("short span label %q is not a date: %v", tk.Label, err)
			}
		}
	}
}

func TestTimesInOtherZonesSitOnTheirMonth(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data")
	}
	// Midnight on 1 April in London is 23:00 on 31 March UTC.
	if got, want := timeX(time.Date(2025, 4, 1, 0, 0, 0, 0, london)), timeX(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)); got != want {
		t.Errorf("timeX(1 April London) = %v, want %v", got, want)
	}
}

func TestNiceTicks(t *testing.T) {
	labels := func(tk niceTicks, min, max float64) []string {
		var out []string
		for _, x := range tk.Ticks(min, max) {
			if !x.IsMinor() {
				out = append(out, x.Label)
			}
		}
		return out
	}
	for _, tc := range []struct {
		tk       niceTicks
		min, max float64
		want     string
	}{
		{yTicks, 0, 25000, "0 5,000 10,000 15,000 20,000 25,000"},
		{yTicks, 40, 66, "40 45 50 55 60 65"},
		{xTicks, 25, 18250, "2,500 5,000 7,500 10,000 12,500 15,000 17,500"},
		{niceTicks{target: 5, percent: true}, 0, 0.26, "0% 5% 10% 15% 20% 25%"},
		{niceTicks{target: 5, percent: true}, 0.1, 0.13, "10% 11% 12% 13%"},
		{yTicks, -2.25, 3, "-2 -1 0 1 2 3"},
	} {
		if got := strings.Join(labels(tc.tk, tc.min, tc.max), " "); got != tc.want {
			t.Errorf("ticks %v..%v = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "-1234567.25": "-1,234,567.25", "1e+21": "1e+21",
	} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{12840: "12,840", 3377.5: "3,377.5", 0.126: "0.13", -2: "-2"} {
		if got := formatNumber(in); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestSectionsBreakWhereTheMeanChanges(t *testing.T) {
	pts := []SPCPoint{{Mean: 1}, {Mean: 1}, {Mean: 2}, {Mean: 3}, {Mean: 3}}
	got := fmt.Sprint(sections(pts))
	if want := "[{0 2} {2 3} {3 5}]"; got != want {
		t.Errorf("sections = %s, want %s", got, want)
	}
}

func BenchmarkWriteSPC(b *testing.B) {
	var pts []SPCPoint
	for i := range 120 {
		mean := 100.0
		if i >= 60 {
			mean = 110
		}
		v := mean + 8*math.Sin(float64(i)*0.7)
		p := SPCPoint{
			Period: month(i), Value: v, Mean: mean,
			Lower: mean - 20, Upper: mean + 20, LowerTwoSigma: mean - 13, UpperTwoSigma: mean + 13,
			Variation: Common,
		}
		switch i % 17 {
		case 3:
			p.Variation = Improvement
		case 9:
			p.Variation = Concern
		}
		pts = append(pts, p)
	}
	target := 115.0
	c := SPC{
		Title: "Benchmark", YLabel: "Count", Points: pts, LimitsShown: true, Target: &target,
		Milestones: []Marker{{On: month(30), Label: "Launch"}, {On: month(60), Label: "Recalculated"}},
		Caption:    "Source: benchmark.",
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSPC(io.Discard, c, Size{}); err != nil {
			b.Fatal(err)
		}
	}
}
