package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
)

// The lists of this file are read a page at a time by the JSON API: rows in
// id order after a key (keyset pagination), so that a client walking a
// million commitments reads each page as fast as the first, and a row added
// while it walks is neither skipped nor read twice.

// MaxPage is the most rows one page may hold.
const MaxPage = 500

func pageLimit(n int) int {
	if n <= 0 || n > MaxPage {
		return MaxPage
	}
	return n
}

// PeopleFilter selects a campaign's people: those with a commitment in it.
type PeopleFilter struct {
	CampaignID     int64
	GroupID        int64  // only people with a commitment to one of this group's actions
	Email          string // exact, after the usual cleaning; "" for any
	OrganisationID int64
	AreaID         int64
	After          int64 // id of the last person of the previous page
	Limit          int
}

// PeoplePage lists a page of a campaign's people by id.
func (s *Store) PeoplePage(ctx context.Context, f PeopleFilter) ([]gs.Person, error) {
	where := []string{`EXISTS (SELECT 1 FROM commitments c WHERE c.person_id = p.id AND c.campaign_id = ?)`, `p.id > ?`}
	args := []any{f.CampaignID, f.After}
	if f.GroupID != 0 {
		where[0] = `EXISTS (SELECT 1 FROM commitments c WHERE c.person_id = p.id AND c.campaign_id = ?
			AND c.action_id IN (SELECT a.id FROM actions a WHERE a.group_id = ?))`
		args = []any{f.CampaignID, f.GroupID, f.After}
	}
	if f.Email != "" {
		where = append(where, `p.email = ?`)
		args = append(args, strings.ToLower(strings.TrimSpace(f.Email)))
	}
	if f.OrganisationID != 0 {
		where = append(where, `p.organisation_id = ?`)
		args = append(args, f.OrganisationID)
	}
	if f.AreaID != 0 {
		where = append(where, `p.area_id = ?`)
		args = append(args, f.AreaID)
	}
	args = append(args, pageLimit(f.Limit))
	var out []gs.Person
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT `+personColumns+` FROM people p WHERE `+strings.Join(where, " AND ")+` ORDER BY p.id LIMIT ?`, args,
			func(scan func(...any) error) error {
				var p gs.Person
				if err := scanPerson(scanner(scan), &p); err != nil {
					return err
				}
				out = append(out, p)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("list people of campaign %d: %w", f.CampaignID, err)
	}
	return out, nil
}

// CampaignPerson returns a person who has a commitment in the campaign;
// anyone else is not found, so a campaign's token learns nothing of people
// outside it.
func (s *Store) CampaignPerson(ctx context.Context, campaignID, personID int64) (gs.Person, error) {
	var p gs.Person
	err := scanPerson(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+personColumns+` FROM people p WHERE p.id = ?
		AND EXISTS (SELECT 1 FROM commitments c WHERE c.person_id = p.id AND c.campaign_id = ?)`), personID, campaignID), &p)
	return p, notFound(err, "person")
}

// CommitmentFilter selects a campaign's commitments.
type CommitmentFilter struct {
	CampaignID int64
	Status     string // one of gs.CommitmentStatuses, or "" for any
	ActionID   int64
	GroupID    int64
	PersonID   int64
	// Confirmed, when set, keeps confirmed (true) or unconfirmed (false)
	// pledges only.
	Confirmed *bool
	// UpdatedSince keeps commitments changed at or after it; zero for any.
	// With it, the page is in order of last change (then id), for a client
	// keeping a copy up to date: a commitment that changes while it pages
	// moves to the end and is read again.
	UpdatedSince time.Time
	// After is the id of the last commitment of the previous page; with
	// UpdatedSince, AfterUpdated is its last change too.
	After        int64
	AfterUpdated time.Time
	Limit        int
}

// CommitmentsPage lists a page of a campaign's commitments by id.
func (s *Store) CommitmentsPage(ctx context.Context, f CommitmentFilter) ([]gs.Commitment, error) {
	where := []string{`c.campaign_id = ?`, `c.id > ?`}
	args := []any{f.CampaignID, f.After}
	if f.Status != "" {
		where = append(where, `c.status = ?`)
		args = append(args, f.Status)
	}
	if f.ActionID != 0 {
		where = append(where, `c.action_id = ?`)
		args = append(args, f.ActionID)
	}
	if f.GroupID != 0 {
		where = append(where, `c.action_id IN (SELECT a.id FROM actions a WHERE a.group_id = ?)`)
		args = append(args, f.GroupID)
	}
	if f.PersonID != 0 {
		where = append(where, `c.person_id = ?`)
		args = append(args, f.PersonID)
	}
	if f.Confirmed != nil {
		if *f.Confirmed {
			where = append(where, `c.confirmed_at IS NOT NULL`)
		} else {
			where = append(where, `c.confirmed_at IS NULL`)
		}
	}
	order := `c.id`
	if !f.UpdatedSince.IsZero() {
		// Keyset on (updated_at, id), read through the (campaign_id,
		// updated_at) index: a sync that finds nothing new reads nothing.
		where[1] = `(c.updated_at > ? OR c.updated_at = ? AND c.id > ?)`
		after := max(ms(f.AfterUpdated), ms(f.UpdatedSince)-1)
		afterID := f.After
		if ms(f.AfterUpdated) < ms(f.UpdatedSince) {
			afterID = 0
		}
		args = append([]any{f.CampaignID, after, after, afterID}, args[2:]...)
		where = append(where, `c.updated_at >= ?`)
		args = append(args, ms(f.UpdatedSince))
		order = `c.updated_at, c.id`
	}
	args = append(args, pageLimit(f.Limit))
	var out []gs.Commitment
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT `+commitmentColumns+` FROM commitments c WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args,
			func(scan func(...any) error) error {
				var c gs.Commitment
				if err := scanCommitment(scanner(scan), &c); err != nil {
					return err
				}
				out = append(out, c)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("list commitments of campaign %d: %w", f.CampaignID, err)
	}
	return out, nil
}

// CampaignCommitment returns one of a campaign's commitments.
func (s *Store) CampaignCommitment(ctx context.Context, campaignID, id int64) (gs.Commitment, error) {
	var c gs.Commitment
	err := scanCommitment(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = ? AND c.campaign_id = ?`), id, campaignID), &c)
	return c, notFound(err, "commitment")
}

// RelationshipFilter selects a campaign's invitation edges.
type RelationshipFilter struct {
	CampaignID int64
	FromID     int64 // the inviter, or 0 for any
	After      int64 // to_id of the last edge of the previous page
	Limit      int
}

// RelationshipsPage lists a page of a campaign's invitation edges in the
// order of the invited person's id (each person is invited into a campaign
// once, so that is a key).
func (s *Store) RelationshipsPage(ctx context.Context, f RelationshipFilter) ([]gs.Relationship, error) {
	where := []string{`campaign_id = ?`, `to_id > ?`}
	args := []any{f.CampaignID, f.After}
	if f.FromID != 0 {
		where = append(where, `from_id = ?`)
		args = append(args, f.FromID)
	}
	args = append(args, pageLimit(f.Limit))
	var out []gs.Relationship
	err := s.readTx(ctx, func(tx *tx) error {
		return eachRow(ctx, tx, `SELECT campaign_id, from_id, to_id, kind, created_at FROM relationships WHERE `+strings.Join(where, " AND ")+` ORDER BY to_id LIMIT ?`, args,
			func(scan func(...any) error) error {
				var r gs.Relationship
				if err := scan(&r.CampaignID, &r.FromID, &r.ToID, &r.Kind, scanTime{&r.CreatedAt}); err != nil {
					return err
				}
				out = append(out, r)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("list relationships of campaign %d: %w", f.CampaignID, err)
	}
	return out, nil
}

// scanner adapts eachRow's scan function to the row interface the scan
// helpers take.
type scanner func(...any) error

func (f scanner) Scan(dest ...any) error { return f(dest...) }
