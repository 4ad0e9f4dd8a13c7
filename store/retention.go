package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// Retention: how long people's details are kept.
//
// A person is kept while any campaign they took part in (pledged in, invited
// someone into, were invited into) is running, and for the retention period
// after the latest of: the end of the last of those campaigns, and the last
// thing they did (a pledge made or changed, a story, an invitation). A
// campaign with no end date keeps its people. Someone with a role (an
// organiser, a group lead, an organisation representative) is kept: their
// account is in use. Past that, they are erased with the same erasure as a
// request (erase.go): their pledges and invitation links stay, anonymous.

// retentionBatch is how many people one transaction erases: short enough
// that pledges arriving meanwhile barely wait (SQLite has one writer), long
// enough that a large first run is not one commit per person.
const retentionBatch = 100

// retentionCandidate is a person past the retention period.
type retentionCandidate struct {
	id    int64
	email string
}

// RetentionReport says who the retention period of days would erase now,
// without erasing anyone.
func (s *Store) RetentionReport(ctx context.Context, days int) (gs.RetentionReport, error) {
	var rep gs.RetentionReport
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		rep, _, err = retentionDue(ctx, t, days)
		return err
	})
	if err != nil {
		return rep, fmt.Errorf("retention report: %w", err)
	}
	return rep, nil
}

// ApplyRetention erases everyone past the retention period of days, as
// RetentionReport lists them, and returns the report of what it erased. Each
// batch of people is erased in one transaction; a person who did something
// after the report was made (pledged again, say) is left.
func (s *Store) ApplyRetention(ctx context.Context, days int) (gs.RetentionReport, int, error) {
	var rep gs.RetentionReport
	var due []retentionCandidate
	var asOf time.Time
	err := s.readTx(ctx, func(t *tx) error {
		var err error
		asOf = t.now
		rep, due, err = retentionDue(ctx, t, days)
		return err
	})
	if err != nil {
		return rep, 0, fmt.Errorf("retention: %w", err)
	}
	erased := 0
	for batch := range slices.Chunk(due, retentionBatch) {
		err := s.writeTx(ctx, func(t *tx) error {
			for _, c := range batch {
				if active, err := activeSince(ctx, t, c.id, asOf); err != nil || active {
					if err != nil {
						return err
					}
					continue
				}
				if _, err := erase(ctx, t, gs.EraseInput{Email: c.email, RequestedBy: gs.ErasedByRetention}); err != nil {
					return fmt.Errorf("erase person %d: %w", c.id, err)
				}
				erased++
			}
			return nil
		})
		if err != nil {
			return rep, erased, fmt.Errorf("retention: %w", err)
		}
	}
	return rep, erased, nil
}

// activeSince reports whether a person changed after the report: erased
// meanwhile, or a pledge or invitation made or changed since.
func activeSince(ctx context.Context, t *tx, personID int64, since time.Time) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM people WHERE id = ? AND erased_at IS NOT NULL) +
		(SELECT COUNT(*) FROM commitments WHERE person_id = ? AND updated_at > ?) +
		(SELECT COUNT(*) FROM relationships WHERE from_id = ? AND created_at > ?)`,
		personID, personID, ms(since), personID, ms(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check person %d: %w", personID, err)
	}
	return n > 0, nil
}

// retentionDue works out who is past the retention period, in t's snapshot.
func retentionDue(ctx context.Context, t *tx, days int) (gs.RetentionReport, []retentionCandidate, error) {
	today := gs.DateOf(t.now.In(gs.Zone))
	rep := gs.RetentionReport{Days: days, AsOf: today}
	if days < 1 {
		return rep, nil, gs.Errorf(gs.EINVALID, "The retention period is off: there is nothing to report")
	}
	type campaign struct {
		gs.RetentionCampaign
		ended bool
	}
	campaigns := map[int64]*campaign{}
	err := eachRow(ctx, t, `SELECT id, slug, title, ends_on FROM campaigns`, nil, func(scan func(...any) error) error {
		c := &campaign{}
		var id int64
		if err := scan(&id, &c.Slug, &c.Title, scanDate{&c.EndsOn}); err != nil {
			return err
		}
		c.ended = !c.EndsOn.IsZero()
		campaigns[id] = c
		return nil
	})
	if err != nil {
		return rep, nil, fmt.Errorf("campaigns: %w", err)
	}

	// Every person's last activity, and the campaigns they are in.
	type person struct {
		email     string
		last      int64
		campaigns []int64
		role      bool
	}
	people := map[int64]*person{}
	err = eachRow(ctx, t, `SELECT p.id, p.email, p.created_at,
			EXISTS (SELECT 1 FROM users u WHERE u.email = p.email AND (u.role = 'organiser'
				OR EXISTS (SELECT 1 FROM group_leads l WHERE l.user_id = u.id)
				OR EXISTS (SELECT 1 FROM organisation_reps r WHERE r.user_id = u.id)))
		FROM people p WHERE p.erased_at IS NULL`, nil, func(scan func(...any) error) error {
		var id int64
		p := &person{}
		if err := scan(&id, &p.email, &p.last, &p.role); err != nil {
			return err
		}
		people[id] = p
		return nil
	})
	if err != nil {
		return rep, nil, fmt.Errorf("people: %w", err)
	}
	err = eachRow(ctx, t, `SELECT pid, cid, MAX(at) FROM (
			SELECT person_id AS pid, campaign_id AS cid, updated_at AS at FROM commitments
			UNION ALL SELECT c.person_id, c.campaign_id, s.updated_at FROM stories s JOIN commitments c ON c.id = s.commitment_id
			UNION ALL SELECT to_id, campaign_id, created_at FROM relationships
			UNION ALL SELECT from_id, campaign_id, created_at FROM relationships
		) links GROUP BY pid, cid`, nil, func(scan func(...any) error) error {
		var pid, cid, at int64
		if err := scan(&pid, &cid, &at); err != nil {
			return err
		}
		if p := people[pid]; p != nil {
			p.last = max(p.last, at)
			p.campaigns = append(p.campaigns, cid)
		}
		return nil
	})
	if err != nil {
		return rep, nil, fmt.Errorf("activity: %w", err)
	}

	var due []retentionCandidate
	dueIDs := map[int64]bool{}
	taking, holding := map[int64]int{}, map[int64]int{}
	for id, p := range people {
		clock := gs.DateOf(fromMS(p.last).In(gs.Zone))
		var unended []int64
		for _, cid := range p.campaigns {
			switch c := campaigns[cid]; {
			case c == nil:
			case !c.ended:
				unended = append(unended, cid)
			case clock.Before(c.EndsOn):
				clock = c.EndsOn
			}
		}
		if !clock.AddDays(days).Before(today) {
			continue // within the period
		}
		switch {
		case len(unended) > 0:
			for _, cid := range unended {
				holding[cid]++
			}
		case p.role:
			rep.KeptForRole++
		default:
			due = append(due, retentionCandidate{id: id, email: p.email})
			dueIDs[id] = true
			for _, cid := range p.campaigns {
				taking[cid]++
			}
		}
	}
	rep.Due = len(due)
	slices.SortFunc(due, func(a, b retentionCandidate) int { return int(a.id - b.id) })

	if len(due) > 0 {
		err = eachRow(ctx, t, `SELECT person_id FROM commitments`, nil, func(scan func(...any) error) error {
			var pid int64
			if err := scan(&pid); err != nil {
				return err
			}
			if dueIDs[pid] {
				rep.Commitments++
			}
			return nil
		})
		if err != nil {
			return rep, nil, fmt.Errorf("count pledges: %w", err)
		}
		err = eachRow(ctx, t, `SELECT from_id, to_id FROM relationships`, nil, func(scan func(...any) error) error {
			var from, to int64
			if err := scan(&from, &to); err != nil {
				return err
			}
			if dueIDs[from] || dueIDs[to] {
				rep.Relationships++
			}
			return nil
		})
		if err != nil {
			return rep, nil, fmt.Errorf("count relationships: %w", err)
		}
	}
	list := func(counts map[int64]int) []gs.RetentionCampaign {
		var out []gs.RetentionCampaign
		for cid, n := range counts {
			c := campaigns[cid].RetentionCampaign
			c.People = n
			out = append(out, c)
		}
		slices.SortFunc(out, func(a, b gs.RetentionCampaign) int { return strings.Compare(a.Title, b.Title) })
		return out
	}
	rep.Campaigns, rep.Unended = list(taking), list(holding)
	return rep, due, nil
}

// tokenGrace is how long a one-time link is kept after it expires: long
// enough that following an old link says "expired" (and to ask for a new
// one) rather than "not recognised".
const tokenGrace = 30 * 24 * time.Hour

// PurgeExpiredTokens removes one-time links that expired more than a month
// ago. Each row holds the email it was sent to; a link that cannot be used
// any more is no reason to keep it. It returns how many were removed.
func (s *Store) PurgeExpiredTokens(ctx context.Context) (int, error) {
	var n int64
	err := s.writeTx(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM tokens WHERE expires_at < ?`, ms(t.now.Add(-tokenGrace)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge expired links: %w", err)
	}
	return int(n), nil
}
