package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
)

// Mobilisation is what a campaign's dashboard is computed from, in the
// shapes package mobilise takes. Commitments are not here: there may be a
// million, so EachCommitment streams them instead.
type Mobilisation struct {
	Members []mobilise.Member
	// Plan is the alliance's action-plan items as commitments: planned is
	// pledged, dropped is withdrawn, and a done or dropped item is dated by
	// its last change.
	Plan     []mobilise.Commitment
	Envelope []mobilise.EnvelopeEntry
}

// Relationships reads a campaign's invitations, oldest first.
func (s *Store) Relationships(ctx context.Context, campaignID int64) ([]mobilise.Relationship, error) {
	var out []mobilise.Relationship
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT campaign_id, from_id, to_id, created_at FROM relationships WHERE campaign_id = ? ORDER BY created_at, to_id`,
			[]any{campaignID}, func(scan func(...any) error) error {
				var r mobilise.Relationship
				if err := scan(&r.CampaignID, &r.FromID, &r.ToID, scanTime{&r.CreatedAt}); err != nil {
					return err
				}
				out = append(out, r)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read relationships of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// MobilisationData reads a campaign's alliance, action plans and envelope,
// in one read transaction so the figures agree with each other.
func (s *Store) MobilisationData(ctx context.Context, c gs.Campaign) (Mobilisation, error) {
	var m Mobilisation
	err := s.readTx(ctx, func(tx *tx) error {
		if err := eachRow(ctx, tx, `SELECT organisation_id, joined_on FROM alliance_members WHERE campaign_id = ? ORDER BY joined_on, organisation_id`,
			[]any{c.ID}, func(scan func(...any) error) error {
				var mem mobilise.Member
				if err := scan(&mem.OrganisationID, scanDate{&mem.JoinedOn}); err != nil {
					return err
				}
				m.Members = append(m.Members, mem)
				return nil
			}); err != nil {
			return fmt.Errorf("alliance: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT id, organisation_id, campaign_id, status, due_on, created_at, updated_at FROM alliance_commitments
			WHERE campaign_id = ? ORDER BY id`, []any{c.ID}, func(scan func(...any) error) error {
			var p mobilise.Commitment
			var status string
			var updated int64
			if err := scan(&p.ID, &p.OrganisationID, &p.CampaignID, &status, scanDate{&p.DueOn}, scanTime{&p.CreatedAt}, &updated); err != nil {
				return err
			}
			p.Status = map[string]string{"planned": "pledged", "in_progress": "in_progress", "done": "done", "dropped": "withdrawn"}[status]
			if status == "done" || status == "dropped" {
				p.ReportedAt = fromMS(updated)
			}
			p.ConfirmedAt = p.CreatedAt // an organisation's plan needs no email confirmation
			m.Plan = append(m.Plan, p)
			return nil
		}); err != nil {
			return fmt.Errorf("action plans: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT on_date, kind, unit, amount, note FROM envelope_entries WHERE campaign_id = ? ORDER BY on_date, id`,
			[]any{c.ID}, func(scan func(...any) error) error {
				var e mobilise.EnvelopeEntry
				if err := scan(scanDate{&e.On}, &e.Kind, &e.Unit, &e.Amount, &e.Note); err != nil {
					return err
				}
				m.Envelope = append(m.Envelope, e)
				return nil
			}); err != nil {
			return fmt.Errorf("envelope: %w", err)
		}
		return nil
	})
	if err != nil {
		return Mobilisation{}, fmt.Errorf("read mobilisation of campaign %d: %w", c.ID, err)
	}
	return m, nil
}

// EachCommitment streams a campaign's commitments to fn, with each one's
// group, due date, and the person's area and organisation, without holding
// them all: a national campaign has a million. It reads in one transaction.
// A done commitment is dated by its report; a lapsed or withdrawn one by its
// last change, as lapsing and withdrawing record only that (reported_at may
// hold an earlier "not yet" report).
func (s *Store) EachCommitment(ctx context.Context, campaignID int64, fn func(mobilise.Commitment) error) error {
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT c.id, c.person_id, c.campaign_id, a.group_id, c.action_id, p.area_id, p.organisation_id,
				c.status, c.hours, c.created_at, c.confirmed_at,
				CASE WHEN c.status = 'done' THEN COALESCE(c.reported_at, c.updated_at) WHEN c.status IN ('lapsed', 'withdrawn') THEN c.updated_at END, a.due_on
			FROM commitments c JOIN actions a ON a.id = c.action_id JOIN people p ON p.id = c.person_id
			WHERE c.campaign_id = ? ORDER BY a.group_id`, []any{campaignID}, func(scan func(...any) error) error {
			var m mobilise.Commitment
			if err := scan(&m.ID, &m.PersonID, &m.CampaignID, &m.GroupID, &m.ActionID, scanID{&m.AreaID}, scanID{&m.OrganisationID},
				&m.Status, &m.Hours, scanTime{&m.CreatedAt}, scanTime{&m.ConfirmedAt}, scanTime{&m.ReportedAt}, scanDate{&m.DueOn}); err != nil {
				return err
			}
			return fn(m)
		})
	})
	if err != nil {
		return fmt.Errorf("read commitments of campaign %d: %w", campaignID, err)
	}
	return nil
}

// eachRow runs a query and calls fn for each row with its Scan.
func eachRow(ctx context.Context, tx *tx, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CommittedPeople lists the people with a confirmed commitment in a
// campaign that they have not withdrawn, by id.
func (s *Store) CommittedPeople(ctx context.Context, campaignID int64) ([]int64, error) {
	var out []int64
	err := s.readTx(ctx, func(tx *tx) (err error) {
		out, err = committedPeople(ctx, tx, campaignID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list committed people of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

func committedPeople(ctx context.Context, tx *tx, campaignID int64) ([]int64, error) {
	return idColumn(ctx, tx, `SELECT DISTINCT person_id FROM commitments WHERE campaign_id = ? AND status <> 'withdrawn' AND confirmed_at IS NOT NULL ORDER BY person_id`, campaignID)
}

// idColumn runs a query of one id column and returns the ids.
func idColumn(ctx context.Context, tx *tx, q string, args ...any) ([]int64, error) {
	var out []int64
	err := eachRow(ctx, tx, q, args, func(scan func(...any) error) error {
		var id int64
		if err := scan(&id); err != nil {
			return err
		}
		out = append(out, id)
		return nil
	})
	return out, err
}

// PublicNames returns the names of those of the people ids who agreed to
// show their name on the pledge wall; the others are left out.
func (s *Store) PublicNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT id, name FROM people WHERE show_on_wall AND id IN (`+placeholders(len(ids))+`)`, args,
			func(scan func(...any) error) error {
				var id int64
				var name string
				if err := scan(&id, &name); err != nil {
					return err
				}
				out[id] = name
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read public names: %w", err)
	}
	return out, nil
}

// Predecessor reads what a campaign's predecessor built: the people with a
// confirmed commitment in it, not withdrawn, and its alliance. It is empty
// for a campaign with no predecessor.
func (s *Store) Predecessor(ctx context.Context, c gs.Campaign) (mobilise.Predecessor, error) {
	var p mobilise.Predecessor
	if c.PredecessorID == 0 {
		return p, nil
	}
	err := s.readTx(ctx, func(tx *tx) (err error) {
		if p.People, err = committedPeople(ctx, tx, c.PredecessorID); err != nil {
			return err
		}
		p.Organisations, err = idColumn(ctx, tx, `SELECT organisation_id FROM alliance_members WHERE campaign_id = ? ORDER BY organisation_id`, c.PredecessorID)
		return err
	})
	if err != nil {
		return p, fmt.Errorf("read what campaign %d's predecessor built: %w", c.ID, err)
	}
	return p, nil
}
