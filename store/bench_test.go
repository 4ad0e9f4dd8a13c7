package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// benchTarget is a store holding the demo data and what a pledge to its live
// campaign needs.
type benchTarget struct {
	st      *store.Store
	actions []int64
	area    int64
}

// newBenchTarget opens a fresh database — a SQLite file (WAL,
// synchronous=NORMAL, as in production) when dsn is "", else the PostgreSQL
// URL given — and loads the demo data set into it.
func newBenchTarget(b *testing.B, dsn string) benchTarget {
	b.Helper()
	ctx := context.Background()
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.LoadDataset(ctx, demo.Generate()); err != nil {
		b.Fatal(err)
	}
	c, err := st.CampaignBySlug(ctx, "the-right-care")
	if err != nil {
		b.Fatal(err)
	}
	if c.Status != gs.CampaignLive {
		b.Fatalf("demo campaign %s is %s, want live", c.Slug, c.Status)
	}
	t := benchTarget{st: st}
	groups, err := st.Groups(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range groups {
		as, err := st.Actions(ctx, g.ID, false)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range as {
			t.actions = append(t.actions, a.ID)
		}
	}
	areas, err := st.Areas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range areas {
		if a.Kind != "nation" {
			t.area = a.ID
			break
		}
	}
	if len(t.actions) == 0 || t.area == 0 {
		b.Fatalf("demo data has %d live actions and area %d", len(t.actions), t.area)
	}
	return t
}

var benchSeq atomic.Int64

// input is a new pledge: unique email and submission key, as the form sends.
func (t benchTarget) input() gs.PledgeInput {
	n := benchSeq.Add(1)
	return gs.PledgeInput{
		ActionID:      t.actions[int(n)%len(t.actions)],
		Name:          fmt.Sprintf("Bench %d", n),
		Email:         fmt.Sprintf("bench-%d@example.org", n),
		Profession:    "Ward nurse",
		AreaID:        t.area,
		WhyItMatters:  "Because people with dementia deserve the right care.",
		ShowOnWall:    true,
		SubmissionKey: fmt.Sprintf("bench%d", n),
	}
}

// BenchmarkPledge measures store.Pledge, the write path of the public form:
// one call is one new person and one commitment, committed (WAL,
// synchronous=NORMAL). "serial" is one caller at a time; "clients64" is 64
// concurrent callers, as in the load target. pledges/s is wall-clock.
//
// "postgres/…" runs the same on a fresh schema of the PostgreSQL server named
// by GROUNDSWELL_TEST_POSTGRES (skipped when it is unset). The test server
// scripts/test starts runs with fsync=off: to measure, point the variable at
// a server with the durable defaults (docs/PERFORMANCE.md).
func BenchmarkPledge(b *testing.B) {
	benchPledge(b, func(b *testing.B) string { return "" })
	b.Run("postgres", func(b *testing.B) {
		storetest.PostgresURL(b) // skips here, on this benchmark's goroutine, when unset
		benchPledge(b, func(b *testing.B) string { return storetest.PostgresSchema(b) })
	})
}

// benchPledge runs the serial and clients64 benchmarks on a database that
// dsn makes (called once per sub-benchmark, with the parent benchmark).
func benchPledge(b *testing.B, dsn func(*testing.B) string) {
	ctx := context.Background()
	// One store per sub-benchmark, shared by its rounds (b.N grows): loading
	// the demo data is not what is measured.
	serial := onceTarget(b, dsn)
	b.Run("serial", func(b *testing.B) {
		t := serial()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := t.st.Pledge(ctx, t.input()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pledges/s")
	})
	parallel := onceTarget(b, dsn)
	b.Run("clients64", func(b *testing.B) {
		t := parallel()
		b.ReportAllocs()
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := t.st.Pledge(ctx, t.input()); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pledges/s")
	})
}

// onceTarget returns a function that makes the bench target on first call,
// owned by b (the parent benchmark), and returns the same one after.
func onceTarget(b *testing.B, dsn func(*testing.B) string) func() benchTarget {
	var t benchTarget
	return func() benchTarget {
		if t.st == nil {
			t = newBenchTarget(b, dsn(b))
		}
		return t
	}
}
