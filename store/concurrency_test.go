package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// Several web nodes share one PostgreSQL database, each with its own Store
// (its own pool and its own pledge queue). These tests open two stores on one
// schema — two nodes — and check that what one node's checks cannot see, the
// database's constraints still refuse.

// twoNodes opens two stores on one fresh PostgreSQL schema, as two web nodes
// would, and returns them with the schema's URL.
func twoNodes(t *testing.T) (node1, node2 *store.Store, dsn string) {
	t.Helper()
	dsn = storetest.PostgresSchema(t)
	// Both nodes start at once: the migration lock lets one migrate and the
	// other find the work done.
	var stores [2]*store.Store
	var errs [2]error
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = store.Open(context.Background(), dsn) })
	}
	wg.Wait()
	for i, st := range stores {
		if st != nil {
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("close node %d: %v", i+1, err)
				}
			})
		}
	}
	if err := errors.Join(errs[:]...); err != nil {
		t.Fatalf("open two nodes at once: %v", err)
	}
	node1, node2 = stores[0], stores[1]
	return node1, node2, dsn
}

// pledgeRace sends 200 pledges at once to one action, spread over the given
// stores: 100 distinct emails, each sent twice (once to each store when there
// are two). It checks every answer is a success or an ECONFLICT, each email
// acknowledged once, and — counting the rows themselves through db, so that
// whatever the campaign page counts (confirmed pledges, say) does not matter
// — exactly 100 people and 100 commitments stored.
func pledgeRace(t *testing.T, db *sql.DB, nodes ...*store.Store) {
	t.Helper()
	ctx := context.Background()
	f := storetest.Seed(t, nodes[0])
	const people = 100
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		ok        = map[string]int{}
		conflicts int
	)
	for i := range 2 * people {
		st := nodes[i%len(nodes)]
		email := fmt.Sprintf("person-%03d@example.org", i/2)
		wg.Go(func() {
			_, err := st.Pledge(ctx, f.Pledge(email))
			mu.Lock()
			defer mu.Unlock()
			switch gs.ErrorCode(err) {
			case "":
				ok[email]++
			case gs.ECONFLICT:
				conflicts++
			default:
				t.Errorf("pledge by %s: %v (code %q), want success or ECONFLICT", email, err, gs.ErrorCode(err))
			}
		})
	}
	wg.Wait()
	if len(ok) != people || conflicts != people {
		t.Errorf("%d emails pledged and %d conflicts, want %d and %d", len(ok), conflicts, people, people)
	}
	for email, n := range ok {
		if n != 1 {
			t.Errorf("%s acknowledged %d times, want once", email, n)
		}
	}
	var persons, commitments, pairs int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM people),
		(SELECT COUNT(*) FROM commitments WHERE action_id = `+fmt.Sprint(f.Actions[0].ID)+`),
		(SELECT COUNT(DISTINCT person_id) FROM commitments WHERE action_id = `+fmt.Sprint(f.Actions[0].ID)+`)`).Scan(&persons, &commitments, &pairs); err != nil {
		t.Fatal(err)
	}
	if persons != people || commitments != people || pairs != people {
		t.Errorf("stored %d people and %d commitments by %d people; want %d of each", persons, commitments, pairs, people)
	}
}

// TestPledgeRaceAcrossTwoNodes: 200 concurrent pledges to one action through
// two stores on one PostgreSQL schema, each email sent once to each node.
func TestPledgeRaceAcrossTwoNodes(t *testing.T) {
	node1, node2, dsn := twoNodes(t)
	pledgeRace(t, rawDB(t, "pgx", dsn), node1, node2)
}

// TestPledgeRaceOneStore is the same race through one store, on SQLite and
// on PostgreSQL.
func TestPledgeRaceOneStore(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "race.db")
		st, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		pledgeRace(t, rawDB(t, "sqlite", path), st)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresSchema(t)
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		pledgeRace(t, rawDB(t, "pgx", dsn), st)
	})
}

// rawDB opens the database behind a store directly, without the store.
func rawDB(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestDatabaseRefusesDuplicateCommitments shows that the duplicate rule is a
// constraint of the database, not a check of the application: a raw INSERT
// of a second commitment for the same person and action, bypassing the
// store, fails with a unique violation.
func TestDatabaseRefusesDuplicateCommitments(t *testing.T) {
	node1, _, dsn := twoNodes(t)
	ctx := context.Background()
	f := storetest.Seed(t, node1)
	res, err := node1.Pledge(ctx, f.Pledge("asha@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, "pgx", dsn)
	_, err = db.ExecContext(ctx, `INSERT INTO commitments (person_id, action_id, campaign_id, status, channel, receipt_token, created_at, updated_at)
		VALUES ($1, $2, $3, 'pledged', 'web', 'another-receipt-token', 0, 0)`,
		res.Person.ID, f.Actions[0].ID, f.Campaign.ID)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		t.Fatalf("raw duplicate INSERT: %v, want a unique violation (23505)", err)
	}
	if pe.ConstraintName != "commitments_person_id_action_id_key" {
		t.Errorf("violated constraint %q, want the (person_id, action_id) one", pe.ConstraintName)
	}
	// The same person and another action is allowed: the constraint is on
	// the pair.
	if _, err := db.ExecContext(ctx, `INSERT INTO commitments (person_id, action_id, campaign_id, status, channel, receipt_token, created_at, updated_at)
		VALUES ($1, $2, $3, 'pledged', 'web', 'another-receipt-token', 0, 0)`,
		res.Person.ID, f.Actions[1].ID, f.Campaign.ID); err != nil {
		t.Fatalf("raw INSERT for a second action: %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM commitments WHERE person_id = $1`, res.Person.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("commitments of the person = %d (%v), want 2", n, err)
	}
	// And a second person with the same email is refused the same way.
	_, err = db.ExecContext(ctx, `INSERT INTO people (email, name, referral_code, created_at) VALUES ('asha@example.org', 'Copy', 'ZZZZZZZZZZ', 0)`)
	if !errors.As(err, &pe) || pe.Code != "23505" {
		t.Errorf("raw duplicate person: %v, want a unique violation", err)
	}
}

// TestConcurrentDemoLoadsLoadOnce: two nodes running `groundswell demo` at
// the same moment on one PostgreSQL database. Both pass the "is it loaded?"
// check before either commits; the loser must get ECONFLICT (which the
// command reports as "Demo data already loaded"), not a driver error, and the
// data must be there once.
func TestConcurrentDemoLoadsLoadOnce(t *testing.T) {
	node1, node2, _ := twoNodes(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i, st := range []*store.Store{node1, node2} {
		wg.Go(func() {
			ds := demo.Generate()
			<-start
			errs[i] = st.LoadDataset(ctx, ds)
		})
	}
	close(start)
	wg.Wait()
	loaded, conflicts := 0, 0
	for _, err := range errs {
		switch gs.ErrorCode(err) {
		case "":
			loaded++
		case gs.ECONFLICT:
			conflicts++
		default:
			t.Errorf("concurrent load: %v (code %q), want success or ECONFLICT", err, gs.ErrorCode(err))
		}
	}
	if loaded != 1 || conflicts != 1 {
		t.Fatalf("%d loads succeeded and %d conflicted (%v), want 1 and 1", loaded, conflicts, errs)
	}
	campaigns, err := node2.Campaigns(ctx, store.CampaignFilter{IncludeDrafts: true})
	if err != nil || len(campaigns) != len(demo.Generate().Campaigns) {
		t.Fatalf("campaigns = %d (%v), want the demo's %d once", len(campaigns), err, len(demo.Generate().Campaigns))
	}
	// Loaded once: the same counts as a demo loaded alone.
	alone := storetest.OpenPostgres(t)
	if err := alone.LoadDataset(ctx, demo.Generate()); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{demo.CampaignSlug} {
		c1, err := node1.CampaignBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := alone.CampaignBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := counts(t, node1, c1.ID), counts(t, alone, c2.ID); got != want {
			t.Errorf("counts after two concurrent loads = %+v, want those of one load %+v", got, want)
		}
	}
}
