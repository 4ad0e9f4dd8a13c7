package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/ratelimit"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
	"github.com/groundswell-health/groundswell/web"
)

// Groundswell runs as several stateless web nodes behind a load balancer,
// all on one PostgreSQL database (docs/DEPLOYMENT.md). These tests start two
// nodes — two stores on one schema, two servers — and check that what one
// node does, the other sees: pledges, counts, the pledge wall, and organiser
// sessions, which live in the database and not in a node's memory.

// node is one web node: its own store (its own connection pool and pledge
// queue) and its own HTTP server.
type node struct {
	st  *store.Store
	srv *httptest.Server
}

// newNodes starts n web nodes on one fresh PostgreSQL schema.
func newNodes(t *testing.T, n int) []*node {
	t.Helper()
	dsn := storetest.PostgresSchema(t)
	var nodes []*node
	for range n {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		s, err := web.New(web.Options{Store: st, PasswordCost: 4})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close) // runs before the store is closed
		nodes = append(nodes, &node{st: st, srv: srv})
	}
	return nodes
}

// do sends a request to the node and reads the answer; cookie, when not
// empty, is sent as the session cookie. (Cookies are kept per host, so a
// cookie jar would not carry a cookie set by one node to the other, as a load
// balancer's single address does: the tests pass it by hand.)
func (n *node) do(t *testing.T, method, path string, form url.Values, cookie string) response {
	t.Helper()
	res, err := n.send(method, path, form, cookie)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// send is do for goroutines other than the test's: it returns the error.
func (n *node) send(method, path string, form url.Values, cookie string) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, n.srv.URL+path, body)
	if err != nil {
		return response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: "groundswell_session", Value: cookie})
	}
	res, err := newClient().Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}, nil
}

func pledgeForm(f storetest.Fixture, name, email string) url.Values {
	return url.Values{
		"name": {name}, "email": {email}, "profession": {"Community pharmacist"},
		"organisation_id": {strconv.FormatInt(f.Org.ID, 10)}, "area_id": {strconv.FormatInt(f.AreaID, 10)},
		"why": {"Seen on the other node."}, "show_on_wall": {"yes"},
	}
}

func pledgeURL(f storetest.Fixture, actionID int64) string {
	return "/campaigns/" + f.Campaign.Slug + "/actions/" + strconv.FormatInt(actionID, 10) + "/pledge"
}

func TestTwoNodesShareOneDatabase(t *testing.T) {
	nodes := newNodes(t, 2)
	n1, n2 := nodes[0], nodes[1]
	f := storetest.Seed(t, n1.st)
	campaignPath := "/campaigns/" + f.Campaign.Slug
	groupPath := campaignPath + "/groups/" + f.Group.Slug

	// Node 2 has never been asked about the campaign: it shows it empty.
	wantBody(t, n2.do(t, "GET", campaignPath, nil, ""), "People committed</dt><dd>0</dd>")

	t.Run("a pledge to node 1 shows on node 2", func(t *testing.T) {
		res := n1.do(t, "POST", pledgeURL(f, f.Actions[0].ID), pledgeForm(f, "Nia Node-One", "nia@example.org"), "")
		wantStatus(t, res, http.StatusSeeOther)
		if !strings.HasPrefix(res.location, "/pledges/") {
			t.Fatalf("pledge redirected to %q, want the receipt", res.location)
		}
		// The receipt, read through node 2.
		receipt := n2.do(t, "GET", res.location, nil, "")
		wantStatus(t, receipt, http.StatusOK)
		wantBody(t, receipt, "Thank you for your pledge", "Seen on the other node.")

		// A pledge counts once confirmed by the emailed link: the link
		// made for node 1's pledge is followed on node 2.
		ctx := context.Background()
		rc, err := n1.st.Receipt(ctx, strings.TrimPrefix(res.location, "/pledges/"))
		if err != nil {
			t.Fatal(err)
		}
		token, err := n1.st.IssueToken(ctx, gs.TokenConfirm, rc.Commitment.ID, rc.Person.Email, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, n2.do(t, "GET", "/confirm/"+token, nil, ""), http.StatusOK)
		confirmed := n2.do(t, "POST", "/confirm/"+token, url.Values{}, "")
		if confirmed.status != http.StatusSeeOther || confirmed.location != res.location {
			t.Fatalf("confirm on node 2: %d to %q, want the receipt %q", confirmed.status, confirmed.location, res.location)
		}

		// The campaign's counts and the group's pledge wall, on both nodes.
		for i, n := range nodes {
			campaign := n.do(t, "GET", campaignPath, nil, "")
			wantStatus(t, campaign, http.StatusOK)
			wantBody(t, campaign, "People committed</dt><dd>1</dd>", "Commitments made</dt><dd>1</dd>")
			wall := n.do(t, "GET", groupPath, nil, "")
			wantStatus(t, wall, http.StatusOK)
			wantBody(t, wall, "Nia Node-One", "Seen on the other node.")
			if strings.Contains(wall.body, "No one has been shown here yet") {
				t.Errorf("node %d's pledge wall is empty", i+1)
			}
		}
		// The same person again, this time through node 2: already pledged.
		again := n2.do(t, "POST", pledgeURL(f, f.Actions[0].ID), pledgeForm(f, "Nia Node-One", "nia@example.org"), "")
		wantStatus(t, again, http.StatusConflict)
		wantBody(t, again, "This email address has already pledged to this action")
	})

	t.Run("a session made on node 1 is valid on node 2", func(t *testing.T) {
		hash, err := web.HashPassword("correct horse battery", 4)
		if err != nil {
			t.Fatal(err)
		}
		u := gs.User{Email: "organiser@example.org", Name: "Olu Organiser", Role: gs.RoleOrganiser, PasswordHash: hash}
		if err := n1.st.CreateUser(context.Background(), &u); err != nil {
			t.Fatal(err)
		}
		signin := n1.do(t, "POST", "/signin", url.Values{"email": {"organiser@example.org"}, "password": {"correct horse battery"}, "next": {"/admin"}}, "")
		wantStatus(t, signin, http.StatusSeeOther)
		var token string
		for _, c := range (&http.Response{Header: signin.header}).Cookies() {
			if c.Name == "groundswell_session" {
				token = c.Value
			}
		}
		if token == "" {
			t.Fatalf("node 1 set no session cookie: %v", signin.header["Set-Cookie"])
		}

		// Without the cookie node 2 sends to sign in; with it, node 2
		// knows the organiser.
		wantStatus(t, n2.do(t, "GET", "/admin", nil, ""), http.StatusSeeOther)
		admin := n2.do(t, "GET", "/admin", nil, token)
		wantStatus(t, admin, http.StatusOK)
		wantBody(t, admin, "Manage campaigns", "Test call to action")
		wantStatus(t, n1.do(t, "GET", "/admin", nil, token), http.StatusOK)

		// Signing out on node 2 ends the session on node 1 too.
		wantStatus(t, n2.do(t, "POST", "/signout", url.Values{}, token), http.StatusSeeOther)
		for i, n := range nodes {
			res := n.do(t, "GET", "/admin", nil, token)
			if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/signin") {
				t.Errorf("after signing out on node 2, node %d /admin = %d to %q, want a redirect to sign in", i+1, res.status, res.location)
			}
		}
	})
}

// TestTwoNodesRaceOnePledge sends one person's pledge to one action to both
// nodes at once, many times over: exactly one is stored and acknowledged,
// every other answer says it was already made.
func TestTwoNodesRaceOnePledge(t *testing.T) {
	nodes := newNodes(t, 2)
	f := storetest.Seed(t, nodes[0].st)
	const perNode = 10
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for i := range 2 * perNode {
		n := nodes[i%2]
		form := pledgeForm(f, "Rae Race", "rae@example.org")
		// Each its own form (its own submission key), as from two devices.
		form.Set("submission", "race"+strconv.Itoa(i))
		wg.Go(func() {
			res, err := n.send("POST", pledgeURL(f, f.Actions[0].ID), form, "")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			statuses[res.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusSeeOther] != 1 || statuses[http.StatusConflict] != 2*perNode-1 {
		t.Errorf("answers by status = %v, want one 303 and %d 409s", statuses, 2*perNode-1)
	}
	for i, n := range nodes {
		// Not yet confirmed: the pledge is awaiting confirmation.
		if c := count(t, n.st, f.Campaign.ID); c.Awaiting+c.Commitments != 1 {
			t.Errorf("node %d sees %d pledges awaiting confirmation and %d confirmed, want 1 in all", i+1, c.Awaiting, c.Commitments)
		}
	}
}

// TestRateLimitsHoldAcrossNodes: each node counts in memory and shares its
// counts through the database; once they have synced, a sender refused by
// the limit on one node is refused on the other too.
func TestRateLimitsHoldAcrossNodes(t *testing.T) {
	dsn := storetest.PostgresSchema(t)
	var nodes []*node
	var limiters []*ratelimit.Limiter
	for range 2 {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		l := ratelimit.New(st, nil)
		s, err := web.New(web.Options{Store: st, PasswordCost: 4, Limiter: l,
			Limits: web.Limits{PledgePerEmail: ratelimit.Limit{N: 2, Per: time.Hour}}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		nodes, limiters = append(nodes, &node{st: st, srv: srv}), append(limiters, l)
	}
	f := storetest.Seed(t, nodes[0].st)
	a, b := nodes[0], nodes[1]
	sync := func() {
		for _, l := range limiters {
			if err := l.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res := a.do(t, "POST", pledgeURL(f, f.Actions[0].ID), pledgeForm(f, "Asha", "asha@example.org"), ""); res.status != http.StatusSeeOther {
		t.Fatalf("first pledge on node a: %d", res.status)
	}
	sync()
	if res := b.do(t, "POST", pledgeURL(f, f.Actions[1].ID), pledgeForm(f, "Asha", "asha@example.org"), ""); res.status != http.StatusSeeOther {
		t.Fatalf("second pledge, on node b: %d", res.status)
	}
	sync()
	sync() // node a synced before node b had sent its count: a second round tells it
	for _, n := range nodes {
		if res := n.do(t, "POST", pledgeURL(f, f.Actions[0].ID), pledgeForm(f, "Asha", "asha@example.org"), ""); res.status != http.StatusTooManyRequests {
			t.Errorf("a third pledge from the same email was answered %d, want 429 on every node", res.status)
		}
	}
}
