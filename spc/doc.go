// Package spc computes statistical process control (SPC) charts the way NHS
// England's "Making Data Count" (MDC) programme reads them. It is pure
// functions with no I/O and draws nothing, so that the pages, the JSON API and
// the `groundswell spc` command all show the same numbers.
//
// The method is fixed by the project's SPC.md and follows, where MDC's own
// tools disagree, MDC's Excel "Single Chart Tool"; the alternative is a
// setting. Sources (read for the method and to check numbers; the code here
// is our own):
//
//   - NHS England, "Making data count" (guidance, 2017 and later editions),
//     https://www.england.nhs.uk/publication/making-data-count/
//   - NHS England, Making Data Count Excel "Single Chart Tool" (the XmR chart
//     most NHS staff see).
//   - NHS England, "SPC Charts SQL Query" v2.6 (the MDC method in T-SQL, with
//     its settings for shift and trend length, the two-of-three rule and the
//     resolution of conflicting flags).
//   - NHS-R community, NHSRplotthedots (R),
//     https://github.com/nhs-r-community/NHSRplotthedots, in particular its
//     vignette "Deviations from Excel defaults" (moving-range screening).
//   - NHS-R community, nhspy-plotthedots (Python port),
//     https://github.com/nhs-pycom/nhspy-plotthedots
//   - Beyond MDC: D. B. Laney, "Improved control charts for attributes",
//     Quality Engineering 14(4), 2002 (the p′ chart); D. J. Spiegelhalter,
//     "Funnel plots for comparing institutional performance", Statistics in
//     Medicine 24, 2005; M. A. Mohammed and D. Laney, "Overdispersion in
//     health care performance data: Laney's approach", Qual Saf Health Care
//     15, 2006.
//
// # XmR chart
//
// [XmR] splits a series into sections (a new section starts at each
// recalculation period). For each section: the mean of its values, the moving
// ranges |xᵢ − xᵢ₋₁| between neighbours in the section (never across a section
// boundary), their mean mMR, the process limits mean ± 2.66·mMR and the
// two-sigma lines mean ± (2/3)·2.66·mMR. With a baseline of N points the first
// section's lines come from its first N points and are extended to the rest
// of it. Moving-range screening (off by default, as in the Excel tool; on in
// NHSRplotthedots) drops moving ranges above 3.267·mMR and recomputes mMR
// once.
//
// Each point is judged against its own section's lines by four rules, each
// flagging a point high or low:
//
//   - outside: above the upper or below the lower process limit (a point on
//     a limit is inside);
//   - shift: a run of ≥ 6 (6–8) points on one side of the mean flags every
//     point of the run; a point on the mean breaks it;
//   - trend: a run of ≥ 6 (6–8) points each strictly higher (lower) than the
//     one before flags every point of the run, the first included; equal
//     neighbours break it; it may cross the mean;
//   - two of three: in any 3 consecutive points on the same side of the mean,
//     those (≥ 2) beyond that side's two-sigma line are flagged; by default a
//     point beyond the process limit does not count.
//
// By MDC's default the shift, trend and two-of-three rules run across a
// recalculation ([Options.RulesWithinSections] stops them at one). With an
// improvement direction, high flags are improvement and low ones concern (or
// the reverse); a point flagged both ways shows improvement unless
// [Options.Conflict] says concern. The variation icon comes from the last
// point, the assurance icon from the latest section's limits against the
// target. Below 13 points ([Options.MinPoints]) the chart is a run chart:
// means only, no limits, no flags, no icons.
//
// # Numbers that are "on" a line
//
// A value is on the mean or a limit when it differs from it by no more than
// one part in 10¹² (relative): sums of decimal data carry rounding error, and a
// value of 8.44 must not sit "above" a mean computed as 8.440000000000001.
// Means are computed as x₀ + mean(xᵢ − x₀), so a constant section has exactly
// its value as mean and a zero moving range.
//
// # Constant series
//
// A section whose moving ranges are all zero has mMR = 0: its limits and
// two-sigma lines equal the mean, nothing divides by zero, a point equal to
// the mean is neither outside nor beyond a two-sigma line, and (only possible
// when a baseline fixed the lines) a later point different from the mean is
// outside.
//
// # Periods
//
// Periods are labels in time order; equal labels are refused. When every
// period is an ISO date (YYYY-MM-DD) they must be strictly increasing. When
// every period is the first of a month the series is taken to step by the
// shortest interval between neighbours (1 month: monthly; 3: quarterly; 12:
// yearly), and a longer interval is a gap: refused with an [*Error] naming
// the missing periods, or, with [Options.AllowGaps], skipped (neighbours
// across the gap are neighbours for moving ranges and runs) and listed in
// [Result.Gaps] and [Result.Warnings]. Other dated series (weekly, daily,
// month ends) are checked for order only.
//
// # Beyond MDC
//
// For measures with a numerator and a denominator, [PChart] draws the p-chart
// (limits p̄ ± 3·√(p̄(1−p̄)/nᵢ), varying with each point's denominator) and
// [LaneyPChart] the Laney p′ chart, which widens those limits by σz, the
// moving-range estimate of the spread of the points' z-scores (mean moving
// range ÷ 1.128): with NHS-sized denominators a plain p-chart's limits are
// far too tight. Both run the same rules. [FunnelPlot] compares areas at one
// period, with 2- and 3-sigma limits by denominator around the pooled
// proportion, with or without Laney's adjustment.
package spc
