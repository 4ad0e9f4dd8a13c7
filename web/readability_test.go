package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/web"
)

// Reading age targets for the public pages. NHS guidance is to write health
// information for the public at a reading age of about 9 to 11; people
// living with dementia and their carers use these pages. Our pages are
// forms and short notes, so we hold the template wording to the top of
// that range, and to Flesch's "plain English" band (60 and above).
const (
	maxReadingAge = 11.0
	minEase       = 60.0
	// maxWords is the longest sentence: GOV.UK's style guide, which the
	// NHS's follows, finds sentences over 25 words hard for everyone.
	maxWords = 25
)

// publicPages renders the pages a member of the public reads — the
// campaign, a group, the pledge form, its receipt, the confirmation and
// report-back links, the thank-you page, the certificate, sign in and the
// privacy notice — and returns each page's path and body.
//
// What people type (a group's goal, an action, a name, a story) is not our
// wording, and a page cannot make it plainer; the fixture's own is made
// plain here, so that the scores measure the templates' words.
func publicPages(t *testing.T) (*harness, [][2]string) {
	t.Helper()
	// With a retention period set, the privacy notice says how long.
	h := newHarnessWith(t, false, func(o *web.Options) { o.Privacy.RetainDays = 730 })
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := h.f.Campaign
	c.Title, c.Purpose, c.Story = "Better care for people with dementia", "To help people with dementia get the right care.", "Too many people get pills they do not need."
	must(h.st.UpdateCampaign(ctx, &c))
	g := h.f.Group
	g.Name, g.Description, g.Goal = "Chemists", "People who work in a chemist's shop.", "Check every repeat order of these pills."
	must(h.st.UpdateGroup(ctx, &g))
	a := h.f.Actions[0]
	a.Title, a.Description = "Check the pills of one person", "Look at what they take and ask if they still need it."
	must(h.st.UpdateAction(ctx, &a))
	must(h.st.CreateMilestone(ctx, &gs.Milestone{CampaignID: c.ID, Title: "Launch day", On: gs.MustDate("2026-03-01")}))

	in := h.f.Pledge("asha@example.org")
	in.ShowOnWall = true
	res, err := h.st.Pledge(ctx, in)
	must(err)
	receipt := "/pledges/" + res.Commitment.ReceiptToken
	confirm, err := h.st.IssueToken(ctx, gs.TokenConfirm, res.Commitment.ID, "asha@example.org", time.Hour)
	must(err)
	var out [][2]string
	add := func(path string) {
		t.Helper()
		got := h.get(path)
		if got.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, got.status)
		}
		out = append(out, [2]string{path, got.body})
	}
	add(h.pledgePath(a.ID))
	add("/campaigns/" + c.Slug + "/groups/" + g.Slug)
	add("/campaigns/" + c.Slug)
	add(receipt)
	add("/confirm/" + confirm)

	done := h.confirmedPledge("ben@example.org")
	links := h.links(done, gs.ReportLinksWithin, gs.TokenReportDone)
	add("/report/" + links[0])
	if r := h.post("/report/"+links[0], url.Values{"outcome": {"done"}}); r.status != http.StatusSeeOther {
		t.Fatalf("report done: %d", r.status)
	}
	add("/report/" + links[0] + "/thanks")
	add("/certificate/" + done.ReceiptToken)
	// Sign in is offered once the installation has its first organiser.
	must(h.st.CreateUser(ctx, &gs.User{Email: "org@example.org", Name: "Org", Role: gs.RoleOrganiser, PasswordHash: "x"}))
	add("/signin")
	add("/privacy")
	return h, out
}

// TestPublicPagesReadPlainly scores the visible text of each public page's
// main content and fails when it reads above the target, naming the
// hardest sentences to rewrite.
func TestPublicPagesReadPlainly(t *testing.T) {
	_, pages := publicPages(t)
	for _, p := range pages {
		r := readabilityOf(visibleText(p[1], textOptions{root: "main"}))
		t.Logf("%s: reading age %.1f, ease %.1f (%d sentences, %d words)%s", p[0], r.ReadingAge(), r.Ease(), r.score.Sentences, r.Words, r.hardest(5))
		if r.ReadingAge() > maxReadingAge || r.Ease() < minEase {
			t.Errorf("%s reads at age %.1f, ease %.1f; want at most %.0f and at least %.0f. The hardest sentences:%s",
				p[0], r.ReadingAge(), r.Ease(), maxReadingAge, minEase, r.hardest(8))
		}
		for _, s := range r.Sentences {
			if s.Words > maxWords {
				t.Errorf("%s: a sentence of %d words, want at most %d: %q", p[0], s.Words, maxWords, s.Text)
			}
		}
	}
}
