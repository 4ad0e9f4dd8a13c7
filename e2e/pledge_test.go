package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/groundswell-health/groundswell/store/storetest"
	_ "modernc.org/sqlite" // database/sql driver "sqlite", for the checks

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/web"
)

// rightCare is the demo's live call to action (demo.CampaignSlug is the
// closed one before it).
const rightCare = "the-right-care"

// pledger is one person filling in the pledge form.
type pledger struct {
	name, email, profession, area, why string
	showOnWall                         bool
}

// TestPledgeThroughInviteLink drives the public pledge journey in a browser:
// from the home page to a pledge (through one failed submission that must
// keep what was typed), then a second person pledging through the first
// one's invite link. It checks the pledge wall honours each person's consent,
// and that the database holds both pledges and the relationship between them.
func TestPledgeThroughInviteLink(t *testing.T) {
	chromiumPath(t) // skip (or, under CI, fail) before any setup

	ctx := t.Context()
	dbPath := storetest.DemoFile(t)
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	campaign, err := st.CampaignBySlug(ctx, rightCare)
	if err != nil {
		t.Fatalf("find %s: %v", rightCare, err)
	}
	app, err := web.New(web.Options{
		Store:        st,
		PasswordCost: 4,
		Logger:       slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(app)
	t.Cleanup(ts.Close)

	b := newBrowser(t, 90*time.Second)

	first := pledger{
		name: "Ada Firstpledger", email: "Ada.Firstpledger@Example.org", profession: "Staff nurse",
		area: "London", why: "Half the patients on my ward have dementia.", showOnWall: false,
	}
	second := pledger{
		name: "Ben Secondpledger", email: "ben.secondpledger@example.org", profession: "Healthcare assistant",
		area: "North West", why: "Night-time moves frighten people; we can stop them.", showOnWall: true,
	}
	const (
		firstAction  = "Complete tier 2 dementia training"
		secondAction = "Stop moving people with dementia between wards at night"
	)

	// Home page → The Right Care → Ward staff → the first action's form.
	b.open(t, ts.URL+"/", 200)
	b.do(t, "home page", chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := b.text(t, "h1"); h1 != "Calls to action" {
		t.Errorf("home page heading = %q, want %q", h1, "Calls to action")
	}
	b.load(t, "open The Right Care", 200, chromedp.Click(`//a[normalize-space()="The Right Care"]`))
	if got, want := b.location(t), ts.URL+"/campaigns/"+rightCare; got != want {
		t.Fatalf("after clicking The Right Care: at %s, want %s", got, want)
	}
	b.load(t, "open Ward staff", 200, chromedp.Click(cardLink("Ward staff")))
	b.do(t, "group page", chromedp.WaitVisible(chromedp.ID("actions")))
	b.load(t, "open the pledge form", 200, chromedp.Click(pledgeLink(firstAction)))
	b.do(t, "pledge form", chromedp.WaitVisible(chromedp.ID("name")))
	if h1 := b.text(t, "h1"); h1 != "Pledge: "+firstAction {
		t.Errorf("pledge form heading = %q, want %q", h1, "Pledge: "+firstAction)
	}
	if n := b.value(t, "count #ref", chromedp.Evaluate[string](`String(document.querySelectorAll("#ref").length)`)); n != "0" {
		t.Errorf("the pledge form without an invite link shows an invite code field")
	}

	// Everything but the name: the form comes back with the error, keeping
	// what was typed.
	noName := first
	noName.name = ""
	b.fill(t, noName)
	b.load(t, "submit without a name", 422, chromedp.Click(submitButton))
	b.do(t, "error summary", chromedp.WaitVisible(chromedp.CSS(".nhsuk-error-summary")))
	b.do(t, `error summary links "Enter your name" to the name field`,
		chromedp.WaitVisible(`//div[contains(@class,"nhsuk-error-summary")]//a[@href="#name" and normalize-space()="Enter your name"]`))
	if links := b.value(t, "count error summary links",
		chromedp.Evaluate[string](`String(document.querySelectorAll(".nhsuk-error-summary__list a").length)`)); links != "1" {
		t.Errorf("error summary has %s links, want 1 (only the name is missing)%s", links, b.where())
	}
	b.do(t, "field error", chromedp.WaitVisible(chromedp.ID("name-error")))
	for id, want := range map[string]string{"email": first.email, "profession": first.profession, "why": first.why} {
		if got := b.value(t, "read #"+id, chromedp.Value(chromedp.ID(id))); got != want {
			t.Errorf("after the failed submission #%s = %q, want %q as typed", id, got, want)
		}
	}
	if got, want := b.value(t, "read #area_id", chromedp.Value(chromedp.ID("area_id"))), b.optionValue(t, "area_id", first.area); got != want {
		t.Errorf("after the failed submission the area is %q, want %q (%s)", got, want, first.area)
	}
	if got := b.checked(t, "show_on_wall"); got != first.showOnWall {
		t.Errorf("after the failed submission show_on_wall ticked = %v, want %v as chosen", got, first.showOnWall)
	}

	// Add the name and send it again.
	b.do(t, "type the name", chromedp.SendKeys(chromedp.ID("name"), first.name))
	b.load(t, "submit the first pledge", 200, chromedp.Click(submitButton))
	b.checkReceipt(t, first, firstAction)
	invite := b.value(t, "read the invite link", chromedp.Value(chromedp.ID("invite-link")))
	invitePrefix := ts.URL + "/campaigns/" + rightCare + "/join/"
	if !strings.HasPrefix(invite, invitePrefix) || len(invite) == len(invitePrefix) {
		t.Fatalf("invite link = %q, want %s<code>", invite, invitePrefix)
	}
	code := strings.TrimPrefix(invite, invitePrefix)

	// The second person follows the invite link.
	b.open(t, invite, 200)
	b.do(t, "invite page", chromedp.WaitVisible(chromedp.CSS("h1")))
	// The first person did not agree to be shown, so their name stays hidden.
	if h1, want := b.text(t, "h1"), "A colleague has invited you to join The Right Care"; h1 != want {
		t.Errorf("invite page heading = %q, want %q", h1, want)
	}
	b.load(t, "open Ward staff from the invite page", 200, chromedp.Click(cardLink("Ward staff")))
	b.do(t, "group page", chromedp.WaitVisible(chromedp.ID("actions")))
	b.load(t, "open the pledge form from the invite", 200, chromedp.Click(pledgeLink(secondAction)))
	b.do(t, "invite code field", chromedp.WaitVisible(chromedp.ID("ref")))
	if got := b.value(t, "read #ref", chromedp.Value(chromedp.ID("ref"))); got != code {
		t.Errorf("invite code field = %q, want %q from the invite link", got, code)
	}
	if !strings.Contains(b.text(t, "main"), "You were invited by a colleague.") {
		t.Errorf("the pledge form does not say who invited the person%s", b.where())
	}
	b.fill(t, second)
	b.load(t, "submit the second pledge", 200, chromedp.Click(submitButton))
	b.checkReceipt(t, second, secondAction)
	if inv2 := b.value(t, "read the second invite link", chromedp.Value(chromedp.ID("invite-link"))); inv2 == invite {
		t.Errorf("the second person got the first person's invite link %s", invite)
	}

	// The pledge counts, and shows on the wall, once its owner confirms it
	// from the emailed link (issued here as the email job would).
	receipt := strings.TrimPrefix(b.location(t), ts.URL+"/pledges/")
	rc, err := st.Receipt(ctx, receipt)
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.IssueToken(ctx, gs.TokenConfirm, rc.Commitment.ID, rc.Person.Email, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b.open(t, ts.URL+"/confirm/"+token, 200)
	b.load(t, "confirm the second pledge", 200, chromedp.Click(`//button[normalize-space()="Confirm my pledge"]`))
	if h1 := b.text(t, "h1"); h1 != "Your pledge is confirmed" {
		t.Errorf("after confirming, heading = %q%s", h1, b.where())
	}

	// The pledge wall shows only who agreed to be shown.
	b.load(t, "open the group from the receipt", 200, chromedp.Click(`//a[normalize-space()="See what others in Ward staff have pledged"]`))
	b.do(t, "pledge wall", chromedp.WaitVisible(chromedp.ID("wall")))
	wall := b.text(t, ".gs-wall")
	if !strings.Contains(wall, second.name) || !strings.Contains(wall, second.why) {
		t.Errorf("the pledge wall does not show %s, who agreed to it:\n%s", second.name, wall)
	}
	if page := b.text(t, "body"); strings.Contains(page, first.name) {
		t.Errorf("the group page shows %s, who did not agree to be on the pledge wall", first.name)
	}

	// The one failed submission answers 422, which Chromium logs as an error.
	if p := b.problems("the server responded with a status of 422"); len(p) > 0 {
		t.Errorf("the browser console reported problems:\n  %s", strings.Join(p, "\n  "))
	}

	checkPledgesStored(t, dbPath, campaign.ID, first, second, firstAction, secondAction)
}

// submitButton is the pledge form's submit button.
const submitButton = `//form//button[@type="submit" and normalize-space()="Make my pledge"]`

// cardLink is the link of the card of a group, on a campaign or invite page.
func cardLink(group string) string {
	return fmt.Sprintf(`//a[contains(@class,"nhsuk-card__link") and normalize-space()=%q]`, group)
}

// pledgeLink is an action's "Pledge" link on a group page, found by the name
// a screen reader announces for it.
func pledgeLink(action string) string {
	return fmt.Sprintf(`//table//a[normalize-space()=%q]`, "Pledge to "+action)
}

// fill fills in the pledge form as p; an empty field of p is left alone.
func (b *browser) fill(t *testing.T, p pledger) {
	t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for id, v := range map[string]string{"name": p.name, "email": p.email, "profession": p.profession, "why": p.why} {
		if v != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.ID(id), v))
		}
	}
	steps = append(steps, chromedp.SetValue(chromedp.ID("area_id"), b.optionValue(t, "area_id", p.area)))
	if p.showOnWall != b.checked(t, "show_on_wall") {
		// Click the label, as a person would: the box itself is styled away.
		steps = append(steps, chromedp.Click(chromedp.CSS(`label[for="show_on_wall"]`)))
	}
	b.do(t, "fill in the pledge form", steps...)
	if got := b.checked(t, "show_on_wall"); got != p.showOnWall {
		t.Fatalf("show_on_wall ticked = %v after filling in the form, want %v", got, p.showOnWall)
	}
}

// checkReceipt checks the page after a pledge is the confirmation of it.
func (b *browser) checkReceipt(t *testing.T, p pledger, action string) {
	t.Helper()
	b.do(t, "confirmation page", chromedp.WaitVisible(chromedp.ID("invite-link")))
	if h1 := b.text(t, "h1"); h1 != "Thank you for your pledge" {
		t.Fatalf("confirmation heading = %q, want %q%s", h1, "Thank you for your pledge", b.where())
	}
	if loc := b.location(t); !strings.Contains(loc, "/pledges/") {
		t.Errorf("confirmation page is at %s, want /pledges/<receipt>", loc)
	}
	main := b.text(t, "main")
	for _, want := range []string{"You pledged to " + action, "The Right Care", "Ward staff", p.name, p.why} {
		if !strings.Contains(main, want) {
			t.Errorf("confirmation page does not show %q:\n%s", want, main)
		}
	}
	if strings.Contains(strings.ToLower(main), strings.ToLower(p.email)) {
		t.Errorf("confirmation page shows the email address %s", p.email)
	}
}

// checkPledgesStored checks the database holds both people, one pledge each,
// and the invitation from the first to the second.
func checkPledgesStored(t *testing.T, dbPath string, campaignID int64, first, second pledger, firstAction, secondAction string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath+"?_query_only=1&_busy_timeout=5000")
	if err != nil {
		t.Fatalf("open %s: %v", dbPath, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()

	type stored struct {
		id                 int64
		name, area         string
		showOnWall         bool
		commitments        int
		action, channel    string
		invitedBy          sql.NullInt64
		commitmentCampaign int64
	}
	find := func(p pledger) stored {
		t.Helper()
		var s stored
		// Email is a person's identity, stored lower-cased.
		err := db.QueryRowContext(ctx, `SELECT p.id, p.name, a.name, p.show_on_wall,
			(SELECT COUNT(*) FROM commitments WHERE person_id = p.id)
			FROM people p JOIN areas a ON a.id = p.area_id WHERE p.email = ?`, strings.ToLower(p.email)).
			Scan(&s.id, &s.name, &s.area, &s.showOnWall, &s.commitments)
		if err != nil {
			t.Fatalf("find person %s: %v", p.email, err)
		}
		if s.commitments != 1 {
			t.Fatalf("%s has %d commitments, want 1", p.email, s.commitments)
		}
		err = db.QueryRowContext(ctx, `SELECT a.title, c.channel, c.invited_by_id, c.campaign_id
			FROM commitments c JOIN actions a ON a.id = c.action_id WHERE c.person_id = ?`, s.id).
			Scan(&s.action, &s.channel, &s.invitedBy, &s.commitmentCampaign)
		if err != nil {
			t.Fatalf("find the commitment of %s: %v", p.email, err)
		}
		if s.name != p.name || s.area != p.area || s.showOnWall != p.showOnWall {
			t.Errorf("stored %s as name %q, area %q, show on wall %v; want %q, %q, %v",
				p.email, s.name, s.area, s.showOnWall, p.name, p.area, p.showOnWall)
		}
		if s.commitmentCampaign != campaignID {
			t.Errorf("the commitment of %s is in campaign %d, want %d (%s)", p.email, s.commitmentCampaign, campaignID, rightCare)
		}
		return s
	}
	p1, p2 := find(first), find(second)

	if p1.action != firstAction || p1.channel != "web" || p1.invitedBy.Valid {
		t.Errorf("first commitment: action %q, channel %q, invited by %v; want %q, web, nobody",
			p1.action, p1.channel, p1.invitedBy, firstAction)
	}
	if p2.action != secondAction || p2.channel != "invite" || p2.invitedBy.Int64 != p1.id {
		t.Errorf("second commitment: action %q, channel %q, invited by %v; want %q, invite, person %d",
			p2.action, p2.channel, p2.invitedBy, secondAction, p1.id)
	}

	var n int
	var kind string
	err = db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(kind), '') FROM relationships
		WHERE campaign_id = ? AND from_id = ? AND to_id = ?`, campaignID, p1.id, p2.id).Scan(&n, &kind)
	if err != nil {
		t.Fatalf("find relationship: %v", err)
	}
	if n != 1 || kind != "invited" {
		t.Errorf("relationships from %d to %d in campaign %d: %d of kind %q, want 1 of kind invited", p1.id, p2.id, campaignID, n, kind)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM relationships WHERE to_id IN (?, ?) OR from_id = ?`, p1.id, p2.id, p2.id).Scan(&n); err != nil {
		t.Fatalf("count relationships: %v", err)
	}
	if n != 1 {
		t.Errorf("%d relationships involve the two new people, want only the invitation", n)
	}
}
