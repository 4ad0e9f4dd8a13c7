package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/groundswell-health/groundswell/spc"
)

const spcUsage = `Usage: groundswell spc [flags] [FILE]

Computes an SPC chart the NHS "Making Data Count" way (XmR, see SPC.md) and
prints it as one JSON object. FILE (or stdin, when FILE is absent or "-") is
CSV with a header naming the columns period and value (other columns are
ignored), one row per period in time order. Periods are dates, YYYY-MM-DD;
when all are the first of a month a missing month is refused (--allow-gaps
skips it). Bad input exits with status 2 and a message naming the line.

Flags:
`

// usageError is bad input or a bad flag: the command exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// ExitCode is the process's exit status for this error (see main).
func (e *usageError) ExitCode() int { return 2 }

func badInput(format string, args ...any) error {
	return &usageError{msg: "spc: " + fmt.Sprintf(format, args...)}
}

// spcCmd is `groundswell spc [flags] [FILE]`.
func spcCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, file, err := parseSPCFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}

	in := stdin
	if file != "" && file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return badInput("%v", err)
		}
		defer f.Close()
		in = f
	}
	points, lines, err := readSPCCSV(in)
	if err != nil {
		return err
	}

	res, err := spc.XmR(points, o)
	var se *spc.Error
	if errors.As(err, &se) {
		if se.Index < 0 {
			return badInput("%s", se.Msg)
		}
		hint := ""
		if se.Gap != nil {
			hint = " (--allow-gaps skips missing periods)"
		}
		return badInput("line %d: %s%s", lines[se.Index], se.Msg, hint)
	}
	if err != nil {
		return fmt.Errorf("spc: %w", err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "groundswell spc: warning: %s\n", w)
	}
	return json.NewEncoder(stdout).Encode(spc.ReportJSON(res))
}

// parseSPCFlags reads the flags, which may come before or after FILE.
func parseSPCFlags(args []string, stderr io.Writer) (spc.Options, string, error) {
	fs := flag.NewFlagSet("spc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), spcUsage)
		fs.PrintDefaults()
	}
	o := spc.Options{Direction: spc.Neither, Conflict: spc.PreferImprovement}
	fs.Func("direction", "which way is better: up, down or neither (default neither)", func(s string) error {
		switch d := spc.Direction(s); d {
		case spc.Up, spc.Down, spc.Neither:
			o.Direction = d
			return nil
		}
		return errors.New("want up, down or neither")
	})
	fs.Func("target", "the target, `NUMBER`, for the assurance icon (with --direction up or down)", func(s string) error {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("want a number")
		}
		o.Target = &v
		return nil
	})
	fs.IntVar(&o.Baseline, "baseline", 0, "fix the mean and limits from the first `N` points (at least 2; 0: all)")
	fs.Func("recalculate", "start a new section, with its own mean and limits, at each `PERIOD[,PERIOD…]`", func(s string) error {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				o.Recalculate = append(o.Recalculate, p)
			}
		}
		return nil
	})
	fs.IntVar(&o.Shift, "shift", spc.DefaultShift, "points in a run on one side of the mean that make a shift, `N` = 6–8")
	fs.IntVar(&o.Trend, "trend", spc.DefaultTrend, "points in a run of rises or falls that make a trend, `N` = 6–8")
	fs.IntVar(&o.MinPoints, "min-points", spc.DefaultMinPoints, "below `N` points, a run chart: no limits, flags or icons")
	fs.BoolVar(&o.ScreenOutliers, "screen-outliers", false, "drop moving ranges above 3.267 × their mean, and recompute")
	fs.BoolVar(&o.TwoSigmaIncludesOutside, "two-sigma-includes-outside", false, "count points beyond a process limit toward two of three")
	fs.Func("conflict", "what a point flagged both ways shows: improvement or concern (default improvement)", func(s string) error {
		switch c := spc.Conflict(s); c {
		case spc.PreferImprovement, spc.PreferConcern:
			o.Conflict = c
			return nil
		}
		return errors.New("want improvement or concern")
	})
	fs.BoolVar(&o.AllowGaps, "allow-gaps", false, "skip missing months instead of refusing the series (a warning names them)")

	var file string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, "", err
			}
			return o, "", &usageError{msg: "spc: " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		if file != "" {
			return o, "", badInput("unexpected argument %q: give one FILE", fs.Arg(0))
		}
		file, args = fs.Arg(0), fs.Args()[1:]
	}
	switch {
	case o.Shift < 6 || o.Shift > 8:
		return o, "", badInput("--shift %d: want 6, 7 or 8", o.Shift)
	case o.Trend < 6 || o.Trend > 8:
		return o, "", badInput("--trend %d: want 6, 7 or 8", o.Trend)
	case o.MinPoints < 1:
		return o, "", badInput("--min-points %d: want at least 1", o.MinPoints)
	case o.Baseline < 0 || o.Baseline == 1:
		return o, "", badInput("--baseline %d: want at least 2 points (a moving range needs two), or 0 for none", o.Baseline)
	}
	return o, file, nil
}

// readSPCCSV reads period,value rows, and the line each starts on.
func readSPCCSV(in io.Reader) ([]spc.Point, []int, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil, badInput("line 1: no header: want a header naming the columns period and value")
	}
	if err != nil {
		return nil, nil, csvError(err)
	}
	pcol, vcol := -1, -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		var col *int
		switch h {
		case "period":
			col = &pcol
		case "value":
			col = &vcol
		default:
			continue
		}
		if *col >= 0 {
			return nil, nil, badInput("line 1: two columns named %s", h)
		}
		*col = i
	}
	if pcol < 0 || vcol < 0 {
		return nil, nil, badInput("line 1: bad header %q: want columns period and value", strings.Join(header, ","))
	}
	width := len(header)

	var points []spc.Point
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != width {
			return nil, nil, badInput("line %d: %d fields, but the header has %d", line, len(rec), width)
		}
		period := strings.TrimSpace(rec[pcol])
		if !spc.IsDate(period) {
			return nil, nil, badInput("line %d: period %q is not a date, YYYY-MM-DD", line, period)
		}
		text := strings.TrimSpace(rec[vcol])
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, badInput("line %d: value %q is not a number", line, text)
		}
		points = append(points, spc.Point{Period: period, Value: v})
		lines = append(lines, line)
	}
	if len(points) == 0 {
		return nil, nil, badInput("line 2: no rows after the header")
	}
	return points, lines, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return badInput("line %d: %v", pe.Line, pe.Err)
	}
	return fmt.Errorf("spc: reading CSV: %w", err)
}
