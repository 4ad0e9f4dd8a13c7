package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// copyEnd is one end of a copy: the store and a plain connection to the same
// database, to look at it without the store.
type copyEnd struct {
	st  *store.Store
	raw *sql.DB
}

func (e copyEnd) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := e.raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e copyEnd) counts(t *testing.T) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, table := range store.CopyTables() {
		m[table] = e.count(t, table)
	}
	return m
}

func (e copyEnd) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := e.raw.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func openEnd(t *testing.T, driver, dsn string) copyEnd {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Close()
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return copyEnd{st, raw}
}

func sqliteEnd(t *testing.T) copyEnd {
	return openEnd(t, "sqlite", filepath.Join(t.TempDir(), "source.db"))
}

func postgresEnd(t *testing.T) copyEnd {
	return openEnd(t, "pgx", storetest.PostgresSchema(t))
}

// demoSource is a SQLite store holding the demo data.
func demoSource(t *testing.T) (copyEnd, *gs.Dataset) {
	t.Helper()
	src := sqliteEnd(t)
	ds := demo.Generate()
	if err := src.st.LoadDataset(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return src, ds
}

// TestCopyTablesNameEveryTable fails when a migration adds a table that Copy
// does not know, or when CopyTables is out of foreign-key order.
func TestCopyTablesNameEveryTable(t *testing.T) {
	db := sqliteEnd(t)
	rows, err := db.raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		// Work in flight is not copied: see isWorkInFlight.
		if name != "schema_migrations" && name != "rate_counts" {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	listed := store.CopyTables()
	for _, table := range tables {
		if !slices.Contains(listed, table) {
			t.Errorf("table %s is not in store.CopyTables: add it to copyTables in store/copy.go, after the tables it refers to", table)
		}
	}
	for _, table := range listed {
		if !slices.Contains(tables, table) {
			t.Errorf("store.CopyTables names %s, which the schema does not have", table)
		}
	}
	// Each table refers only to tables before it, or to itself.
	for i, table := range listed {
		rows, err := db.raw.Query(`SELECT "table" FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var parent string
			if err := rows.Scan(&parent); err != nil {
				t.Fatal(err)
			}
			if j := slices.Index(listed, parent); j > i {
				t.Errorf("%s refers to %s, which CopyTables puts after it", table, parent)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCopyDemoIntoPostgres(t *testing.T) {
	ctx := context.Background()
	src, ds := demoSource(t)

	campaigns, err := src.st.Campaigns(ctx, store.CampaignFilter{IncludeDrafts: true})
	if err != nil {
		t.Fatal(err)
	}
	// An organiser, signed in.
	organiser := gs.User{Email: "lead@example.org", Name: "Lead Organiser", Role: gs.RoleOrganiser, PasswordHash: "not-a-real-hash"}
	if err := src.st.CreateUser(ctx, &organiser); err != nil {
		t.Fatal(err)
	}
	sessionToken, err := src.st.CreateSession(ctx, organiser.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	dst := postgresEnd(t)
	var calls []string
	last := map[string][2]int64{}
	rep, err := store.Copy(ctx, src.st, dst.st, func(table string, copied, total int64) {
		if copied == total {
			calls = append(calls, table)
		}
		if prev, ok := last[table]; ok && (copied < prev[0] || prev[0] == prev[1]) {
			t.Errorf("progress for %s went from %d/%d to %d/%d", table, prev[0], prev[1], copied, total)
		}
		last[table] = [2]int64{copied, total}
	})
	if err != nil {
		t.Fatal(err)
	}

	// The report, the progress and the databases agree.
	if !slices.Equal(calls, store.CopyTables()) {
		t.Errorf("tables finished in progress: %v, want each of %v once", calls, store.CopyTables())
	}
	want := src.counts(t)
	got := dst.counts(t)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows in PostgreSQL %v, in SQLite %v", got, want)
	}
	for _, tc := range rep.Tables {
		if tc.Source != want[tc.Table] || tc.Target != got[tc.Table] {
			t.Errorf("report for %s: %+v, want source %d target %d", tc.Table, tc, want[tc.Table], got[tc.Table])
		}
	}
	if len(rep.Tables) != len(store.CopyTables()) || rep.SchemaVersion < 2 {
		t.Errorf("report = %+v", rep)
	}
	if want["people"] != int64(len(ds.People)) || want["commitments"] != int64(len(ds.Commitments)) || want["people"] == 0 {
		t.Fatalf("the source holds %d people and %d commitments; the demo has %d and %d",
			want["people"], want["commitments"], len(ds.People), len(ds.Commitments))
	}

	// What the application reads is the same on both.
	same := func(what string, a, b any) {
		t.Helper()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\nSQLite     %+v\nPostgreSQL %+v", what, a, b)
		}
	}
	for _, c := range campaigns {
		sc, err1 := src.st.CampaignByID(ctx, c.ID)
		dc, err2 := dst.st.CampaignByID(ctx, c.ID)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		same("campaign "+c.Slug, sc, dc)
		same("counts of "+c.Slug, counts(t, src.st, c.ID), counts(t, dst.st, c.ID))
		sg, err1 := src.st.Groups(ctx, c.ID)
		dg, err2 := dst.st.Groups(ctx, c.ID)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		same("groups of "+c.Slug, sg, dg)
		for _, g := range sg {
			sw, err1 := src.st.PledgeWall(ctx, g.ID, 10000)
			dw, err2 := dst.st.PledgeWall(ctx, g.ID, 10000)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			same("pledge wall of "+g.Slug, sw, dw)
		}
	}
	for _, i := range []int{0, len(ds.Commitments) / 2, len(ds.Commitments) - 1} {
		token := ds.Commitments[i].ReceiptToken
		sr, err1 := src.st.Receipt(ctx, token)
		dr, err2 := dst.st.Receipt(ctx, token)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		same("receipt "+token, sr, dr)
	}
	sa, _ := src.st.Areas(ctx)
	da, _ := dst.st.Areas(ctx)
	same("areas", sa, da)
	var srcWall, dstWall int64
	src.raw.QueryRow(`SELECT COUNT(*) FROM people WHERE show_on_wall = 1`).Scan(&srcWall)
	dst.raw.QueryRow(`SELECT COUNT(*) FROM people WHERE show_on_wall`).Scan(&dstWall)
	if srcWall != dstWall || srcWall == 0 || srcWall == want["people"] {
		t.Errorf("people shown on the wall: %d in SQLite, %d in PostgreSQL (of %d)", srcWall, dstWall, want["people"])
	}
	if u, err := dst.st.SessionUser(ctx, sessionToken); err != nil || u.ID != organiser.ID {
		t.Errorf("the organiser's session in PostgreSQL: %+v, %v", u, err)
	}

	// New rows in the target get new ids: the sequences were moved on.
	var action gs.Action
	for _, c := range campaigns {
		if c.Status != gs.CampaignLive {
			continue
		}
		groups, err := dst.st.Groups(ctx, c.ID)
		if err != nil || len(groups) == 0 {
			t.Fatal(groups, err)
		}
		actions, err := dst.st.Actions(ctx, groups[0].ID, false)
		if err != nil || len(actions) == 0 {
			t.Fatal(actions, err)
		}
		action = actions[0].Action
	}
	if action.ID == 0 {
		t.Fatal("the demo has no live campaign to pledge to")
	}
	res, err := dst.st.Pledge(ctx, gs.PledgeInput{ActionID: action.ID, Name: "New Person", Email: "new.person@example.org",
		AreaID: da[0].ID, Profession: "Nurse", ShowOnWall: true})
	if err != nil {
		t.Fatalf("pledge after the copy: %v", err)
	}
	if res.Person.ID <= maxID(t, src, "people") {
		t.Errorf("new person's id %d is not past the copied ones", res.Person.ID)
	}
	if res.Commitment.ID <= maxID(t, src, "commitments") {
		t.Errorf("new commitment's id %d is not past the copied ones", res.Commitment.ID)
	}
	org := gs.Organisation{Name: "New Surgery", Sector: "General practice"}
	if err := dst.st.CreateOrganisation(ctx, &org); err != nil {
		t.Fatalf("create organisation after the copy: %v", err)
	}
	u := gs.User{Email: "second@example.org", Name: "Second Organiser", Role: gs.RoleOrganiser, PasswordHash: "x"}
	if err := dst.st.CreateUser(ctx, &u); err != nil || u.ID <= organiser.ID {
		t.Fatalf("create user after the copy: id %d, %v", u.ID, err)
	}
}

// TestCopyReferenceToALaterRow copies a campaign whose predecessor was
// created after it, far enough after for the two rows to be inserted by
// different statements: the reference must wait for its row.
func TestCopyReferenceToALaterRow(t *testing.T) {
	ctx := context.Background()
	src := sqliteEnd(t)
	ds := &gs.Dataset{}
	for i := range 1200 {
		ds.Campaigns = append(ds.Campaigns, gs.Campaign{Slug: fmt.Sprintf("wave-%d", i+1), Title: "A wave", Purpose: "To test.",
			StartsOn: gs.MustDate("2027-01-01"), Status: gs.CampaignDraft})
	}
	if err := src.st.LoadDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	first, err := src.st.CampaignBySlug(ctx, "wave-1")
	if err != nil {
		t.Fatal(err)
	}
	last, err := src.st.CampaignBySlug(ctx, "wave-1200")
	if err != nil {
		t.Fatal(err)
	}
	first.PredecessorID = last.ID
	if err := src.st.UpdateCampaign(ctx, &first); err != nil {
		t.Fatal(err)
	}

	dst := postgresEnd(t)
	if _, err := store.Copy(ctx, src.st, dst.st, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{first.ID, last.ID} {
		sc, err1 := src.st.CampaignByID(ctx, id)
		dc, err2 := dst.st.CampaignByID(ctx, id)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !reflect.DeepEqual(sc, dc) {
			t.Errorf("campaign %d:\nSQLite     %+v\nPostgreSQL %+v", id, sc, dc)
		}
	}
}

func maxID(t *testing.T, e copyEnd, table string) int64 {
	t.Helper()
	var n int64
	if err := e.raw.QueryRow(`SELECT MAX(id) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// smallSource is a SQLite store with a campaign and a few pledges.
func smallSource(t *testing.T) copyEnd {
	t.Helper()
	src := sqliteEnd(t)
	f := storetest.Seed(t, src.st)
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		if _, err := src.st.Pledge(context.Background(), f.Pledge(email)); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	ctx := context.Background()
	src := smallSource(t)

	t.Run("campaign", func(t *testing.T) {
		dst := postgresEnd(t)
		storetest.Seed(t, dst.st)
		before := dst.counts(t)
		_, err := store.Copy(ctx, src.st, dst.st, nil)
		wantCode(t, err, gs.ECONFLICT)
		if !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "campaigns (1)") {
			t.Errorf("error does not say the target is not empty, and where: %v", err)
		}
		if after := dst.counts(t); !reflect.DeepEqual(after, before) {
			t.Errorf("target changed: %v, was %v", after, before)
		}
	})
	t.Run("area", func(t *testing.T) {
		// An area beside the seeded ones, and nothing else: not empty.
		dst := postgresEnd(t)
		ds := &gs.Dataset{Areas: []gs.Area{{Code: "E38000999", Name: "Somewhere ICB", Kind: "icb"}}}
		if err := dst.st.LoadDataset(ctx, ds); err != nil {
			t.Fatal(err)
		}
		before := dst.counts(t)
		_, err := store.Copy(ctx, src.st, dst.st, nil)
		wantCode(t, err, gs.ECONFLICT)
		if !strings.Contains(err.Error(), "in areas") {
			t.Errorf("error does not name areas: %v", err)
		}
		if after := dst.counts(t); !reflect.DeepEqual(after, before) {
			t.Errorf("target changed: %v, was %v", after, before)
		}
	})
	t.Run("changed seed area", func(t *testing.T) {
		dst := postgresEnd(t)
		dst.exec(t, `UPDATE areas SET population = population + 1 WHERE code = 'E40000003'`)
		_, err := store.Copy(ctx, src.st, dst.st, nil)
		wantCode(t, err, gs.ECONFLICT)
		if got := dst.count(t, "areas"); got != 8 {
			t.Errorf("target has %d areas, want its 8 left alone", got)
		}
	})
	t.Run("copied already", func(t *testing.T) {
		dst := postgresEnd(t)
		if _, err := store.Copy(ctx, src.st, dst.st, nil); err != nil {
			t.Fatal(err)
		}
		before := dst.counts(t)
		_, err := store.Copy(ctx, src.st, dst.st, nil)
		wantCode(t, err, gs.ECONFLICT)
		if after := dst.counts(t); !reflect.DeepEqual(after, before) {
			t.Errorf("target changed: %v, was %v", after, before)
		}
	})
}

// TestCopyIsAllOrNothing breaks the copy part way, at the last person — a
// row SQLite accepts and PostgreSQL refuses, after every table before people
// and the first batches of people have been written — and finds the target
// as it was.
func TestCopyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	src := smallSource(t)
	ds := &gs.Dataset{}
	for i := range 1200 {
		ds.People = append(ds.People, gs.Person{Email: fmt.Sprintf("person%d@example.org", i), Name: fmt.Sprintf("Person %d", i),
			ReferralCode: fmt.Sprintf("TEST%06d", i), ShowOnWall: i%2 == 0})
	}
	if err := src.st.LoadDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	dst := postgresEnd(t)
	before := dst.counts(t)

	var lastID int64
	var name string
	if err := src.raw.QueryRow(`SELECT id, name FROM people ORDER BY id DESC LIMIT 1`).Scan(&lastID, &name); err != nil {
		t.Fatal(err)
	}
	src.exec(t, `UPDATE people SET name = ? WHERE id = ?`, name+"\x00", lastID)
	var progressed int64
	_, err := store.Copy(ctx, src.st, dst.st, func(table string, copied, total int64) {
		if table == "people" {
			progressed = copied
		}
	})
	if err == nil {
		t.Fatal("a name with a NUL byte was copied into PostgreSQL")
	}
	if !strings.Contains(err.Error(), "copy people") {
		t.Errorf("error does not name the table: %v", err)
	}
	if progressed == 0 {
		t.Errorf("no batch of people was written before the failure: the test proves less than it claims")
	}
	if after := dst.counts(t); !reflect.DeepEqual(after, before) {
		t.Errorf("after a failed copy the target has %v, was %v", after, before)
	}

	// Mended, the copy goes through into the same target.
	src.exec(t, `UPDATE people SET name = ? WHERE id = ?`, name, lastID)
	if _, err := store.Copy(ctx, src.st, dst.st, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := dst.counts(t), src.counts(t); !reflect.DeepEqual(got, want) {
		t.Errorf("rows in PostgreSQL %v, in SQLite %v", got, want)
	}
}

func TestCopyRefusesOtherDirectionsAndVersions(t *testing.T) {
	ctx := context.Background()
	src := smallSource(t)
	dst := postgresEnd(t)

	for _, c := range []struct {
		name     string
		from, to *store.Store
	}{
		{"postgres to sqlite", dst.st, src.st},
		{"sqlite to sqlite", src.st, storetest.Open(t)},
		{"postgres to postgres", dst.st, storetest.OpenPostgres(t)},
	} {
		_, err := store.Copy(ctx, c.from, c.to, nil)
		wantCode(t, err, gs.EINVALID)
		if !strings.Contains(err.Error(), "only a copy from SQLite into PostgreSQL") {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	dst.exec(t, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`)
	_, err := store.Copy(ctx, src.st, dst.st, nil)
	wantCode(t, err, gs.ECONFLICT)
	if !strings.Contains(err.Error(), "schema version") {
		t.Errorf("error does not explain the version mismatch: %v", err)
	}
	if got := dst.count(t, "campaigns"); got != 0 {
		t.Errorf("target has %d campaigns after a refused copy", got)
	}
}
