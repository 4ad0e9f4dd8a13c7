package store_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func records(rs ...store.ObservationRecord) iter.Seq2[store.ObservationRecord, error] {
	return func(yield func(store.ObservationRecord, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func ptr(f float64) *float64 { return &f }

func TestImportObservations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ind := gs.Indicator{Slug: "waits", Name: "Waits", Unit: "%", Direction: "down"}
		if err := st.CreateIndicator(ctx, &ind); err != nil {
			t.Fatal(err)
		}
		first := []store.ObservationRecord{
			{Indicator: "waits", AreaCode: "E92000001", AreaName: "Not renamed", Period: gs.MustDate("2024-01-01"), Numerator: ptr(5), Denominator: ptr(100), Value: 5},
			{Indicator: "waits", AreaCode: "E92000001", AreaName: "England", Period: gs.MustDate("2024-02-01"), Value: 6},
			{Indicator: "waits", AreaCode: "X0001", AreaName: "Newtown", Period: gs.MustDate("2024-01-01"), Value: 7},
		}
		var progress []int64
		rep, err := st.ImportObservations(ctx, records(first...), func(n int64) { progress = append(progress, n) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 3 || rep.Inserted != 3 || rep.Updated != 0 || !slices.Equal(rep.AreasCreated, []string{"X0001"}) {
			t.Errorf("first import = %+v, want 3 inserted, X0001 created", rep)
		}
		if !slices.Equal(progress, []int64{3}) {
			t.Errorf("progress = %v, want [3]", progress)
		}
		areas, err := st.ObservedAreas(ctx, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(areas) != 2 || areas[0].Name != "England" || areas[1].Name != "Newtown" || areas[1].Kind != "area" || areas[1].ParentID != 0 {
			t.Fatalf("observed areas = %+v, want England (kept its name) and the new Newtown, kind area", areas)
		}

		// Again, with one value changed and one new period: updates, not duplicates.
		second := slices.Clone(first)
		second[0].Value, second[0].Numerator = 4, ptr(4)
		second = append(second, store.ObservationRecord{Indicator: "waits", AreaCode: "E92000001", Period: gs.MustDate("2024-03-01"), Value: 3})
		rep, err = st.ImportObservations(ctx, records(second...), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 4 || rep.Inserted != 1 || rep.Updated != 3 || len(rep.AreasCreated) != 0 {
			t.Errorf("second import = %+v, want 1 inserted, 3 updated", rep)
		}
		obs, err := st.Observations(ctx, ind.ID, areas[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) != 3 || obs[0].Value != 4 || *obs[0].Numerator != 4 || *obs[0].Denominator != 100 || obs[1].Numerator != nil || obs[2].Value != 3 {
			t.Errorf("England's observations after re-import = %+v", obs)
		}

		// Unknown indicator: nothing stored, not even the area before it.
		bad := records(
			store.ObservationRecord{Indicator: "waits", AreaCode: "X0002", AreaName: "Oldtown", Period: gs.MustDate("2024-01-01"), Value: 1},
			store.ObservationRecord{Indicator: "nope", AreaCode: "E92000001", Period: gs.MustDate("2024-01-01"), Value: 1},
		)
		if _, err := st.ImportObservations(ctx, bad, nil); gs.ErrorCode(err) != gs.EINVALID {
			t.Errorf("unknown indicator: err = %v, want EINVALID", err)
		}
		// The rows' own error: rolled back, returned as it is.
		stop := errors.New("bad rows")
		failing := func(yield func(store.ObservationRecord, error) bool) {
			if yield(store.ObservationRecord{Indicator: "waits", AreaCode: "X0003", AreaName: "Midtown", Period: gs.MustDate("2024-01-01"), Value: 1}, nil) {
				yield(store.ObservationRecord{}, stop)
			}
		}
		if _, err := st.ImportObservations(ctx, failing, nil); err != stop {
			t.Errorf("failing rows: err = %v, want it returned as it is", err)
		}
		areas, err = st.ObservedAreas(ctx, ind.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(areas) != 2 {
			t.Errorf("after failed imports, observed areas = %+v, want the two from before", areas)
		}
		all, err := st.Areas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range all {
			if a.Code == "X0002" || a.Code == "X0003" {
				t.Errorf("area %s was created by an import that failed", a.Code)
			}
		}
	})
}

// TestImportObservationsBatches crosses batch boundaries.
func TestImportObservationsBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.CreateIndicator(ctx, &gs.Indicator{Slug: "n", Name: "N", Direction: "neither"}); err != nil {
			t.Fatal(err)
		}
		const n = 1234
		rep, err := st.ImportObservations(ctx, generated(n, 10), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != n || len(rep.AreasCreated) != 10 {
			t.Errorf("import of %d = %+v", n, rep)
		}
		rep, err = st.ImportObservations(ctx, generated(n, 10), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inserted != 0 || rep.Updated != n {
			t.Errorf("re-import of %d = %+v", n, rep)
		}
	})
}

// generated yields n observations of indicator "n" spread over areas areas,
// one a day.
func generated(n, areas int) iter.Seq2[store.ObservationRecord, error] {
	return func(yield func(store.ObservationRecord, error) bool) {
		start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			area := i % areas
			r := store.ObservationRecord{Indicator: "n", AreaCode: fmt.Sprintf("G%05d", area), AreaName: fmt.Sprintf("Area %d", area),
				Period: gs.DateOf(start.AddDate(0, 0, i/areas)), Numerator: ptr(float64(i % 50)), Denominator: ptr(100), Value: float64(i%50) / 100}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// BenchmarkImportObservations imports 100,000 rows into a fresh SQLite store.
func BenchmarkImportObservations(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := st.CreateIndicator(ctx, &gs.Indicator{Slug: "n", Name: "N", Direction: "neither"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := st.ImportObservations(ctx, generated(n, 200), nil)
		if err != nil || rep.Inserted != n {
			b.Fatalf("import: %+v, %v", rep, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
