package web_test

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// This file holds the plain-English checks' tools: visibleText, which reads
// the text a person sees (or hears from a screen reader) out of a rendered
// page, and readability, which scores it. Both are small and standard
// library only: the pages are html/template output, well formed, so a full
// HTML parser would be a dependency for nothing.

// textOptions says what of a page visibleText reads.
type textOptions struct {
	// root is the element whose text is read: "main" for the page's own
	// content, "body" for everything.
	root string
	// svg reads the text drawn in SVG graphics too (a chart's labels, its
	// title and description), each text element a unit of its own.
	svg bool
}

// visibleText returns the text of page's root element as units: each
// paragraph, list item, heading, table cell, label, legend, hint, option and
// so on is its own unit, so that a heading is never glued to the sentence
// after it. Left out: scripts and styles; SVG graphics (charts are read
// through their tables and captions); code and pre (examples, not prose);
// textareas and input values (what a person typed, or will); the content of
// elements hidden from everyone (the hidden attribute, display none).
// Visually hidden text is kept: a screen reader reads it aloud.
func visibleText(page string, opt textOptions) []string {
	var out []string
	for _, u := range visibleUnits(page, opt) {
		out = append(out, u.Text)
	}
	return out
}

// unit is one unit of a page's text, and whether it is a heading.
type unit struct {
	Text    string
	Heading bool
}

// visibleUnits is visibleText with each unit marked if it is a heading.
func visibleUnits(page string, opt textOptions) []unit {
	var (
		units   []unit
		cur     strings.Builder
		heading bool
		// open elements, and whether each is a block
		stack  []string
		block  []bool
		inRoot int  // depth of open root elements
		skipAt = -1 // stack depth of the element being skipped, or -1
	)
	flush := func() {
		if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
			units = append(units, unit{s, heading})
		}
		cur.Reset()
		heading = false
	}
	for i := 0; i < len(page); {
		if page[i] != '<' {
			j := strings.IndexByte(page[i:], '<')
			if j < 0 {
				j = len(page) - i
			}
			if inRoot > 0 && skipAt < 0 {
				cur.WriteString(html.UnescapeString(page[i : i+j]))
			}
			i += j
			continue
		}
		if strings.HasPrefix(page[i:], "<!--") {
			j := strings.Index(page[i:], "-->")
			if j < 0 {
				break
			}
			i += j + 3
			continue
		}
		t, n := readTag(page[i:])
		if n == 0 { // a lone "<" in text
			if inRoot > 0 && skipAt < 0 {
				cur.WriteByte('<')
			}
			i++
			continue
		}
		i += n
		switch {
		case strings.HasPrefix(t.name, "!"):
			continue // a doctype
		case t.end:
			// Close the nearest open element of that name, and any left
			// open inside it.
			d := len(stack) - 1
			for d >= 0 && stack[d] != t.name {
				d--
			}
			if d < 0 {
				continue
			}
			if block[d] {
				flush()
			}
			for _, name := range stack[d:] {
				if name == opt.root {
					inRoot--
				}
			}
			if skipAt >= d {
				skipAt = -1
			}
			stack, block = stack[:d], block[:d]
			continue
		}
		isBlock := blockElements[t.name] || t.block() || (opt.svg && svgText[t.name])
		if isBlock {
			flush()
		}
		if rawText[t.name] && !(opt.svg && t.name == "title" && slices.Contains(stack, "svg")) {
			// script, style, textarea, the page's title: skip to the end tag
			j := strings.Index(strings.ToLower(page[i:]), "</"+t.name)
			if j < 0 {
				break
			}
			i += j
			continue
		}
		if voidElements[t.name] || t.selfClosing {
			continue
		}
		if t.name == opt.root {
			inRoot++
		}
		if headings[t.name] && skipAt < 0 {
			heading = true
		}
		if skipAt < 0 && ((skipped[t.name] && !(opt.svg && t.name == "svg")) || t.hidden()) {
			skipAt = len(stack)
		}
		stack, block = append(stack, t.name), append(block, isBlock)
	}
	flush()
	return units
}

// tag is one start or end tag.
type tag struct {
	name        string
	end         bool
	selfClosing bool
	attrs       map[string]string
}

// hidden reports whether the element is hidden from everyone, screen
// readers too.
func (t tag) hidden() bool {
	if _, ok := t.attrs["hidden"]; ok {
		return true
	}
	for c := range strings.FieldsSeq(t.attrs["class"]) {
		if c == "nhsuk-u-display-none" {
			return true
		}
	}
	return strings.Contains(strings.ReplaceAll(t.attrs["style"], " ", ""), "display:none")
}

// block reports whether an inline element is shown as a block of its own
// by its class: the back link, a caption above a heading, a tag.
func (t tag) block() bool {
	for c := range strings.FieldsSeq(t.attrs["class"]) {
		if c == "nhsuk-back-link" || c == "nhsuk-tag" || strings.HasPrefix(c, "nhsuk-caption-") {
			return true
		}
	}
	return false
}

// readTag reads the tag at the start of s, returning it and its length, or
// a length of 0 when s does not start with a tag.
func readTag(s string) (tag, int) {
	var t tag
	i := 1
	if i < len(s) && s[i] == '/' {
		t.end = true
		i++
	}
	start := i
	for i < len(s) && !isSpace(s[i]) && s[i] != '>' && s[i] != '/' {
		i++
	}
	if i == start {
		return t, 0
	}
	t.name = strings.ToLower(s[start:i])
	t.attrs = map[string]string{}
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return t, 0
		}
		switch s[i] {
		case '>':
			return t, i + 1
		case '/':
			t.selfClosing = true
			i++
			continue
		}
		k := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		key := strings.ToLower(s[k:i])
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				j := strings.IndexByte(s[i+1:], q)
				if j < 0 {
					return t, 0
				}
				val = s[i+1 : i+1+j]
				i += j + 2
			} else {
				v := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				val = s[v:i]
			}
		}
		t.attrs[key] = html.UnescapeString(val)
	}
	return t, 0
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' }

var (
	// blockElements start and end a unit of text.
	blockElements = set("address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd", "details",
		"div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
		"header", "hr", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
		"summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul")
	headings     = set("h1", "h2", "h3", "h4", "h5", "h6")
	svgText      = set("text", "title", "desc")
	voidElements = set("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
	rawText      = set("script", "style", "textarea", "title")
	// skipped elements' text is not prose a person reads on the page.
	skipped = set("svg", "code", "pre", "template", "noscript")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// score is a text's Flesch reading ease and Flesch–Kincaid grade.
type score struct {
	Sentences, Words, Syllables int
}

// Ease is Flesch's reading ease: 206.835 − 1.015 (words per sentence) −
// 84.6 (syllables per word). 60–70 is plain English; higher is easier.
func (s score) Ease() float64 {
	if s.Words == 0 || s.Sentences == 0 {
		return math.NaN()
	}
	return 206.835 - 1.015*float64(s.Words)/float64(s.Sentences) - 84.6*float64(s.Syllables)/float64(s.Words)
}

// Grade is the Flesch–Kincaid grade level: 0.39 (words per sentence) +
// 11.8 (syllables per word) − 15.59, a US school grade.
func (s score) Grade() float64 {
	if s.Words == 0 || s.Sentences == 0 {
		return math.NaN()
	}
	return 0.39*float64(s.Words)/float64(s.Sentences) + 11.8*float64(s.Syllables)/float64(s.Words) - 15.59
}

// ReadingAge is the UK reading age: a US grade is read at about five years
// older (grade 1 at age 6).
func (s score) ReadingAge() float64 { return s.Grade() + 5 }

func (s score) add(o score) score {
	return score{s.Sentences + o.Sentences, s.Words + o.Words, s.Syllables + o.Syllables}
}

// sentence is one sentence and its score.
type sentence struct {
	Text string
	score
}

// sentences splits units of text into sentences, on ".", "!" and "?"
// followed by a space or the unit's end, and scores each. A unit with no
// word (a number, a symbol) is not a sentence.
func sentences(units []string) []sentence {
	var out []sentence
	for _, u := range units {
		start := 0
		for i := 0; i < len(u); i++ {
			if c := u[i]; c != '.' && c != '!' && c != '?' {
				continue
			}
			if i+1 < len(u) && u[i+1] != ' ' {
				continue // 1.5, example.org
			}
			out = appendSentence(out, u[start:i+1])
			start = i + 1
		}
		out = appendSentence(out, u[start:])
	}
	return out
}

func appendSentence(out []sentence, text string) []sentence {
	text = strings.TrimSpace(text)
	var s score
	for _, w := range words(text) {
		s.Words++
		s.Syllables += syllables(w)
	}
	if s.Words == 0 {
		return out
	}
	s.Sentences = 1
	return append(out, sentence{text, s})
}

// words are the runs of letters, digits and apostrophes that hold a
// letter: a hyphen separates words ("made-up" is two); a number is not a
// word (it is read at a glance, and has no syllables to count).
func words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// syllables estimates the syllables of an English word. The heuristic:
//
//  1. Words of three letters or fewer have one.
//  2. Count the groups of vowels (a, e, i, o, u, and y after a consonant).
//  3. A group "ia", "io" or "ua" is two syllables (me-di-a, pe-ri-od,
//     u-su-al), except "ia"/"io" after c, g, s or t (spe-cial, ac-tion,
//     re-gion, vi-sion) and "ua" after g or q (lan-guage, qua-li-ty).
//  4. A final "e" that is a group of its own is silent (care, made), unless
//     it ends "le" after a consonant (ta-ble, peo-ple); so are "es" and "ed"
//     at the end (makes, used) except "es" after c, g, s, x, z, ch, sh
//     (pla-ces, chan-ges) and "ed" after t or d (want-ed); and an "e" before
//     the endings -ly, -ful, -ment and -ness (safe-ly, care-ful).
//  5. Every word has at least one.
//
// It is right for most everyday words, which is what a page's score needs.
func syllables(word string) int {
	w := strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, word)
	if len(w) <= 3 {
		return 1
	}
	vowel := func(i int) bool {
		switch w[i] {
		case 'a', 'e', 'i', 'o', 'u':
			return true
		case 'y':
			return i > 0 && !strings.ContainsRune("aeiou", rune(w[i-1]))
		}
		return false
	}
	n := 0
	for i := 0; i < len(w); i++ {
		if !vowel(i) || (i > 0 && vowel(i-1)) {
			if i > 0 && vowel(i) && vowel(i-1) && hiatus(w, i) {
				n++
			}
			continue
		}
		n++
	}
	// lone reports whether w[i] is an "e" that is a vowel group of its own.
	lone := func(i int) bool {
		return i > 0 && i < len(w) && w[i] == 'e' && !vowel(i-1) && (i+1 == len(w) || !vowel(i+1))
	}
	for _, suffix := range []string{"ly", "ful", "ment", "ness"} {
		if base, ok := strings.CutSuffix(w, suffix); ok && len(base) > 2 && lone(len(base)-1) {
			w = base // safely → safe, then the final e below
			break
		}
	}
	last := len(w) - 1
	switch {
	case w[last] == 'e' && lone(last):
		if !(w[last-1] == 'l' && last >= 2 && !vowel(last-2)) {
			n--
		}
	case strings.HasSuffix(w, "es") && lone(last-1):
		if !strings.ContainsRune("cgsxz", rune(w[last-2])) && !strings.HasSuffix(w, "ches") && !strings.HasSuffix(w, "shes") {
			n--
		}
	case strings.HasSuffix(w, "ed") && lone(last-1):
		if w[last-2] != 't' && w[last-2] != 'd' {
			n--
		}
	}
	return max(n, 1)
}

// hiatus reports whether the vowels w[i-1] and w[i] are said apart.
func hiatus(w string, i int) bool {
	pair := w[i-1 : i+1]
	before := byte(0)
	if i >= 2 {
		before = w[i-2]
	}
	switch pair {
	case "ia", "io":
		return !strings.ContainsRune("cgst", rune(before))
	case "ua":
		return before != 'g' && before != 'q'
	}
	return false
}

// readability is a page's score and its sentences, hardest first.
type readability struct {
	score
	Sentences []sentence
}

func readabilityOf(units []string) readability {
	r := readability{Sentences: sentences(units)}
	for _, s := range r.Sentences {
		r.score = r.score.add(s.score)
	}
	// Hardest first. A label of a word or two scores as hard as its one
	// long word ("Organisations"), which says little and cannot be made
	// shorter, so sentences of fewer than five words come after the rest.
	slices.SortStableFunc(r.Sentences, func(a, b sentence) int {
		if la, lb := a.Words < 5, b.Words < 5; la != lb {
			if la {
				return 1
			}
			return -1
		}
		return -cmpFloat(a.Grade(), b.Grade())
	})
	return r
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hardest describes the n hardest sentences, for a failure message.
func (r readability) hardest(n int) string {
	var b strings.Builder
	for _, s := range r.Sentences[:min(n, len(r.Sentences))] {
		fmt.Fprintf(&b, "\n    reading age %4.1f (%d words, %d syllables): %q", s.ReadingAge(), s.Words, s.Syllables, s.Text)
	}
	return b.String()
}

// TestSyllables checks the heuristic against a dictionary's counts of
// everyday words and of words this app's pages use. It is a heuristic: a
// few misses are allowed, but not many.
func TestSyllables(t *testing.T) {
	dictionary := map[string]int{
		"the": 1, "cat": 1, "pledge": 1, "pledged": 1, "pledges": 2, "care": 1, "carer": 2, "carers": 2,
		"made": 1, "makes": 1, "used": 1, "wanted": 2, "needed": 2, "invited": 3, "committed": 3,
		"confirmed": 2, "changes": 2, "places": 2, "services": 3, "boxes": 2, "table": 2, "people": 2,
		"little": 2, "while": 1, "safely": 2, "careful": 2, "statement": 2, "completely": 3,
		"period": 3, "media": 3, "action": 2, "actions": 2, "region": 2, "special": 2, "social": 2,
		"usual": 3, "quality": 3, "language": 2, "Australian": 4, "reptilian": 4, "platypus": 3,
		"seemingly": 3, "hybrid": 2, "mammal": 2, "creature": 2, "organisation": 5, "email": 2,
		"address": 2, "group": 1, "goal": 1, "every": 3, "prescription": 3, "community": 4,
		"pharmacist": 3, "yes": 1, "you": 1, "your": 1, "year": 1, "happy": 2, "really": 2,
		"campaign": 2, "commitment": 3, "privacy": 3, "notice": 2, "health": 1, "dementia": 3,
		"area": 3, "don't": 1, "what": 1, "target": 2, "figures": 2, "chart": 1, "month": 1,
		"measure": 2, "explained": 2, "variation": 4, "limits": 2, "average": 3, "story": 2,
	}
	wrong := 0
	for word, want := range dictionary {
		if got := syllables(word); got != want {
			wrong++
			t.Logf("syllables(%q) = %d, the dictionary says %d", word, got, want)
		}
	}
	// Nine in ten right: the heuristic is not a dictionary, but a page's
	// score is an average over hundreds of words.
	if wrong*10 > len(dictionary) {
		t.Errorf("%d of %d words miscounted, want at most one in ten", wrong, len(dictionary))
	}
}

// TestReadabilityScores checks the formulas against textbook examples, with
// the syllables a dictionary gives.
func TestReadabilityScores(t *testing.T) {
	for _, tc := range []struct {
		text        string
		ease, grade float64
	}{
		// Flesch's "very easy" textbook sentence: 6 words, 6 syllables.
		{"The cat sat on the mat.", 116.1, -1.4},
		// The Wikipedia article's hard example, reading ease 24.4: 13 words,
		// 26 syllables.
		{"The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.", 24.4, 13.1},
		// Two sentences: averages per sentence, 8 words, 8 syllables.
		{"I like tea. You like it too? Yes!", 206.835 - 1.015*8/3 - 84.6, 0.39*8/3 + 11.8 - 15.59},
	} {
		r := readabilityOf([]string{tc.text})
		if math.Abs(r.Ease()-tc.ease) > 0.05 || math.Abs(r.Grade()-tc.grade) > 0.05 {
			t.Errorf("%q: ease %.2f, grade %.2f (%d sentences, %d words, %d syllables); want %.1f and %.1f",
				tc.text, r.Ease(), r.Grade(), r.score.Sentences, r.Words, r.Syllables, tc.ease, tc.grade)
		}
	}
	if got := readabilityOf([]string{"A £5 note.", "2027", "Done? Yes. 1.5 hours, at example.org."}).score.Sentences; got != 4 {
		t.Errorf("found %d sentences, want 4: a number alone is none; 1.5 and example.org do not end one", got)
	}
}

// TestVisibleText checks what visibleText reads and what it leaves out.
func TestVisibleText(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Not this</title><script>var x = "<p>no</p>";</script></head>
<body><a href="/2027-03-31">Skip</a><main id="maincontent">
<a class="nhsuk-back-link" href="/">Back</a><span class="nhsuk-caption-l">Caption</span><h1>Heading</h1>
<p>One <strong>bold</strong> word &amp; an <a href="/x">inline link</a>.<br>After a break.</p>
<ul><li>First</li><li>Second</li></ul>
<table><tr><th>Head</th><td>Cell</td></tr></table>
<label for="a">Label</label><div class="nhsuk-hint">Hint</div><input id="a" value="typed 2027-03-31">
<textarea>typed too</textarea>
<div class="nhsuk-u-display-none" aria-hidden="true"><label>Leave this empty</label><input></div>
<span class="nhsuk-u-visually-hidden">Read aloud</span>
<svg viewBox="0 0 1 1"><title>Chart</title><text>Tick</text></svg>
<pre><code>curl /api</code></pre><p hidden>Hidden</p>
<time datetime="2027-03-31">31 March 2027</time>
</main><footer>Footer</footer></body></html>`
	got := visibleText(page, textOptions{root: "main"})
	want := []string{"Back", "Caption", "Heading", "One bold word & an inline link.", "After a break.", "First", "Second",
		"Head", "Cell", "Label", "Hint", "Read aloud", "31 March 2027"}
	if !slices.Equal(got, want) {
		t.Errorf("visibleText:\n got %q\nwant %q", got, want)
	}
	var heads []string
	for _, u := range visibleUnits(page, textOptions{root: "main"}) {
		if u.Heading {
			heads = append(heads, u.Text)
		}
	}
	if !slices.Equal(heads, []string{"Heading"}) {
		t.Errorf("headings: %q, want the h1 alone", heads)
	}
	if got := visibleText(page, textOptions{root: "main", svg: true}); !slices.Contains(got, "Chart") || !slices.Contains(got, "Tick") {
		t.Errorf("visibleText with SVG: %q, want the chart's title and its tick", got)
	}
	if got := visibleText(page, textOptions{root: "body"}); got[0] != "Skip" || got[len(got)-1] != "Footer" {
		t.Errorf("visibleText of the body: %q, want from the skip link to the footer", got)
	}
}
