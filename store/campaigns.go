package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

const campaignColumns = `id, slug, title, purpose, story, starts_on, ends_on, status, predecessor_id, illustrative, dashboard_signed_in_only, created_at, updated_at`

// scanCampaign scans campaignColumns into c, and then any extra columns.
func scanCampaign(row interface{ Scan(...any) error }, c *gs.Campaign, extra ...any) error {
	return row.Scan(append([]any{&c.ID, &c.Slug, &c.Title, &c.Purpose, &c.Story, scanDate{&c.StartsOn}, scanDate{&c.EndsOn},
		&c.Status, scanID{&c.PredecessorID}, &c.Illustrative, &c.DashboardSignedInOnly, scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt}}, extra...)...)
}

// CampaignFilter selects campaigns.
type CampaignFilter struct {
	IncludeDrafts bool
}

// Campaigns lists campaigns, live ones first, then by start date, newest first.
func (s *Store) Campaigns(ctx context.Context, f CampaignFilter) ([]gs.Campaign, error) {
	var out []gs.Campaign
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+campaignColumns+` FROM campaigns
			WHERE status <> 'draft' OR ?
			ORDER BY CASE status WHEN 'live' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END, starts_on DESC, id`, f.IncludeDrafts)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c gs.Campaign
			if err := scanCampaign(rows, &c); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return out, nil
}

// CampaignBySlug returns the campaign with the given slug.
func (s *Store) CampaignBySlug(ctx context.Context, slug string) (gs.Campaign, error) {
	var c gs.Campaign
	err := scanCampaign(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+campaignColumns+` FROM campaigns WHERE slug = ?`), slug), &c)
	return c, notFound(err, "campaign")
}

// CampaignByID returns the campaign with the given id.
func (s *Store) CampaignByID(ctx context.Context, id int64) (gs.Campaign, error) {
	var c gs.Campaign
	err := scanCampaign(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`), id), &c)
	return c, notFound(err, "campaign")
}

// CreateCampaign validates and stores a new campaign, setting its ID.
func (s *Store) CreateCampaign(ctx context.Context, c *gs.Campaign) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		if err := checkPredecessor(ctx, tx, c); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = tx.now, tx.now
		id, err := tx.insertID(ctx, `INSERT INTO campaigns (slug, title, purpose, story, starts_on, ends_on, status, predecessor_id, illustrative, dashboard_signed_in_only, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Slug, c.Title, c.Purpose, c.Story, dateText(c.StartsOn), dateText(c.EndsOn), c.Status,
			nullID(c.PredecessorID), c.Illustrative, c.DashboardSignedInOnly, ms(c.CreatedAt), ms(c.UpdatedAt))
		if isUniqueViolation(err) {
			return slugTaken()
		} else if err != nil {
			return fmt.Errorf("create campaign: %w", err)
		}
		c.ID = id
		// A new campaign's rollup is built: empty, and kept from here on.
		if _, err := tx.exec(ctx, `INSERT INTO rollup_campaigns (campaign_id, built_at) VALUES (?, ?)`, id, ms(tx.now)); err != nil {
			return fmt.Errorf("create campaign's rollup: %w", err)
		}
		return tx.audit(ctx, change{campaignID: id, object: gs.AuditCampaign, objectID: id, verb: gs.AuditCreate,
			label: c.Title, after: snapCampaign(*c)})
	})
}

// UpdateCampaign validates and stores changes to an existing campaign.
func (s *Store) UpdateCampaign(ctx context.Context, c *gs.Campaign) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Campaign
		if err := scanCampaign(tx.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`+tx.d.forChange, c.ID), &before); err != nil {
			return notFound(err, "campaign")
		}
		if err := checkPredecessor(ctx, tx, c); err != nil {
			return err
		}
		c.UpdatedAt = tx.now
		err := tx.update(ctx, "campaign", `UPDATE campaigns SET slug = ?, title = ?, purpose = ?, story = ?, starts_on = ?, ends_on = ?,
			status = ?, predecessor_id = ?, dashboard_signed_in_only = ?, updated_at = ? WHERE id = ?`,
			c.Slug, c.Title, c.Purpose, c.Story, dateText(c.StartsOn), dateText(c.EndsOn), c.Status,
			nullID(c.PredecessorID), c.DashboardSignedInOnly, ms(c.UpdatedAt), c.ID)
		if isUniqueViolation(err) {
			return slugTaken()
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: c.ID, object: gs.AuditCampaign, objectID: c.ID, verb: gs.AuditUpdate,
			label: c.Title, before: snapCampaign(before), after: snapCampaign(*c)})
	})
}

func slugTaken() error {
	return gs.FieldErrors{"slug": "Another campaign already uses this web address"}.Err()
}

// checkPredecessor refuses a predecessor that does not exist or that would
// make a cycle (A follows B follows A).
func checkPredecessor(ctx context.Context, tx *tx, c *gs.Campaign) error {
	for id, steps := c.PredecessorID, 0; id != 0; steps++ {
		if id == c.ID || steps > 1000 {
			return gs.FieldErrors{"predecessor_id": "A campaign cannot follow one of its own successors"}.Err()
		}
		var next int64
		err := tx.queryRow(ctx, `SELECT predecessor_id FROM campaigns WHERE id = ?`, id).Scan(scanID{&next})
		if errors.Is(err, sql.ErrNoRows) {
			return gs.FieldErrors{"predecessor_id": "Select a campaign from the list"}.Err()
		} else if err != nil {
			return err
		}
		id = next
	}
	return nil
}

// CampaignCounts returns the live figures of a campaign.
func (s *Store) CampaignCounts(ctx context.Context, campaignID int64) (gs.CampaignCounts, error) {
	var c gs.CampaignCounts
	err := s.readTx(ctx, func(tx *tx) error {
		// People, commitments and done come from the rollup, whose sums
		// over every day are the numbers as they stand: people with a
		// confirmed commitment not withdrawn, such commitments (made less
		// withdrawn), and those of them done. A full count would read every
		// commitment of the campaign.
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(people), 0), COALESCE(SUM(made - withdrawn), 0), COALESCE(SUM(done), 0)
			FROM rollup_days WHERE campaign_id = ? AND series = 'total'`, campaignID).Scan(&c.People, &c.Commitments, &c.Done); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN on_behalf = 'team' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN on_behalf = 'organisation' THEN 1 ELSE 0 END), 0)
			FROM commitments WHERE campaign_id = ? AND on_behalf <> 'self' AND status <> 'withdrawn' AND confirmed_at IS NOT NULL`,
			campaignID).Scan(&c.Team, &c.Organisational); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM commitments WHERE campaign_id = ? AND status <> 'withdrawn' AND confirmed_at IS NULL`,
			campaignID).Scan(&c.Awaiting); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM alliance_members WHERE campaign_id = ?`, campaignID).Scan(&c.Organisations); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT COUNT(*) FROM relationships WHERE campaign_id = ?`, campaignID).Scan(&c.Relationships)
	})
	if err != nil {
		return c, fmt.Errorf("count campaign %d: %w", campaignID, err)
	}
	return c, nil
}
