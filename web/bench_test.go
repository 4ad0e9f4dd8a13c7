package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/web"
)

const benchCampaign = "the-right-care"

// benchServer is the web app on a fresh SQLite file holding the demo data,
// with the live actions a pledge can go to and an area to send.
func benchServer(b *testing.B) (http.Handler, []int64, int64) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.LoadDataset(ctx, demo.Generate()); err != nil {
		b.Fatal(err)
	}
	c, err := st.CampaignBySlug(ctx, benchCampaign)
	if err != nil {
		b.Fatal(err)
	}
	groups, err := st.Groups(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	var actions []int64
	for _, g := range groups {
		as, err := st.Actions(ctx, g.ID, false)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range as {
			actions = append(actions, a.ID)
		}
	}
	areas, err := st.Areas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var area int64
	for _, a := range areas {
		if a.Kind != "nation" {
			area = a.ID
			break
		}
	}
	if len(actions) == 0 || area == 0 {
		b.Fatalf("demo data has %d live actions and area %d", len(actions), area)
	}
	srv, err := web.New(web.Options{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return srv, actions, area
}

var benchSeq atomic.Int64

// pledgeRequest is a new pledge form as a browser posts it: unique email and
// submission key.
func pledgeRequest(actions []int64, area int64) *http.Request {
	n := benchSeq.Add(1)
	form := url.Values{
		"name":         {"Bench " + strconv.FormatInt(n, 10)},
		"email":        {fmt.Sprintf("webbench-%d@example.org", n)},
		"profession":   {"Ward nurse"},
		"area_id":      {strconv.FormatInt(area, 10)},
		"why":          {"Because people with dementia deserve the right care."},
		"show_on_wall": {"yes"},
		"submission":   {fmt.Sprintf("webbench%d", n)},
	}
	path := fmt.Sprintf("/campaigns/%s/actions/%d/pledge", benchCampaign, actions[int(n)%len(actions)])
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// runHandler serves new pledge forms through h, serially and with 64
// concurrent callers, and checks every answer is a 303 to a receipt.
func runHandler(b *testing.B, setup func(*testing.B) (http.Handler, []int64, int64)) {
	serve := func(h http.Handler, actions []int64, area int64) error {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, pledgeRequest(actions, area))
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/pledges/") {
			return fmt.Errorf("got %d, Location %q; want 303 to /pledges/…\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		return nil
	}
	// One server per sub-benchmark, shared by its rounds (b.N grows):
	// loading the demo data is not what is measured.
	once := func() func() (http.Handler, []int64, int64) {
		var h http.Handler
		var actions []int64
		var area int64
		return func() (http.Handler, []int64, int64) {
			if h == nil {
				h, actions, area = setup(b)
			}
			return h, actions, area
		}
	}
	serial := once()
	b.Run("serial", func(b *testing.B) {
		h, actions, area := serial()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := serve(h, actions, area); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	parallel := once()
	b.Run("clients64", func(b *testing.B) {
		h, actions, area := parallel()
		b.ReportAllocs()
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := serve(h, actions, area); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

// BenchmarkPledgeHandler measures the pledge write path through the whole web
// app — middleware, routing, form parsing, the store's transaction — without
// a network: requests go straight to ServeHTTP.
func BenchmarkPledgeHandler(b *testing.B) {
	runHandler(b, benchServer)
}

// BenchmarkBareHandler is the reference for BenchmarkPledgeHandler: the same
// requests to a handler that only reads the form and answers 303, as
// cmd/pledgeload's --bare mode does over the network.
func BenchmarkBareHandler(b *testing.B) {
	runHandler(b, func(*testing.B) (http.Handler, []int64, int64) {
		mux := http.NewServeMux()
		var n atomic.Int64
		mux.HandleFunc("POST /campaigns/{slug}/actions/{action}/pledge", func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil || r.PostForm.Get("email") == "" {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			http.Redirect(w, r, "/pledges/"+strconv.FormatInt(n.Add(1), 36), http.StatusSeeOther)
		})
		return mux, []int64{1}, 1
	})
}
