package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// TestLeadSetsGoalAndAction drives issue 4's group lead journey in a browser:
// an organiser signs in with a password and appoints a lead of a group; the
// lead, in a browser of their own, signs in from the emailed invitation,
// rewrites the group's goal and adds an action with a "by when", and the
// public group page shows both. The email goes through the real job queue
// into the store's outbox, which stands in for the lead's mailbox.
func TestLeadSetsGoalAndAction(t *testing.T) {
	chromiumPath(t) // skip (or, under CI, fail) before any setup

	ctx := t.Context()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	f := storetest.Seed(t, st) // "Test call to action", with the group "Community pharmacists"

	const (
		organiserEmail = "olu.organiser@example.org"
		password       = "correct horse battery staple"
		leadName       = "Lee Lead"
		leadEmail      = "lee.lead@example.org"
		newGoal        = "With prescribers, review everyone in our care on an antipsychotic by the spring."
		actionTitle    = "Hold a medicines review clinic"
		dueOn          = "2027-02-28"
		dueOnWritten   = "28 February 2027"
		actionTarget   = "60"
	)
	hash, err := web.HashPassword(password, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, &gs.User{Email: organiserEmail, Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: hash}); err != nil {
		t.Fatalf("create organiser: %v", err)
	}

	base := startApp(t, st, true) // with the job queue, whose emails land in the outbox

	gid := strconv.FormatInt(f.Group.ID, 10)
	campaignAdmin := fmt.Sprintf("%s/admin/campaigns/%d", base, f.Campaign.ID)
	leadHome := base + "/lead/groups/" + gid
	publicGroup := base + "/campaigns/" + f.Campaign.Slug + "/groups/" + f.Group.Slug

	// The organiser signs in with their password and appoints the lead.
	org := newBrowser(t, 40*time.Second)
	org.open(t, base+"/signin", 200)
	org.do(t, "fill in the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), organiserEmail),
		chromedp.SendKeys(chromedp.ID("password"), password))
	org.load(t, "sign in", 200, chromedp.Click(button("Sign in")))
	if got := org.location(t); got != base+"/admin" {
		t.Fatalf("after signing in the organiser is at %s, want /admin%s", got, org.where())
	}
	org.load(t, "open the campaign's management page", 200, chromedp.Click(link(f.Campaign.Title)))
	if got := org.location(t); got != campaignAdmin {
		t.Fatalf("the campaign link leads to %s, want %s", got, campaignAdmin)
	}
	appoint := `//a[@href="/admin/groups/` + gid + `/leads/new"]`
	if org.count(t, appoint) > 0 {
		org.load(t, "open Appoint a lead", 200, chromedp.Click(appoint))
	} else {
		// Known gap: the campaign's management page does not link to it.
		t.Logf("UX gap: %s has no link to appoint a lead of %s; opening /admin/groups/%s/leads/new directly", campaignAdmin, f.Group.Name, gid)
		org.open(t, base+"/admin/groups/"+gid+"/leads/new", 200)
	}
	if h1 := org.text(t, "h1"); h1 != "Appoint a lead" {
		t.Errorf("lead form heading = %q, want %q", h1, "Appoint a lead")
	}
	org.do(t, "fill in the lead form",
		chromedp.SendKeys(chromedp.ID("name"), leadName),
		chromedp.SendKeys(chromedp.ID("email"), leadEmail))
	org.load(t, "send the invitation", 200, chromedp.Click(button("Send the invitation")))
	if got, want := org.location(t), campaignAdmin+"#group-"+gid; got != want {
		t.Errorf("after sending the invitation the organiser is at %s, want %s", got, want)
	}

	// The invitation arrives (in the outbox) with a sign-in link.
	invitation, signInLink := waitForEmail(t, st, leadEmail, "You are invited to lead ")
	if want := "You are invited to lead " + f.Group.Name; invitation.Subject != want {
		t.Errorf("invitation subject = %q, want %q", invitation.Subject, want)
	}
	if !strings.HasPrefix(signInLink, base+"/signin/link/") {
		t.Fatalf("the invitation's link is %q, want %s/signin/link/<token>:\n%s", signInLink, base, invitation.Text)
	}

	// The lead, in a browser of their own, signs in from the link.
	lead := newBrowser(t, 40*time.Second)
	lead.open(t, signInLink, 200)
	lead.load(t, "sign in from the invitation", 200, chromedp.Click(button("Sign in to Groundswell")))
	// Just invited, with no pledges of their own, they land on their group.
	if got := lead.location(t); got != leadHome {
		t.Fatalf("after signing in the lead is at %s, want %s%s", got, leadHome, lead.where())
	}
	if caption := lead.text(t, ".nhsuk-caption-l"); !strings.Contains(caption, "you lead this group") {
		t.Errorf("lead page caption = %q, want it to say they lead this group", caption)
	}

	// The goal: the lead may rewrite it, but not the group's name or address.
	lead.load(t, "open Change the goal", 200, chromedp.Click(link("Change the goal")))
	lead.do(t, "group form", chromedp.WaitVisible(chromedp.ID("goal")))
	if n := lead.count(t, `//input[@id="slug" or @id="name"][not(@type="hidden")]`); n != 0 {
		t.Errorf("the lead is offered %d of the group's name and web address fields to change", n)
	}
	if main := lead.text(t, "main"); strings.Contains(main, "Web address") || strings.Contains(main, "Name of the group") {
		t.Errorf("the goal form shows the group's name or web address to a lead:\n%s", main)
	}
	lead.do(t, "rewrite the goal",
		chromedp.Clear(chromedp.ID("goal")),
		chromedp.SendKeys(chromedp.ID("goal"), newGoal))
	if got := lead.value(t, "read #goal", chromedp.Value(chromedp.ID("goal"))); got != newGoal {
		t.Fatalf("after rewriting, the goal field holds %q, want %q", got, newGoal)
	}
	lead.load(t, "save the goal", 200, chromedp.Click(button("Save group")))
	if got := lead.location(t); got != leadHome {
		t.Fatalf("after saving the goal the lead is at %s, want %s%s", got, leadHome, lead.where())
	}
	if goal := lead.text(t, ".nhsuk-inset-text"); !strings.Contains(goal, newGoal) {
		t.Errorf("the lead's group page shows the goal %q, want %q", goal, newGoal)
	}

	// An action with a "by when". The date field is set as the date picker
	// would: typing into <input type="date"> depends on the browser's locale.
	lead.load(t, "open Add an action", 200, chromedp.Click(link("Add an action")))
	lead.do(t, "fill in the action form",
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), actionTitle),
		chromedp.SetValue(chromedp.ID("due_on"), dueOn),
		chromedp.SendKeys(chromedp.ID("target"), actionTarget))
	if got := lead.value(t, "read #due_on", chromedp.Value(chromedp.ID("due_on"))); got != dueOn {
		t.Fatalf("the by-when field holds %q, want %q", got, dueOn)
	}
	lead.load(t, "save the action", 200, chromedp.Click(button("Save action")))
	if got := lead.location(t); got != leadHome {
		t.Fatalf("after saving the action the lead is at %s, want %s%s", got, leadHome, lead.where())
	}
	if row := lead.textOf(t, actionRow(actionTitle)); !strings.Contains(row, dueOnWritten) || !strings.Contains(row, "0 of "+actionTarget) {
		t.Errorf("the lead's actions table row = %q, want the date %s and 0 of %s pledged", row, dueOnWritten, actionTarget)
	}

	// The public page shows the new goal and the action.
	lead.load(t, "open the public page", 200, chromedp.Click(link("View the public page")))
	if got := lead.location(t); got != publicGroup {
		t.Fatalf("View the public page leads to %s, want %s", got, publicGroup)
	}
	if goal := lead.text(t, ".nhsuk-inset-text"); !strings.Contains(goal, newGoal) {
		t.Errorf("the public group page shows the goal %q, want %q", goal, newGoal)
	}
	if h1 := lead.text(t, "h1"); h1 != f.Group.Name {
		t.Errorf("the public group page is headed %q, want the group's name %q unchanged", h1, f.Group.Name)
	}
	row := lead.textOf(t, actionRow(actionTitle))
	if !strings.Contains(row, dueOnWritten) {
		t.Errorf("the public page's row for %q = %q, want the date written %q", actionTitle, row, dueOnWritten)
	}
	if !strings.Contains(row, "Pledge") {
		t.Errorf("the public page's row for %q = %q, want a Pledge link", actionTitle, row)
	}

	// The store agrees.
	g, err := st.GroupByID(ctx, f.Group.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Goal != newGoal || g.Name != f.Group.Name || g.Slug != f.Group.Slug {
		t.Errorf("stored group: name %q, slug %q, goal %q; want %q, %q, %q", g.Name, g.Slug, g.Goal, f.Group.Name, f.Group.Slug, newGoal)
	}

	for who, b := range map[string]*browser{"organiser": org, "lead": lead} {
		if p := b.problems(); len(p) > 0 {
			t.Errorf("the %s's browser console reported problems:\n  %s", who, strings.Join(p, "\n  "))
		}
	}
}

// button is a form's submit button, by its text.
func button(text string) string {
	return fmt.Sprintf(`//button[@type="submit" and normalize-space()=%q]`, text)
}

// link is a link by its visible text.
func link(text string) string {
	return fmt.Sprintf(`//a[normalize-space()=%q]`, text)
}

// actionRow is the row of an actions table whose first cell is the action's title.
func actionRow(title string) string {
	return fmt.Sprintf(`//table//tr[td[1][normalize-space()=%q]]`, title)
}

// textOf is the visible text of the first element that the XPath expression
// xpath matches.
func (b *browser) textOf(t *testing.T, xpath string) string {
	t.Helper()
	return b.value(t, "read text of "+xpath, chromedp.Text(xpath, chromedp.NodeVisible))
}

// count is the number of elements the XPath expression xpath matches.
func (b *browser) count(t *testing.T, xpath string) int {
	t.Helper()
	js := fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength`, xpath)
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("count %s: %v%s", xpath, err, b.where())
	}
	return n
}

// emailLinkRE finds the links in an email's text.
var emailLinkRE = regexp.MustCompile(`https?://\S+`)

// waitForEmail waits for the job queue to put an email to to, whose subject
// starts with subjectPrefix, in the outbox, and returns it and its first link.
func waitForEmail(t *testing.T, st *store.Store, to, subjectPrefix string) (gs.OutboxMessage, string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := st.Messages(t.Context(), 50)
		if err != nil {
			t.Fatalf("read the outbox: %v", err)
		}
		for _, m := range msgs {
			if m.ToEmail == to && strings.HasPrefix(m.Subject, subjectPrefix) {
				return m, emailLinkRE.FindString(m.Text)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no email %q… to %s in the outbox after 15 s", subjectPrefix, to)
	return gs.OutboxMessage{}, ""
}
