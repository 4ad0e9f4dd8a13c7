package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// batchFixture is a live campaign with two actions, made through the store's
// own methods (storetest cannot be used here: it imports this package).
type batchFixture struct {
	st      *Store
	actions [2]int64
	area    int64
}

func newBatchFixture(t *testing.T) batchFixture {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := gs.Campaign{Title: "Batch test", Purpose: "To test group commit.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
	if err := st.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	g := gs.Group{CampaignID: c.ID, Name: "Ward staff", Goal: "Ask before prescribing.", Target: 10}
	if err := st.CreateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	f := batchFixture{st: st}
	for i, title := range []string{"Review prescriptions", "Talk to a carer"} {
		a := gs.Action{GroupID: g.ID, Title: title, DueOn: gs.MustDate("2027-03-31"), Target: 5}
		if err := st.CreateAction(ctx, &a); err != nil {
			t.Fatal(err)
		}
		f.actions[i] = a.ID
	}
	areas, err := st.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		if a.Kind == "region" {
			f.area = a.ID
			break
		}
	}
	return f
}

func (f batchFixture) input(email string, action int) gs.PledgeInput {
	in := gs.PledgeInput{ActionID: f.actions[action], Name: "Asha Patel", Email: email, Profession: "Nurse", AreaID: f.area}
	if err := in.Validate(); err != nil {
		panic(err)
	}
	return in
}

func (f batchFixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.st.read.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBatchRollsBackOnlyTheFailedPledges(t *testing.T) {
	f := newBatchFixture(t)
	ctx := context.Background()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	badArea := f.input("b@example.org", 0)
	badArea.AreaID = 9999
	calls := []*pledgeCall{
		{ctx: ctx, in: f.input("a@example.org", 0)},
		{ctx: ctx, in: badArea},                        // unknown area
		{ctx: ctx, in: f.input("a@example.org", 0)},    // a pledged to this action just above, same transaction
		{ctx: gone, in: f.input("c@example.org", 0)},   // caller went away before its turn
		{ctx: ctx, in: f.input("d@example.org", 0)},    // after three failures, still written
		{ctx: ctx, in: f.input("a@example.org", 1)},    // the same person, another action
		{ctx: ctx, in: gs.PledgeInput{ActionID: 9999}}, // no such action
	}
	f.st.commitPledges(ctx, calls)

	wantCodes := []string{"", gs.EINVALID, gs.ECONFLICT, "ctx", "", "", gs.ENOTFOUND}
	for i, c := range calls {
		switch want := wantCodes[i]; want {
		case "":
			if c.err != nil || c.res.Commitment.ID == 0 || c.res.Commitment.ReceiptToken == "" {
				t.Errorf("call %d: result %+v, error %v; want a stored pledge", i, c.res, c.err)
			}
		case "ctx":
			if c.err != context.Canceled {
				t.Errorf("call %d: error %v, want context.Canceled", i, c.err)
			}
		default:
			if gs.ErrorCode(c.err) != want || c.res.Commitment.ID != 0 {
				t.Errorf("call %d: result %+v, error %v; want code %s and no pledge", i, c.res, c.err, want)
			}
		}
	}
	if calls[0].res.Person.ID != calls[5].res.Person.ID {
		t.Errorf("a@example.org became two people: %d and %d", calls[0].res.Person.ID, calls[5].res.Person.ID)
	}
	if n := f.count(t, "people"); n != 2 {
		t.Errorf("%d people stored, want 2 (a and d)", n)
	}
	if n := f.count(t, "commitments"); n != 3 {
		t.Errorf("%d commitments stored, want 3", n)
	}
	for _, i := range []int{0, 4, 5} {
		if _, err := f.st.Receipt(ctx, calls[i].res.Commitment.ReceiptToken); err != nil {
			t.Errorf("receipt of call %d: %v", i, err)
		}
	}
}

func TestBatchThatCannotCommitAcknowledgesNothing(t *testing.T) {
	f := newBatchFixture(t)
	ctx := context.Background()
	calls := []*pledgeCall{{ctx: ctx, in: f.input("a@example.org", 0)}, {ctx: ctx, in: f.input("b@example.org", 1)}}
	f.st.write.Close() // every write now fails
	f.st.commitPledges(ctx, calls)
	for i, c := range calls {
		if c.err == nil || c.res.Commitment.ID != 0 {
			t.Errorf("call %d: result %+v, error %v; want an error and no pledge", i, c.res, c.err)
		}
	}
}

// Many concurrent callers, some with bad input: each gets its own answer, and
// exactly the good pledges are stored, however the queue batched them.
func TestConcurrentPledgesEachGetTheirOwnAnswer(t *testing.T) {
	f := newBatchFixture(t)
	ctx := context.Background()
	const n = 300
	errs := make([]error, n)
	res := make([]gs.PledgeResult, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			in := f.input(fmt.Sprintf("p%d@example.org", i), i%2)
			if i%5 == 0 {
				in.AreaID = 9999
			}
			res[i], errs[i] = f.st.Pledge(ctx, in)
		})
	}
	wg.Wait()
	good := 0
	for i := range n {
		if i%5 == 0 {
			if gs.ErrorCode(errs[i]) != gs.EINVALID {
				t.Errorf("pledge %d (bad area): error %v, want EINVALID", i, errs[i])
			}
			continue
		}
		good++
		if errs[i] != nil {
			t.Errorf("pledge %d: %v", i, errs[i])
			continue
		}
		if want := fmt.Sprintf("p%d@example.org", i); res[i].Person.Email != want {
			t.Errorf("pledge %d answered with %s's pledge", i, res[i].Person.Email)
		}
	}
	if got := f.count(t, "commitments"); got != good {
		t.Errorf("%d commitments stored, want %d", got, good)
	}
	if q := &f.st.pledges[0]; len(q.calls) != 0 {
		t.Errorf("%d calls left in the queue", len(q.calls))
	}
}
