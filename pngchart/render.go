package pngchart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Image sizes, in pixels.
const (
	// DefaultWidth and DefaultHeight are the size of an image whose Size is
	// zero: 2:1 suits a time series on a slide or across an A4 page.
	DefaultWidth  = 1200
	DefaultHeight = 600

	// MaxSide is the largest width or height allowed. It caps the memory one
	// request can make the server use (a 4000×4000 image is 64 MB of pixels,
	// and the rasteriser keeps a second copy), since the size usually comes
	// from a URL.
	MaxSide = 4000

	// MinSide is the smallest width or height allowed: below it the axis
	// labels and legend leave no room for the data, and the picture would be
	// useless rather than small.
	MinSide = 200

	// MaxPoints caps the number of data points (or bars, or funnel units)
	// in one chart, for the same reason as MaxSide: drawing time grows with
	// them, and no chart a person reads needs more.
	MaxPoints = 100_000
)

// ErrInvalid is wrapped by every error that is the caller's input's fault
// (bad size, no data, NaN values...), so that an HTTP handler can tell a bad
// request (errors.Is(err, ErrInvalid): 400) from a failure to draw or write
// (500).
var ErrInvalid = errors.New("pngchart: invalid input")

// invalid returns an error wrapping ErrInvalid with a message that says
// what is wrong.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Size is the size of the image in pixels. The zero Size means
// DefaultWidth×DefaultHeight; if only one side is zero it is derived from the
// other at the default 2:1 aspect ratio, so a caller can ask for "2400 wide"
// without having to know the shape. Both sides must lie in
// [MinSide, MaxSide].
type Size struct{ Width, Height int }

// pixels resolves the defaults and checks the bounds.
func (s Size) pixels() (w, h int, err error) {
	if s.Width < 0 || s.Height < 0 {
		return 0, 0, invalid("image size %d×%d: width and height must not be negative", s.Width, s.Height)
	}
	w, h = s.Width, s.Height
	switch {
	case w == 0 && h == 0:
		w, h = DefaultWidth, DefaultHeight
	case h == 0:
		h = w * DefaultHeight / DefaultWidth
	case w == 0:
		w = h * DefaultWidth / DefaultHeight
	}
	if w > MaxSide || h > MaxSide {
		return 0, 0, invalid("image size %d×%d: at most %d pixels a side", w, h, MaxSide)
	}
	if w < MinSide || h < MinSide {
		return 0, 0, invalid("image size %d×%d: at least %d pixels a side", w, h, MinSide)
	}
	return w, h, nil
}

// dpi is the resolution the image is drawn at. Lengths in the charts are
// in points; scaling the resolution with the image (96 dpi at the default
// size) keeps the layout of a larger download the same as the default one,
// only sharper, instead of shrinking the text to specks. The lower bound
// keeps text legible in small images.
func dpi(w, h int) int {
	s := math.Min(float64(w)/DefaultWidth, float64(h)/DefaultHeight)
	return max(72, int(math.Round(96*s)))
}

// Colours. The four variation colours are NHS England's Making Data Count
// ones, so that a PNG matches the charts people already know.
var (
	colourImprovement = color.RGBA{R: 0x00, G: 0xB0, B: 0xF0, A: 0xFF} // blue
	colourConcern     = color.RGBA{R: 0xE4, G: 0x6C, B: 0x0A, A: 0xFF} // orange
	colourNeither     = color.RGBA{R: 0x49, G: 0x00, B: 0x92, A: 0xFF} // purple
	colourCommon      = color.RGBA{R: 0xA6, G: 0xA6, B: 0xA6, A: 0xFF} // grey
	colourTarget      = color.RGBA{R: 0xD5, G: 0x28, B: 0x1B, A: 0xFF} // NHS red
	colourLimit       = color.RGBA{R: 0x59, G: 0x59, B: 0x59, A: 0xFF} // darker grey
	colourTwoSigma    = color.RGBA{R: 0x8C, G: 0x8C, B: 0x8C, A: 0xFF}
	colourMilestone   = color.RGBA{R: 0x42, G: 0x55, B: 0x63, A: 0xFF} // NHS dark grey
	colourText        = color.RGBA{R: 0x21, G: 0x2B, B: 0x32, A: 0xFF} // NHS text
	colourSecondary   = color.RGBA{R: 0x4C, G: 0x62, B: 0x72, A: 0xFF} // NHS secondary text
	colourGrid        = color.RGBA{R: 0xE8, G: 0xED, B: 0xEE, A: 0xFF}
	colourBar         = color.RGBA{R: 0x00, G: 0x5E, B: 0xB8, A: 0xFF} // NHS blue
)

// seriesColours are the Okabe–Ito colours (safe for the common kinds of
// colour blindness), darkest first, for the series of a line chart.
var seriesColours = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF},
	color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF},
	color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF},
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF},
	color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF},
	color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF},
	color.Black,
}

// seriesShapes mark the end of each series (and its legend entry) with a
// different shape, so that series are told apart without colour.
var seriesShapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, diamondGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{},
}

// sans is the typeface of all text: Liberation Sans is metrically the same
// as Arial, the NHS's fallback for Frutiger, and ships inside gonum/plot.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle is a text style in sans of the given size and colour.
func textStyle(size float64, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    font.From(sans, vg.Points(size)),
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot styled like the rest of Groundswell's charts: sans
// text, light horizontal grid lines, axis labels as given.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		align := a.Tick.Label
		a.Tick.Label = textStyle(10, colourText)
		a.Tick.Label.XAlign, a.Tick.Label.YAlign = align.XAlign, align.YAlign
		lalign := a.Label.TextStyle
		a.Label.TextStyle = textStyle(11, colourText)
		a.Label.TextStyle.XAlign, a.Label.TextStyle.YAlign = lalign.XAlign, lalign.YAlign
		a.Label.Padding = vg.Points(4)
		a.Color = colourSecondary
		a.Tick.Color = colourSecondary
		a.Tick.Length = vg.Points(5)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Y.Tick.Marker = yTicks
	return p
}

// grid returns light lines across the data area at each labelled value,
// which help a reader take a value across from the axis. They run
// horizontally (from the Y axis) unless vertical, for charts whose values
// are on the X axis; lines along the time axis would compete with milestone
// lines.
func grid(vertical bool) plot.Plotter {
	return &gridLines{vertical: vertical, style: draw.LineStyle{Color: colourGrid, Width: vg.Points(0.75)}}
}

// gridLines draws a line at each labelled tick of one axis (plotter.Grid
// draws both axes' lines unless one's colour is nil, which is easy to get
// wrong).
type gridLines struct {
	vertical bool
	style    draw.LineStyle
}

// Plot implements plot.Plotter.
func (g *gridLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	axis, tr := p.Y, trY
	if g.vertical {
		axis, tr = p.X, trX
	}
	for _, t := range axis.Tick.Marker.Ticks(axis.Min, axis.Max) {
		if t.IsMinor() {
			continue
		}
		v := tr(t.Value)
		if g.vertical {
			if c.ContainsX(v) {
				c.StrokeLine2(g.style, v, c.Min.Y, v, c.Max.Y)
			}
		} else if c.ContainsY(v) {
			c.StrokeLine2(g.style, c.Min.X, v, c.Max.X, v)
		}
	}
}

// chart is a plot ready to be laid out on an image with its title, caption
// and legend.
type chart struct {
	title, caption string
	plot           *plot.Plot
	legend         []legendEntry
	// fit, if set, is called with the canvas the plot will be drawn on,
	// before it is drawn, for settings that depend on the space the plot
	// gets (calendar ticks, bar widths, milestone label rows).
	fit func(p *plot.Plot, area draw.Canvas)
}

// legendEntry is one line of the legend.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// Layout lengths, in points.
var (
	margin     = vg.Points(12)
	gap        = vg.Points(10)
	titleSize  = 15.0
	legendSize = 10.0
	capSize    = 9.5
)

// render checks the size, builds the chart (build validates the input
// first), draws it on an image of that size and writes it as PNG to w,
// all or nothing: the PNG is encoded in memory and written only when
// complete. Panics while building or drawing (gonum/plot panics on some
// inputs rather than returning errors, and a funnel's Limits is the
// caller's code) become errors, so a bad chart cannot take a server down.
func render(w io.Writer, size Size, build func() (*chart, error)) (err error) {
	wpx, hpx, err := size.pixels()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("pngchart: drawing failed: %v", r)
			}
		}()
		ch, err := build()
		if err != nil {
			return err
		}
		res := dpi(wpx, hpx)
		inch := vg.Length(res)
		cv := vgimg.NewWith(
			vgimg.UseWH(vg.Length(wpx)*vg.Inch/inch, vg.Length(hpx)*vg.Inch/inch),
			vgimg.UseDPI(res),
		)
		layout(draw.New(cv), ch)
		_, err = vgimg.PngCanvas{Canvas: cv}.WriteTo(&buf)
		return err
	}()
	if err != nil {
		return err
	}
	_, err = buf.WriteTo(w)
	return err
}

// layout draws the title at the top, the caption at the bottom, the legend
// in a column on the right, and the plot in what is left.
func layout(dc draw.Canvas, ch *chart) {
	dc = draw.Crop(dc, margin, -margin, margin, -margin)
	width := dc.Max.X - dc.Min.X

	if ch.title != "" {
		sty := textStyle(titleSize, colourText)
		sty.YAlign = draw.YTop
		h := drawLines(dc, sty, wrap(sty, ch.title, width), dc.Min.X, dc.Max.Y)
		dc = draw.Crop(dc, 0, 0, 0, -(h + gap))
	}
	if ch.caption != "" {
		sty := textStyle(capSize, colourSecondary)
		lines := wrap(sty, ch.caption, width)
		h := linesHeight(sty, len(lines))
		drawLines(dc, sty, lines, dc.Min.X, dc.Min.Y+h)
		dc = draw.Crop(dc, 0, 0, h+gap, 0)
	}
	if len(ch.legend) > 0 {
		leg := plot.NewLegend()
		leg.TextStyle = textStyle(legendSize, colourText)
		leg.Top, leg.Left = true, true
		leg.Padding = vg.Points(3)
		leg.ThumbnailWidth = vg.Points(22)
		for _, e := range ch.legend {
			leg.Add(truncate(e.name, 40), e.thumbs...)
		}
		r := leg.Rectangle(dc)
		lw := r.Max.X - r.Min.X
		// A legend wider than a third of the image would squeeze the
		// data; truncate() above keeps names short enough that this is
		// rare, and the data wins if it happens.
		lw = min(lw, width/3)
		leg.Draw(draw.Crop(dc, width-lw, 0, 0, 0))
		dc = draw.Crop(dc, 0, -(lw + gap), 0, 0)
	}
	if ch.fit != nil {
		ch.fit(ch.plot, dc)
	}
	ch.plot.Draw(dc)
}

// lineHeight is the distance between baselines of wrapped text.
func lineHeight(sty text.Style) vg.Length {
	return sty.FontExtents().Height * 1.15
}

// linesHeight is the height n lines of text take.
func linesHeight(sty text.Style, n int) vg.Length {
	return lineHeight(sty) * vg.Length(n)
}

// drawLines draws lines of text left-aligned at x, the first one's top at
// top, and returns the height they took. Lines are drawn one by one because
// gonum's plain text handler spaces multi-line text by the font size, not by
// the font's own line height that Style.Height reports.
func drawLines(c draw.Canvas, sty text.Style, lines []string, x, top vg.Length) vg.Length {
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	lh := lineHeight(sty)
	desc := sty.FontExtents().Descent
	for i, l := range lines {
		baseline := top - lh*vg.Length(i+1) + desc
		c.FillText(sty, vg.Point{X: x, Y: baseline}, l)
	}
	return lh * vg.Length(len(lines))
}

// wrap breaks s into lines no wider than width (a single word wider than
// width gets a line of its own). Newlines in s are kept.
func wrap(sty text.Style, s string, width vg.Length) []string {
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if line != "" && sty.Width(try) > width {
				lines = append(lines, line)
				line = word
				continue
			}
			line = try
		}
		lines = append(lines, line)
	}
	return lines
}

// truncate shortens s to at most n characters, ending in "…" if cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// lineThumb draws a line style in the legend.
type lineThumb struct{ draw.LineStyle }

// Thumbnail implements plot.Thumbnailer.
func (l lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(l.LineStyle, c.Min.X, y, c.Max.X, y)
}

// glyphThumb draws a glyph in the legend.
type glyphThumb struct{ draw.GlyphStyle }

// Thumbnail implements plot.Thumbnailer.
func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyphNoClip(g.GlyphStyle, c.Center()) }

// diamondGlyph is a filled diamond, a shape gonum does not have, for
// special-cause points that are neither improvement nor concern.
type diamondGlyph struct{}

// downTriangleGlyph is a triangle pointing down, the shape of a point of
// concern, as on the web pages' charts (gonum's PyramidGlyph points up:
// improvement).
type downTriangleGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (downTriangleGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.2
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y - r}) // the canvas's y runs upwards
	p.Line(vg.Point{X: pt.X + r*0.866, Y: pt.Y + r/2})
	p.Line(vg.Point{X: pt.X - r*0.866, Y: pt.Y + r/2})
	p.Close()
	c.Fill(p)
}

// DrawGlyph implements draw.GlyphDrawer.
func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.2
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	p.Close()
	c.Fill(p)
}
