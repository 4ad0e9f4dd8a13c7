package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// The keyboard journeys: pledging, signing in by link, reporting a pledge
// done, and a lead adding an action, each done in Chromium with the keys
// alone (Tab, Enter, Space, the arrows and typing: no clicks, no values set
// by script, no focus moved by script). At every stop of Tab the focus must
// be visible, and a form sent back with a problem must put focus on its
// error summary, whose links lead to the fields (the NHS.UK pattern).

// TestKeyboardPledge makes a pledge with the keyboard: the form sent empty
// comes back with focus on the error summary; its first link leads to the
// name field; the form is then filled in by typing, the arrows, typeahead
// and Space, and sent. The honeypot field is never reached.
func TestKeyboardPledge(t *testing.T) {
	chromiumPath(t)
	t.Parallel()
	ctx := t.Context()
	st := openStore(t)
	// The small fixture, not the demo: the demo takes a minute to load
	// under the race detector, and the form is the same.
	f := storetest.Seed(t, st)
	action := f.Actions[0]
	base := startApp(t, st, false)
	londonID := areaID(t, st, "London")

	k := newKeyboardUser(t, newBrowser(t, 40*time.Second))
	pledgeURL := fmt.Sprintf("%s/campaigns/%s/actions/%d/pledge", base, f.Campaign.Slug, action.ID)
	k.open(t, pledgeURL, 200)

	// Sent empty: the page says what is missing, and focus is on that.
	k.tabTo(`main button[type="submit"]`, "the Make my pledge button")
	k.pressToLoad(kb.Enter, "send the empty pledge form", 422)
	k.waitForFocus(".nhsuk-error-summary", "the error summary, after the form came back with its problems")
	if got := k.text(t, ".nhsuk-error-summary__list li:first-child a"); got != "Enter your name" {
		t.Errorf("the error summary's first link says %q, want %q: the name comes first on the form", got, "Enter your name")
	}
	k.tabOnceTo(`.nhsuk-error-summary__list li:first-child a[href="#name"]`, "the error summary's first link")
	k.press(kb.Enter, "follow the error summary's link to the name")
	k.expectFocus("#name", "the name field, which the error summary's first link names")

	p := pledger{
		name: "Kit Keyboard", email: "kit.keyboard@example.org", profession: "Ward sister",
		area: "London", why: "I can do all of this without a mouse.", showOnWall: true,
	}
	k.typeText(p.name)
	k.tabTo("#email", "the email field")
	k.typeText(p.email)
	k.tabTo("#profession", "the role field")
	k.typeText(p.profession)
	// The first organisation listed (the fixture's one), as a person moving
	// down the list would.
	k.tabTo("#organisation_id", "the organisation list")
	k.press(kb.ArrowDown, "choose the first organisation")
	if got := k.eval(`document.activeElement.selectedOptions[0].text`); got != f.Org.Name {
		t.Errorf("ArrowDown on the organisation list chose %q, want %q", got, f.Org.Name)
	}
	// Typing an option's name chooses it (the list's typeahead).
	k.tabTo("#area_id", "the area list")
	k.typeText(p.area)
	if got := k.eval(`document.activeElement.selectedOptions[0].text`); got != p.area {
		t.Errorf("typing %q in the area list chose %q", p.area, got)
	}
	// The radios are one stop of Tab, on the one chosen; the arrows move
	// the choice.
	k.tabTo(`input[name="on_behalf"]`, "who the pledge is for")
	k.expectFocus(`input[name="on_behalf"][value="self"]:checked`, `"Me", chosen already`)
	k.press(kb.ArrowDown, "choose the next answer")
	k.expectFocus(`input[name="on_behalf"][value="team"]:checked`, `"My team", chosen with ArrowDown`)
	k.tabTo("#why", "why it matters")
	k.typeText(p.why)
	k.tabTo("#hours", "the hours")
	k.typeText("1.5")
	k.tabTo("#show_on_wall", "the pledge wall box")
	k.press(" ", "tick the pledge wall box")
	k.tabTo("#contact_ok", "the contact box")
	k.press(" ", "tick the contact box")
	if !k.checked(t, "show_on_wall") || !k.checked(t, "contact_ok") {
		t.Errorf("after Space on each, show_on_wall ticked = %v and contact_ok ticked = %v, want both", k.checked(t, "show_on_wall"), k.checked(t, "contact_ok"))
	}
	k.tabTo(`main button[type="submit"]`, "the Make my pledge button")
	k.pressToLoad(kb.Enter, "send the pledge", 200)
	if h1 := k.text(t, "h1"); h1 != "Thank you for your pledge" {
		t.Fatalf("after sending the pledge the page is headed %q, want %q%s", h1, "Thank you for your pledge", k.where())
	}
	if main := k.text(t, "main"); !strings.Contains(main, "You pledged to "+action.Title) || !strings.Contains(main, p.name) {
		t.Errorf("the confirmation page does not say %s pledged to %q:\n%s", p.name, action.Title, main)
	}

	if k.reached("website") {
		t.Errorf("Tab reached the honeypot field #website, which people must leave empty; the stops were:\n%s", k.trail())
	}

	// The store holds what was typed and chosen.
	receipt := strings.TrimPrefix(k.location(t), base+"/pledges/")
	rc, err := st.Receipt(ctx, receipt)
	if err != nil {
		t.Fatalf("find the pledge of receipt %s: %v", receipt, err)
	}
	person, c := rc.Person, rc.Commitment
	if person.Name != p.name || person.Email != p.email || person.Profession != p.profession || person.AreaID != londonID ||
		person.OrganisationID != f.Org.ID || !person.ShowOnWall || !person.ContactOK {
		t.Errorf("stored person = %+v, want %s <%s>, %s, area %d (%s), organisation %d (%s), on the wall and open to contact",
			person, p.name, p.email, p.profession, londonID, p.area, f.Org.ID, f.Org.Name)
	}
	if c.ActionID != action.ID || c.OnBehalf != gs.OnBehalfTeam || c.Hours != 1.5 || c.WhyItMatters != p.why {
		t.Errorf("stored commitment: action %d, on behalf of %q, %v hours, why %q; want action %d, %q, 1.5, %q",
			c.ActionID, c.OnBehalf, c.Hours, c.WhyItMatters, action.ID, gs.OnBehalfTeam, p.why)
	}
	k.checkConsole("the server responded with a status of 422")
}

// TestKeyboardSignInByLink asks for a sign-in link with the keyboard (once
// without an address, which puts focus on the error summary), follows the
// emailed link, presses its button with Space, and ends signed in, with the
// header's Sign out button showing its focus.
func TestKeyboardSignInByLink(t *testing.T) {
	chromiumPath(t)
	t.Parallel()
	ctx := t.Context()
	st := openStore(t)
	f := storetest.Seed(t, st)
	const email = "sam.signin@example.org"
	pledged, err := st.Pledge(ctx, f.Pledge(email))
	if err != nil {
		t.Fatalf("pledge as %s: %v", email, err)
	}
	storetest.Confirm(t, st, pledged.Commitment.ID)
	base := startApp(t, st, true)

	k := newKeyboardUser(t, newBrowser(t, 40*time.Second))
	k.open(t, base+"/signin/email", 200)
	k.tabTo(`main button[type="submit"]`, "the Email me a sign-in link button")
	k.pressToLoad(kb.Enter, "ask for a link without an address", 422)
	k.waitForFocus(".nhsuk-error-summary", "the error summary, after the form came back without an address")
	k.tabOnceTo(`.nhsuk-error-summary__list li:first-child a[href="#email"]`, "the error summary's link to the email field")
	k.press(kb.Enter, "follow the error summary's link to the email field")
	k.expectFocus("#email", "the email field, which the error summary's link names")
	k.typeText(email)
	// Enter in a field sends its form, as it does in any form.
	k.pressToLoad(kb.Enter, "ask for a sign-in link", 200)
	if h1 := k.text(t, "h1"); h1 != "Check your email" {
		t.Fatalf("after asking for a link the page is headed %q, want %q%s", h1, "Check your email", k.where())
	}
	if k.reached("website") {
		t.Errorf("Tab reached the honeypot field #website; the stops were:\n%s", k.trail())
	}

	_, link := waitForEmail(t, st, email, "Your sign-in link for Groundswell")
	if !strings.HasPrefix(link, base+"/signin/link/") {
		t.Fatalf("the sign-in email's link is %q, want %s/signin/link/<token>", link, base)
	}
	k.open(t, link, 200)
	k.tabTo(`main button[type="submit"]`, "the Sign in to Groundswell button")
	k.pressToLoad(" ", "press Sign in to Groundswell with Space", 200)
	if got := k.location(t); got != base+"/me" {
		t.Fatalf("after signing in the person is at %s, want %s/me%s", got, base, k.where())
	}
	if h1 := k.text(t, "h1"); h1 != "Your pledges" {
		t.Errorf("after signing in the page is headed %q, want %q", h1, "Your pledges")
	}
	// Signed in: the header offers to sign out, and shows its focus there.
	k.tabTo(".gs-nav__button", "the header's Sign out button")
	if got := k.eval(`document.activeElement.textContent.trim()`); got != "Sign out" {
		t.Errorf("the header's button says %q, want Sign out", got)
	}
	k.checkConsole("the server responded with a status of 422")
}

// TestKeyboardReportDone reports a pledge done with the keyboard, twice: from
// the emailed "done" link, choosing the answer with the arrow keys; and
// signed in, from "Tell us how it is going", where the form sent with
// nothing chosen puts focus on the error summary, whose link leads to the
// first answer. (A report link's page always has its own answer chosen, and
// the arrows cannot clear a radio, so "nothing chosen" exists only on the
// signed-in form.)
func TestKeyboardReportDone(t *testing.T) {
	chromiumPath(t)
	t.Parallel()
	ctx := t.Context()
	st := openStore(t)
	f := storetest.Seed(t, st)
	const email = "rae.report@example.org"
	var commitments []gs.Commitment
	for _, a := range f.Actions {
		in := f.Pledge(email)
		in.ActionID = a.ID
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatalf("pledge to %q: %v", a.Title, err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)
		commitments = append(commitments, res.Commitment)
	}
	fromLink, signedIn := commitments[0], commitments[1]
	tokens, err := st.IssueLinks(ctx, fromLink.ID, email, gs.ReportLinksWithin, gs.TokenReportDone)
	if err != nil {
		t.Fatalf("issue the report link: %v", err)
	}
	base := startApp(t, st, false)
	k := newKeyboardUser(t, newBrowser(t, 40*time.Second))

	// The emailed link: its answer, done, is chosen already; the arrows
	// move through the others and back.
	k.open(t, base+"/report/"+tokens[0], 200)
	k.tabTo(`input[name="outcome"]`, "the answers")
	k.expectFocus(`input[name="outcome"][value="done"]:checked`, `"Yes, I have done it", the link's own answer, chosen`)
	k.press(kb.ArrowDown, "move to the next answer")
	k.expectFocus(`input[name="outcome"][value="partly"]:checked`, `"I have done part of it", chosen with ArrowDown`)
	k.press(kb.ArrowUp, "move back")
	k.expectFocus(`input[name="outcome"][value="done"]:checked`, `"Yes, I have done it", chosen again with ArrowUp`)
	k.tabTo(`main button[type="submit"]`, "the Send my answer button")
	k.pressToLoad(kb.Enter, "send the answer", 200)
	if got, want := k.location(t), base+"/report/"+tokens[0]+"/thanks"; got != want {
		t.Errorf("after sending the answer the page is %s, want %s", got, want)
	}
	if h1 := k.text(t, "h1"); h1 != "Thank you: your pledge is done" {
		t.Errorf("the thank-you page is headed %q, want %q%s", h1, "Thank you: your pledge is done", k.where())
	}
	checkStatus(t, st, fromLink.ID, gs.StatusDone)

	// Signed in, from the pledge's card on "Your pledges". The session is
	// setup: signing in is TestKeyboardSignInByLink's journey.
	setSession(t, k.browser, st, base, email)
	k.open(t, base+"/me", 200)
	tellUs := fmt.Sprintf(`a[href="/me/commitments/%d"]`, signedIn.ID)
	k.tabTo(tellUs, "Tell us how it is going, for "+f.Actions[1].Title)
	// A link that looks like a button takes Space, as a button does.
	k.pressToLoad(" ", "open Tell us how it is going with Space", 200)
	k.tabTo(`main button[type="submit"]`, "the Save button")
	k.pressToLoad(kb.Enter, "save with nothing chosen", 422)
	k.waitForFocus(".nhsuk-error-summary", "the error summary, after saving with nothing chosen")
	k.tabOnceTo(`.nhsuk-error-summary__list li:first-child a[href="#outcome"]`, "the error summary's link to the answers")
	k.press(kb.Enter, "follow the error summary's link to the answers")
	k.expectFocus(`#outcome[value="done"]:not(:checked)`, `the first answer, "Yes, I have done it", not chosen yet`)
	k.press(" ", "choose it with Space")
	k.expectFocus(`#outcome[value="done"]:checked`, `"Yes, I have done it", chosen with Space`)
	k.tabTo(`main button[type="submit"]`, "the Save button")
	k.pressToLoad(kb.Enter, "save the answer", 200)
	if got, want := k.location(t), fmt.Sprintf("%s/me/commitments/%d/story?reported=done", base, signedIn.ID); got != want {
		t.Errorf("after saving the answer the page is %s, want the story page %s%s", got, want, k.where())
	}
	checkStatus(t, st, signedIn.ID, gs.StatusDone)
	k.checkConsole("the server responded with a status of 422")
}

// TestKeyboardLeadAddsAction: a group lead, from their group's page, adds an
// action with the keyboard. Sent without its title, the form puts focus on
// the error summary, whose link leads to the title; once typed, the action
// is saved and the public group page shows it.
func TestKeyboardLeadAddsAction(t *testing.T) {
	chromiumPath(t)
	t.Parallel()
	ctx := t.Context()
	st := openStore(t)
	f := storetest.Seed(t, st)
	const (
		leadEmail    = "lou.lead@example.org"
		actionTitle  = "Run a keyboard-only pledge stall"
		dueOn        = "2027-02-28"
		dueOnWritten = "28 February 2027"
		target       = "40"
	)
	if _, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: leadEmail, Name: "Lou Lead"}); err != nil {
		t.Fatalf("appoint the lead: %v", err)
	}
	base := startApp(t, st, false)
	k := newKeyboardUser(t, newBrowser(t, 40*time.Second))
	setSession(t, k.browser, st, base, leadEmail)

	gid := strconv.FormatInt(f.Group.ID, 10)
	k.open(t, base+"/lead/groups/"+gid, 200)
	k.tabTo(`a[href="/admin/groups/`+gid+`/actions/new"]`, "the Add an action button")
	k.pressToLoad(kb.Enter, "open Add an action", 200)
	if h1, want := k.text(t, "h1"), "New action for "+f.Group.Name; h1 != want {
		t.Errorf("the action form is headed %q, want %q", h1, want)
	}

	// Everything but the title.
	k.tabTo("#due_on", "the by-when field")
	k.typeDate(dueOn)
	k.tabTo("#target", "the target field")
	k.typeText(target)
	k.tabTo(`main button[type="submit"]`, "the Save action button")
	k.pressToLoad(kb.Enter, "save the action without a title", 422)
	k.waitForFocus(".nhsuk-error-summary", "the error summary, after saving without a title")
	if n := k.eval(`String(document.querySelectorAll(".nhsuk-error-summary__list a").length)`); n != "1" {
		t.Errorf("the error summary has %s links, want 1: only the title is missing%s", n, k.where())
	}
	k.tabOnceTo(`.nhsuk-error-summary__list li:first-child a[href="#title"]`, "the error summary's link to the title")
	k.press(kb.Enter, "follow the error summary's link to the title")
	k.expectFocus("#title", "the title field, which the error summary's link names")
	k.typeText(actionTitle)
	k.pressToLoad(kb.Enter, "save the action", 200)
	if got, want := k.location(t), base+"/lead/groups/"+gid; got != want {
		t.Fatalf("after saving the action the lead is at %s, want %s%s", got, want, k.where())
	}

	// The public page shows it.
	k.tabTo(`a[href="/campaigns/`+f.Campaign.Slug+`/groups/`+f.Group.Slug+`"]`, "the View the public page button")
	k.pressToLoad(kb.Enter, "open the public page", 200)
	row := k.textOf(t, actionRow(actionTitle))
	if !strings.Contains(row, dueOnWritten) || !strings.Contains(row, "Pledge") {
		t.Errorf("the public page's row for %q = %q, want the date %s and a Pledge link", actionTitle, row, dueOnWritten)
	}
	actions, err := st.Actions(ctx, f.Group.ID, false)
	if err != nil {
		t.Fatalf("read the group's actions: %v", err)
	}
	var saved *gs.ActionSummary
	for i := range actions {
		if actions[i].Title == actionTitle {
			saved = &actions[i]
		}
	}
	if saved == nil || saved.DueOn.String() != dueOn || strconv.Itoa(saved.Target) != target {
		t.Errorf("stored action %q = %+v, want due %s with a target of %s", actionTitle, saved, dueOn, target)
	}
	k.checkConsole("the server responded with a status of 422")
}

// openStore opens a store in a fresh SQLite file, closed when the test ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

// areaID is the id of the area named name.
func areaID(t *testing.T, st *store.Store, name string) int64 {
	t.Helper()
	areas, err := st.Areas(t.Context())
	if err != nil {
		t.Fatalf("list areas: %v", err)
	}
	for _, a := range areas {
		if a.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no area named %q", name)
	return 0
}

// setSession signs the browser in as the user with email, by a session
// cookie: setup for a journey that starts signed in.
func setSession(t *testing.T, b *browser, st *store.Store, base, email string) {
	t.Helper()
	u, err := st.SignInUser(t.Context(), email)
	if err != nil {
		t.Fatalf("find the user %s: %v", email, err)
	}
	token, err := st.CreateSession(t.Context(), u.ID, time.Hour)
	if err != nil {
		t.Fatalf("start a session for %s: %v", email, err)
	}
	if _, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{Name: "groundswell_session", Value: token, URL: base}); err != nil {
		t.Fatalf("set the session cookie: %v", err)
	}
}

// checkStatus checks the stored status of a commitment.
func checkStatus(t *testing.T, st *store.Store, commitmentID int64, want string) {
	t.Helper()
	s, err := st.FollowupState(t.Context(), commitmentID)
	if err != nil {
		t.Fatalf("read commitment %d: %v", commitmentID, err)
	}
	if s.Commitment.Status != want {
		t.Errorf("commitment %d is %q (outcome %q), want %q", commitmentID, s.Commitment.Status, s.Outcome, want)
	}
}

// maxTabs bounds the presses of Tab to reach an element: more than any page
// here has stops, so a miss fails rather than cycles.
const maxTabs = 80

// keyboardUser drives a browser with the keyboard alone, and checks that
// focus is visible wherever it lands.
type keyboardUser struct {
	*browser
	t *testing.T
	// stops is every element focus landed on, in order, for the messages.
	stops []focusStop
	// faulted holds the elements whose focus was found invisible, so that
	// each is reported once however often Tab passes it.
	faulted map[string]bool
}

// newKeyboardUser drives b. The page is told it has the focus of a window
// that a person is using: headless Chromium's page otherwise has none until
// a key is pressed, so the focus a page gives itself on load (the error
// summary's) would not match :focus, and would show no indicator.
func newKeyboardUser(t *testing.T, b *browser) *keyboardUser {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("emulate a focused page: %v", err)
	}
	return &keyboardUser{browser: b, t: t, faulted: map[string]bool{}}
}

// focusStop is what the page shows where keyboard focus is.
type focusStop struct {
	// Element describes the focused element for messages, like
	// `input#name "Your name"`.
	Element string `json:"element"`
	ID      string `json:"id"`
	// Matches is whether the element matches the selector asked about.
	Matches bool `json:"matches"`
	// OffPage is set when focus is on no element of the page: Tab went on
	// from the last one to the browser's own controls.
	OffPage bool `json:"offPage"`
	// Indicator is where the focus shows, like "outline" or
	// "label::before box-shadow".
	Indicator string `json:"indicator"`
	// Problem says why focus is not visible there; "" when it is.
	Problem string `json:"problem"`
}

// focusJS reads the focus of the page. With mode "snapshot" it notes, once a
// page, which elements show the focus yellow while unfocused; with "probe"
// it describes the focused element (a focusStop) against selector sel.
//
// Visible focus is the NHS.UK pattern: the focus yellow #ffeb3b as an
// outline, background or box-shadow, and not already there unfocused. A
// radio or checkbox is styled away (opacity 0), so its label's ::before
// shows its focus.
const focusJS = `(mode, sel) => {
	const yellow = "rgb(255, 235, 59)";
	const indicator = (el) => {
		const parts = [[el, null, ""]];
		if (getComputedStyle(el).opacity === "0" && el.labels) {
			for (const l of el.labels) parts.push([l, "::before", "label::before "], [l, "::after", "label::after "]);
		}
		for (const [e, pseudo, where] of parts) {
			const cs = getComputedStyle(e, pseudo);
			if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0 && cs.outlineColor === yellow) return where + "outline";
			if (cs.backgroundColor === yellow) return where + "background";
			if (cs.boxShadow.includes(yellow)) return where + "box-shadow";
		}
		return "";
	};
	if (mode === "snapshot") {
		if (!window.__unfocusedIndicators) {
			const m = new Map();
			for (const el of document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")) {
				if (el !== document.activeElement) m.set(el, indicator(el));
			}
			window.__unfocusedIndicators = m;
		}
		return {};
	}
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) {
		return {element: "nothing on the page (the browser's own controls)", offPage: true};
	}
	const words = (s) => (s || "").replace(/\s+/g, " ").trim().slice(0, 60);
	const name = words(el.getAttribute("aria-label") || (el.labels && el.labels[0] && el.labels[0].innerText) || el.innerText || el.name);
	const cls = el.classList.length ? "." + el.classList[0] : "";
	// Focus on a part the browser draws inside an element (a date field's
	// calendar button) leaves the element itself the active one.
	const inside = el.matches(":focus") ? "" : " (focus on a part of it the browser draws)";
	const stop = {element: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + (name ? ' "' + name + '"' : "") + inside, id: el.id, matches: el.matches(sel)};
	stop.indicator = indicator(el);
	const before = window.__unfocusedIndicators && window.__unfocusedIndicators.get(el);
	const shown = getComputedStyle(el).opacity === "0" && el.labels && el.labels[0] ? el.labels[0] : el;
	const r = shown.getBoundingClientRect();
	if (el.closest("[aria-hidden=true]")) {
		stop.problem = "it is inside aria-hidden content, which a screen reader does not announce";
	} else if (!stop.indicator) {
		stop.problem = "it shows no focus indicator (no focus yellow #ffeb3b outline, background or box-shadow)";
	} else if (before === stop.indicator) {
		stop.problem = "its yellow " + before + " shows unfocused too, so it does not mark the focus";
	} else if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) {
		stop.problem = "it is not on the screen (" + Math.round(r.left) + "," + Math.round(r.top) + " " + Math.round(r.width) + "×" + Math.round(r.height) + ")";
	}
	return stop;
}`

// focusAt runs focusJS in mode against sel.
func (k *keyboardUser) focusAt(mode, sel string) focusStop {
	k.t.Helper()
	js := fmt.Sprintf(`(%s)(%s, %s)`, focusJS, jsString(mode), jsString(sel))
	stop, err := chromedp.Run(k.ctx, chromedp.Evaluate[focusStop](js))
	if err != nil {
		k.t.Fatalf("read the focus (%s %s): %v%s", mode, sel, err, k.where())
	}
	return stop
}

// checkVisible reports, once an element, a stop whose focus is not visible.
func (k *keyboardUser) checkVisible(stop focusStop) {
	k.t.Helper()
	if stop.OffPage || stop.Problem == "" || k.faulted[stop.Element] {
		return
	}
	k.faulted[stop.Element] = true
	k.t.Errorf("focus on %s is not visible: %s (at %s)", stop.Element, stop.Problem, k.location(k.t))
}

// tabTo presses Tab until focus is on an element that the CSS selector sel
// matches (what names it for messages), checking at every stop that the
// focus is visible. It returns the stops on the way, the last one sel's.
func (k *keyboardUser) tabTo(sel, what string) []focusStop {
	k.t.Helper()
	k.focusAt("snapshot", sel)
	var way []focusStop
	for range maxTabs {
		k.do(k.t, "press Tab", pressKeys(kb.Tab))
		stop := k.focusAt("probe", sel)
		k.stops = append(k.stops, stop)
		way = append(way, stop)
		k.checkVisible(stop)
		if stop.Matches {
			return way
		}
	}
	k.t.Fatalf("%d presses of Tab did not reach %s (%s); focus went to:\n%s%s", maxTabs, what, sel, describe(way), k.where())
	return nil
}

// tabOnceTo checks that one press of Tab takes focus to sel.
func (k *keyboardUser) tabOnceTo(sel, what string) {
	k.t.Helper()
	if way := k.tabTo(sel, what); len(way) != 1 {
		k.t.Errorf("Tab took focus through %d stops to %s, want straight there:\n%s", len(way)-1, what, describe(way))
	}
}

// expectFocus checks that focus is, visibly, on an element that sel matches.
func (k *keyboardUser) expectFocus(sel, what string) {
	k.t.Helper()
	stop := k.focusAt("probe", sel)
	k.stops = append(k.stops, stop)
	if !stop.Matches {
		k.t.Fatalf("focus is on %s, want it on %s (%s)%s", stop.Element, what, sel, k.where())
	}
	k.checkVisible(stop)
}

// waitForFocus waits a little for focus to move to sel, as the error summary
// takes it once the page's script has run, then checks it as expectFocus.
func (k *keyboardUser) waitForFocus(sel, what string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(k.ctx, 3*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement.matches(`+jsString(sel)+`)`, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		stop := k.focusAt("probe", sel)
		k.t.Fatalf("focus did not move to %s (%s) within 3 s: it is on %s%s", what, sel, stop.Element, k.where())
	}
	k.expectFocus(sel, what)
}

// press presses keys where focus is, on the same page.
func (k *keyboardUser) press(keys, what string) {
	k.t.Helper()
	k.do(k.t, what, pressKeys(keys))
}

// typeText types text where focus is.
func (k *keyboardUser) typeText(text string) {
	k.t.Helper()
	k.do(k.t, "type "+text, pressKeys(text))
}

// pressKeys presses each key of keys (a rune of package kb for a key that
// types nothing) as a keyboard does: a key down carrying the key's text,
// then a key up. The browser then sends the page a keypress only when the
// keydown's default action did not run, as with a real keyboard.
// chromedp.KeyEvent sends the text as an event of its own, which the page
// gets regardless: Enter on an error summary's link then moves focus to the
// field and, as a keypress in it, sends the form.
func pressKeys(keys string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, r := range keys {
			var down, up input.DispatchKeyEventParams
			for _, e := range kb.Encode(r) {
				switch e.Type {
				case kb.KeyDown:
					down = *e
				case kb.KeyChar:
					down.Text, down.UnmodifiedText = e.Text, e.UnmodifiedText
				case kb.KeyUp:
					up = *e
				}
			}
			if down.Text == "" {
				down.Type = kb.KeyRawDown
			}
			for _, e := range []input.DispatchKeyEventParams{down, up} {
				if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, e); err != nil {
					return fmt.Errorf("press %q: %w", r, err)
				}
			}
		}
		return nil
	})
}

// typeDate types an ISO date (2027-02-28) into the focused date field in the
// order the field shows its parts, which follows the browser's language
// (month first in en-US, day first in en-GB), as a person using it would.
func (k *keyboardUser) typeDate(iso string) {
	k.t.Helper()
	d, err := gs.ParseDate(iso)
	if err != nil {
		k.t.Fatalf("date %q: %v", iso, err)
	}
	order := k.eval(`new Intl.DateTimeFormat(navigator.language, {year: "numeric", month: "2-digit", day: "2-digit"})
		.formatToParts(new Date(2027, 1, 28)).filter(p => p.type !== "literal").map(p => p.type).join(" ")`)
	parts := map[string]string{"year": fmt.Sprintf("%04d", d.Year), "month": fmt.Sprintf("%02d", d.Month), "day": fmt.Sprintf("%02d", d.Day)}
	var typed string
	for _, p := range strings.Fields(order) {
		typed += parts[p]
	}
	k.typeText(typed)
	if got := k.eval(`document.activeElement.value`); got != iso {
		k.t.Fatalf("typing %s (%s) into the date field gave %q, want %s", typed, order, got, iso)
	}
}

// pressToLoad presses keys that load a page (Enter on a link or a button,
// Space on a button) and waits for it; it must answer with status want.
func (k *keyboardUser) pressToLoad(keys, what string, want int64) {
	k.t.Helper()
	k.load(k.t, what, want, pressKeys(keys))
}

// eval evaluates a JavaScript expression that returns a string, to read
// the page.
func (k *keyboardUser) eval(js string) string {
	k.t.Helper()
	return k.value(k.t, "evaluate "+js, chromedp.Evaluate[string](js))
}

// reached reports whether focus ever landed on the element with id.
func (k *keyboardUser) reached(id string) bool {
	for _, s := range k.stops {
		if s.ID == id {
			return true
		}
	}
	return false
}

// trail lists every stop of focus so far.
func (k *keyboardUser) trail() string { return describe(k.stops) }

// checkConsole checks the browser console reported no problems but the
// expected ones.
func (k *keyboardUser) checkConsole(expected ...string) {
	k.t.Helper()
	if p := k.problems(expected...); len(p) > 0 {
		k.t.Errorf("the browser console reported problems:\n  %s", strings.Join(p, "\n  "))
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always encodes
	}
	return string(b)
}

// describe lists stops, one a line.
func describe(stops []focusStop) string {
	var b strings.Builder
	for i, s := range stops {
		fmt.Fprintf(&b, "  %2d. %s", i+1, s.Element)
		if s.Indicator != "" {
			fmt.Fprintf(&b, " [focus shown by %s]", s.Indicator)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
