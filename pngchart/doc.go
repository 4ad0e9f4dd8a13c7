// Package pngchart draws Groundswell's charts as PNG images, for people who
// need a picture to paste into a board paper or a slide.
//
// The web pages draw the same charts as hand-written, accessible SVG; this
// package is only the download. It is pure rendering: each Write* function
// takes a plain struct, checks it, draws it with gonum.org/v1/plot and its
// raster backend (vg/vgimg), and writes the PNG. It does no HTTP and reads no
// database, so a handler can call it with whatever it has already computed
// (for SPC charts, the output of package spc).
//
// # What the images look like
//
//   - SPC charts follow NHS England's "Making Data Count" (MDC): a grey data
//     line, a black mean, dashed grey process limits and dotted two-sigma
//     lines drawn per recalculation section, and points coloured by what
//     they show: blue for improvement, orange for concern, purple for special
//     cause with no direction, grey for common cause. Colour is never the only
//     signal: improvement points are triangles pointing up, concern points
//     triangles pointing down, "neither" points diamonds and common-cause
//     points circles, as on the web pages' charts.
//   - Every chart has its title at the top, an optional caption (the data
//     source, "association, not proof of cause") under it, and a legend in a
//     column on the right, outside the data, so that nothing covers a point.
//   - Time axes are labelled at real calendar boundaries ("Jan 2026",
//     quarters, years) rather than at gonum's default round numbers of
//     seconds.
//   - Text is Liberation Sans, embedded in gonum/plot, so the output is the
//     same on every machine whatever fonts it has.
//
// # Size
//
// Images are [DefaultWidth]×[DefaultHeight] pixels unless a [Size] says
// otherwise, and never larger than [MaxSide] on either side: a download
// endpoint passes a size from its URL, and a URL must not be able to make the
// server allocate a 100000×100000 image. Text and lines scale with the image,
// so a 2400×1200 download looks like the 1200×600 one, only sharper.
//
// # Errors
//
// Every problem with the input (no points, NaN or infinite values, limits in
// the wrong order, points out of time order, a bad size) is reported as an
// error that wraps [ErrInvalid] and says which point or field is wrong, so a
// handler can answer 400 rather than 500. Nothing is written to the writer
// unless the whole image was drawn.
package pngchart
