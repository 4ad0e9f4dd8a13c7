package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// sharedDemo serves the demo, with its store, for the tests that only read
// it: loading it takes seconds under the race detector, so they share one.
// TestMain closes it (CloseSharedDemo).
func sharedDemo(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		if shared.dir, shared.err = os.MkdirTemp("", "groundswell-web-demo-"); shared.err != nil {
			return
		}
		if shared.st, shared.err = store.Open(ctx, filepath.Join(shared.dir, "demo.db")); shared.err != nil {
			return
		}
		if shared.err = shared.st.LoadDataset(ctx, demo.Generate()); shared.err != nil {
			return
		}
		s, err := New(Options{Store: shared.st})
		if shared.err = err; err != nil {
			return
		}
		shared.srv = httptest.NewServer(s)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv, shared.st
}

var shared struct {
	once sync.Once
	dir  string
	st   *store.Store
	srv  *httptest.Server
	err  error
}

// demoStoreServer serves a demo of the test's own, with its store, for a
// test that changes it.
func demoStoreServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	st := storetest.Open(t)
	if err := st.LoadDataset(context.Background(), demo.Generate()); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, st
}

// TestDashboardAgreesWithTheCampaignPage: the dashboard's figures come
// from package mobilise, the campaign page's from SQL counts. As at now, for
// the live campaign, they must be the same numbers.
func TestDashboardAgreesWithTheCampaignPage(t *testing.T) {
	srv, st := sharedDemo(t)
	ctx := context.Background()
	c, err := st.CampaignBySlug(ctx, "the-right-care")
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.CampaignCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := fetch(t, srv, "/campaigns/the-right-care/dashboard")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	stat := func(label string) string {
		i := strings.Index(body, "<dt>"+label+"</dt><dd>")
		if i < 0 {
			t.Fatalf("no %q figure", label)
		}
		rest := body[i+len("<dt>"+label+"</dt><dd>"):]
		return rest[:strings.Index(rest, "<")]
	}
	if got, want := stat("People committed"), formatInt(counts.People); got != want {
		t.Errorf("people committed: dashboard %s, campaign counts %s", got, want)
	}
	if got, want := stat("Commitments standing"), formatInt(counts.Commitments); got != want {
		t.Errorf("commitments: dashboard %s, campaign counts %s", got, want)
	}
	if got, want := stat("Commitments done"), formatInt(counts.Done); got != want {
		t.Errorf("done: dashboard %s, campaign counts %s", got, want)
	}
	if got, want := stat("Relationships"), formatInt(counts.Relationships); got != want {
		t.Errorf("relationships: dashboard %s, campaign counts %s", got, want)
	}
	for _, s := range []string{`<title id="growth-title">`, `<title id="envelope-title">`, "Money remaining", "Staff time remaining",
		"Carried over from The Right Prescription", "Each group against its own goal", "From pledge to done", "in the last period"} {
		if !strings.Contains(body, s) {
			t.Errorf("dashboard lacks %q", s)
		}
	}
	for _, q := range []string{"?period=weekly", "?period=daily"} {
		if status, _, _ := fetch(t, srv, "/campaigns/the-right-care/dashboard"+q); status != http.StatusOK {
			t.Errorf("%s: status %d", q, status)
		}
	}
	if status, _, _ := fetch(t, srv, "/campaigns/the-right-care/dashboard?period=hourly"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown period: status %d, want 422", status)
	}
}

// TestDashboardCSV: the growth table ends at the campaign counts; the
// closed campaign's envelope is spent down to 3 %; cells that a spreadsheet
// would run as formulas are defused.
func TestDashboardCSV(t *testing.T) {
	srv, st := demoStoreServer(t)
	ctx := context.Background()
	c, _ := st.CampaignBySlug(ctx, "the-right-care")
	counts, _ := st.CampaignCounts(ctx, c.ID)
	status, hd, body := fetch(t, srv, "/campaigns/the-right-care/dashboard.csv")
	if status != http.StatusOK || !strings.HasPrefix(hd.Get("Content-Type"), "text/csv") || !strings.Contains(hd.Get("Content-Disposition"), "the-right-care-growth-monthly.csv") {
		t.Fatalf("status %d, %q, %q", status, hd.Get("Content-Type"), hd.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "period_start" || rows[1][0] != "2025-10-01" || rows[1][1] != "2025-10-31" {
		t.Errorf("first rows %q %q: want a header, then October 2025 from its first to its last day", rows[0], rows[1])
	}
	if last := rows[len(rows)-1]; last[3] != strconv.Itoa(counts.People) || last[6] != strconv.Itoa(counts.Commitments) {
		t.Errorf("last row %q: want %d people and %d standing commitments", last, counts.People, counts.Commitments)
	}

	_, _, body = fetch(t, srv, "/campaigns/"+demo.CampaignSlug+"/dashboard.csv?table=envelope")
	rows, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	var lastGBP []string
	for _, r := range rows[1:] {
		if r[0] == "GBP" {
			lastGBP = r
		}
	}
	allocated, _ := strconv.ParseFloat(lastGBP[3], 64)
	remaining, _ := strconv.ParseFloat(lastGBP[5], 64)
	if allocated != 400_000 || remaining/allocated < 0.02 || remaining/allocated > 0.04 {
		t.Errorf("closed campaign's money at the end: allocated %v, remaining %v; want 400,000 with about 3%% left", allocated, remaining)
	}

	g, err := st.GroupBySlug(ctx, c.ID, "carers-and-families")
	if err != nil {
		t.Fatal(err)
	}
	g.Name = "=HYPERLINK(\"http://evil.example\")"
	if err := st.UpdateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	_, _, body = fetch(t, srv, "/campaigns/the-right-care/dashboard.csv?table=groups")
	if !strings.Contains(body, `'=HYPERLINK`) {
		t.Errorf("a group name starting with = is not defused:\n%s", body)
	}
	_, _, body = fetch(t, srv, "/campaigns/the-right-care/dashboard.csv?table=organisations")
	rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "organisation" || rows[0][3] != "staff_committed" {
		t.Fatalf("organisations CSV: %v, %q", err, rows[:min(len(rows), 2)])
	}
	members, staff := 0, 0
	for _, r := range rows[1:] {
		if r[2] == "true" {
			members++
		}
		n, _ := strconv.Atoi(r[3])
		staff += n
	}
	if members != counts.Organisations || staff == 0 || staff > counts.People {
		t.Errorf("organisations CSV: %d in the alliance (want %d), %d staff committed (want 1 to %d)", members, counts.Organisations, staff, counts.People)
	}
	// The funnel's steps, the depth histogram (one row a distance, adding up
	// to the people in the invitation trees) and the areas.
	table := func(name string) [][]string {
		t.Helper()
		_, _, body := fetch(t, srv, "/campaigns/the-right-care/dashboard.csv?table="+name)
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s CSV: %v, %q", name, err, body)
		}
		return rows
	}
	funnel := table("funnel")
	if funnel[3][0] != "done" || funnel[3][1] != strconv.Itoa(counts.Done) {
		t.Errorf("funnel CSV %q: want done %d", funnel, counts.Done)
	}
	people := 0
	for _, r := range table("depth")[1:] {
		n, _ := strconv.Atoi(r[1])
		people += n
	}
	if people == 0 || people > counts.People+counts.Relationships {
		t.Errorf("depth CSV counts %d people", people)
	}
	if areas := table("areas"); areas[1][0] != "E92000001" || areas[1][4] != strconv.Itoa(counts.Commitments) {
		t.Errorf("areas CSV first row %q: want England with all %d commitments", areas[1], counts.Commitments)
	}
	if status, _, _ := fetch(t, srv, "/campaigns/the-right-care/dashboard.csv?table=secrets"); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown table: status %d", status)
	}
}

// TestDashboardSignedInOnly: a campaign's organisers can keep its dashboard
// and network to people signed in.
func TestDashboardSignedInOnly(t *testing.T) {
	srv, st := demoStoreServer(t)
	ctx := context.Background()
	c, _ := st.CampaignBySlug(ctx, "the-right-care")
	c.DashboardSignedInOnly = true
	if err := st.UpdateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, path := range []string{"/campaigns/the-right-care/dashboard", "/campaigns/the-right-care/network", "/campaigns/the-right-care/dashboard.csv"} {
		res, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("%s signed out: %d to %q, want a redirect to sign in", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if status, _, _ := fetch(t, srv, "/campaigns/"+demo.CampaignSlug+"/dashboard"); status != http.StatusOK {
		t.Errorf("another campaign's public dashboard: %d", status)
	}
}

// TestNetworkPage: the network's figures are the database's, the drawing
// says what it leaves out, and names appear only with consent.
func TestNetworkPage(t *testing.T) {
	srv, st := sharedDemo(t)
	ctx := context.Background()
	c, _ := st.CampaignBySlug(ctx, demo.CampaignSlug)
	counts, _ := st.CampaignCounts(ctx, c.ID)
	status, _, body := fetch(t, srv, "/campaigns/"+demo.CampaignSlug+"/network")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if !strings.Contains(body, "<dt>Relationships</dt><dd>"+formatInt(counts.Relationships)+"</dd>") {
		t.Errorf("network page does not count the %d relationships", counts.Relationships)
	}
	for _, s := range []string{`<title id="network-title">`, "of 2,", "largest of", "Top connectors", "A participant", "Started without an invitation"} {
		if !strings.Contains(body, s) {
			t.Errorf("network page lacks %q", s)
		}
	}
	// The people drawn: the circles of the drawing, not of its key.
	_, drawing, _ := strings.Cut(body, `aria-labelledby="network-title`)
	drawing, _, _ = strings.Cut(drawing, "</svg>")
	if n := strings.Count(drawing, "<circle "); n > networkCap {
		t.Errorf("drew %d people, more than the cap of %d", n, networkCap)
	}
}

// TestAreaView: each region's commitments per 100,000 people, England's
// the sum of its regions', beside the outcome's change across the launch,
// labelled as association.
func TestAreaView(t *testing.T) {
	srv, st := sharedDemo(t)
	ctx := context.Background()
	c, _ := st.CampaignBySlug(ctx, demo.CampaignSlug)
	counts, _ := st.CampaignCounts(ctx, c.ID)
	status, _, body := fetch(t, srv, "/campaigns/"+demo.CampaignSlug+"/areas")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, s := range []string{"Association, not cause", "Commitments per 100,000", "57,106,000",
		"People with dementia prescribed an antipsychotic: before → since launch", "synthetic", "Latest: Special cause"} {
		if !strings.Contains(body, s) {
			t.Errorf("area view lacks %q", s)
		}
	}
	i := strings.Index(body, `scope="row">England</th>`)
	if i < 0 {
		t.Fatal("no England row")
	}
	row := body[i : i+strings.Index(body[i:], "</tr>")]
	if !strings.Contains(row, ">"+formatInt(counts.Commitments)+"<") {
		t.Errorf("England's row does not count all %d commitments: %s", counts.Commitments, row)
	}
}

func TestDashboardAllowed(t *testing.T) {
	c := gs.Campaign{Title: "Kept close", DashboardSignedInOnly: true}
	req := func(a *gs.Access) *http.Request {
		r := httptest.NewRequest("GET", "/campaigns/x/dashboard", nil)
		if a != nil {
			r = r.WithContext(withAccess(r.Context(), a))
		}
		return r
	}
	member := &gs.Access{User: gs.User{Role: gs.RoleMember}}
	for name, tc := range map[string]struct {
		a    *gs.Access
		want string
	}{
		"signed out":    {nil, gs.EUNAUTHORIZED},
		"a participant": {member, gs.EFORBIDDEN},
		"a group lead":  {&gs.Access{User: gs.User{Role: gs.RoleMember}, Leads: map[int64]bool{3: true}}, ""},
		"a rep":         {&gs.Access{User: gs.User{Role: gs.RoleMember}, Represents: map[int64]bool{5: true}}, ""},
		"an organiser":  {&gs.Access{User: gs.User{Role: gs.RoleOrganiser}}, ""},
	} {
		err := dashboardAllowed(req(tc.a), c)
		if (tc.want == "" && err != nil) || (tc.want != "" && gs.ErrorCode(err) != tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	c.DashboardSignedInOnly = false
	if err := dashboardAllowed(req(nil), c); err != nil {
		t.Errorf("a public dashboard refused someone signed out: %v", err)
	}
}
