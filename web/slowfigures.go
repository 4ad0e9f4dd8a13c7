package web

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
)

// The dashboard's figures that need every relationship and commitment of a
// campaign — the invitation graph's summary and the carry-over from its
// predecessor — cost seconds at national scale, where the rollups make the
// rest cost milliseconds. They are kept per campaign for a minute on each
// node: a request for a stale entry gets it at once and refreshes it in the
// background, and the page says when the figures were counted.

const slowFiguresFor = time.Minute

type slowFigures struct {
	At    time.Time
	Graph mobilise.Summary
	// Invited are the invitations' times, oldest first, to count those made
	// by the end of each bucket.
	Invited []time.Time
	Carry   mobilise.CarryOver
	// Drawing and Top are the network page's: the trees it draws and the
	// top connectors.
	Drawing mobilise.Drawing
	Top     []mobilise.Node
}

type slowEntry struct {
	figures    *slowFigures
	err        error
	ready      chan struct{} // closed when the first computation ends
	refreshing bool
}

type slowCache struct {
	mu      sync.Mutex
	entries map[int64]*slowEntry
}

// get returns a campaign's slow figures: fresh ones, stale ones while a
// refresh runs, or, the first time, waits for them.
func (s *Server) slowFigures(ctx context.Context, c gs.Campaign, m mobilisationInputs) (*slowFigures, error) {
	sc := &s.slow
	sc.mu.Lock()
	if sc.entries == nil {
		sc.entries = map[int64]*slowEntry{}
	}
	e := sc.entries[c.ID]
	if e == nil {
		e = &slowEntry{ready: make(chan struct{}), refreshing: true}
		sc.entries[c.ID] = e
		sc.mu.Unlock()
		var f *slowFigures
		err := fmt.Errorf("dashboard figures of campaign %d: not counted", c.ID)
		// Whatever happens — an error, a panic — the waiters are released
		// and a failed entry is dropped, to be tried again next time.
		defer func() {
			sc.mu.Lock()
			e.figures, e.err, e.refreshing = f, err, false
			close(e.ready)
			if err != nil {
				delete(sc.entries, c.ID)
			}
			sc.mu.Unlock()
		}()
		f, err = s.computeSlowFigures(context.WithoutCancel(ctx), c, m)
		return f, err
	}
	sc.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if e.figures != nil && time.Since(e.figures.At) > slowFiguresFor && !e.refreshing {
		e.refreshing = true
		go func() {
			f, err := s.computeSlowFigures(context.Background(), c, m)
			sc.mu.Lock()
			defer sc.mu.Unlock()
			e.refreshing = false
			if err != nil {
				s.log.Error("refresh dashboard figures", "campaign", c.ID, "err", err)
				return
			}
			e.figures = f
		}()
	}
	return e.figures, e.err
}

// mobilisationInputs are what the slow figures need besides the
// relationships and commitments they read themselves.
type mobilisationInputs struct {
	members []mobilise.Member
}

func (s *Server) computeSlowFigures(ctx context.Context, c gs.Campaign, m mobilisationInputs) (*slowFigures, error) {
	f := &slowFigures{At: time.Now()}
	pred, err := s.store.Predecessor(ctx, c)
	if err != nil {
		return nil, err
	}
	rels, err := s.store.Relationships(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var carrier *mobilise.Carrier
	if c.PredecessorID != 0 {
		if carrier, err = mobilise.NewCarrier(pred, m.members, rels); err != nil {
			return nil, fmt.Errorf("carry-over into campaign %d: %w", c.ID, err)
		}
	}
	var committed []int64
	err = s.store.EachCommitment(ctx, c.ID, func(cm mobilise.Commitment) error {
		if cm.ConfirmedAt.IsZero() {
			return nil // counted as the campaign pages count: confirmed only
		}
		if cm.Status != gs.StatusWithdrawn {
			committed = append(committed, cm.PersonID)
		}
		if carrier != nil {
			return carrier.Add(cm)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	graph, err := mobilise.Analyse(rels, committed)
	if err != nil {
		return nil, fmt.Errorf("analyse the invitations of campaign %d: %w", c.ID, err)
	}
	f.Graph = graph.Summary()
	f.Drawing = graph.Draw(networkCap)
	f.Top = graph.TopConnectors(10)
	for _, r := range rels {
		f.Invited = append(f.Invited, r.CreatedAt)
	}
	slices.SortFunc(f.Invited, time.Time.Compare)
	if carrier != nil {
		f.Carry = carrier.Result()
	}
	return f, nil
}
