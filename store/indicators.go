package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	gs "github.com/groundswell-health/groundswell"
)

const indicatorColumns = `id, campaign_id, slug, name, unit, direction, target, definition, source, caveats`

func scanIndicator(row interface{ Scan(...any) error }, i *gs.Indicator) error {
	var target sql.NullFloat64
	err := row.Scan(&i.ID, scanID{&i.CampaignID}, &i.Slug, &i.Name, &i.Unit, &i.Direction, &target, &i.Definition, &i.Source, &i.Caveats)
	if target.Valid {
		i.Target = &target.Float64
	}
	return err
}

// Indicators lists the outcome indicators of a campaign.
func (s *Store) Indicators(ctx context.Context, campaignID int64) ([]gs.Indicator, error) {
	var out []gs.Indicator
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE campaign_id = ? ORDER BY name`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var i gs.Indicator
			if err := scanIndicator(rows, &i); err != nil {
				return err
			}
			out = append(out, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list indicators of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// IndicatorBySlug returns an indicator.
func (s *Store) IndicatorBySlug(ctx context.Context, slug string) (gs.Indicator, error) {
	var i gs.Indicator
	err := scanIndicator(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+indicatorColumns+` FROM indicators WHERE slug = ?`), slug), &i)
	return i, notFound(err, "indicator")
}

// Observations returns an indicator's observations for one area, in period order.
func (s *Store) Observations(ctx context.Context, indicatorID, areaID int64) ([]gs.Observation, error) {
	var out []gs.Observation
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT indicator_id, area_id, period, numerator, denominator, value, synthetic
			FROM observations WHERE indicator_id = ? AND area_id = ? ORDER BY period`, indicatorID, areaID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o gs.Observation
			var num, den sql.NullFloat64
			if err := rows.Scan(&o.IndicatorID, &o.AreaID, scanDate{&o.Period}, &num, &den, &o.Value, &o.Synthetic); err != nil {
				return err
			}
			if num.Valid {
				o.Numerator = &num.Float64
			}
			if den.Valid {
				o.Denominator = &den.Float64
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list observations of indicator %d: %w", indicatorID, err)
	}
	return out, nil
}

// ObservedAreas lists the areas that have observations of an indicator.
func (s *Store) ObservedAreas(ctx context.Context, indicatorID int64) ([]gs.Area, error) {
	var out []gs.Area
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT id, code, name, kind, parent_id, population FROM areas
			WHERE id IN (SELECT DISTINCT area_id FROM observations WHERE indicator_id = ?)
			ORDER BY CASE kind WHEN 'nation' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, name`, indicatorID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a gs.Area
			if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.Kind, scanID{&a.ParentID}, &a.Population); err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list areas of indicator %d: %w", indicatorID, err)
	}
	return out, nil
}

// IndicatorByID returns an indicator.
func (s *Store) IndicatorByID(ctx context.Context, id int64) (gs.Indicator, error) {
	var i gs.Indicator
	err := scanIndicator(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+indicatorColumns+` FROM indicators WHERE id = ?`), id), &i)
	return i, notFound(err, "indicator")
}

// CreateIndicator validates and stores a new outcome measure of a campaign
// (or of none, when i.CampaignID is 0).
func (s *Store) CreateIndicator(ctx context.Context, i *gs.Indicator) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO indicators (campaign_id, slug, name, unit, direction, target, definition, source, caveats)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nullID(i.CampaignID), i.Slug, i.Name, i.Unit, i.Direction, i.Target, i.Definition, i.Source, i.Caveats)
		switch {
		case isUniqueViolation(err):
			return gs.FieldErrors{"slug": "Another indicator already uses this web address"}.Err()
		case isForeignKeyViolation(err):
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		case err != nil:
			return fmt.Errorf("create indicator: %w", err)
		}
		i.ID = id
		return tx.audit(ctx, change{campaignID: i.CampaignID, object: gs.AuditIndicator, objectID: id, verb: gs.AuditCreate,
			label: i.Name, after: snapIndicator(*i)})
	})
}

// UpdateIndicator validates and stores changes to an indicator. Its
// observations are kept: they are the import's to change.
func (s *Store) UpdateIndicator(ctx context.Context, i *gs.Indicator) error {
	if err := i.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Indicator
		if err := scanIndicator(tx.queryRow(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE id = ?`+tx.d.forChange, i.ID), &before); err != nil {
			return notFound(err, "indicator")
		}
		err := tx.update(ctx, "indicator", `UPDATE indicators SET slug = ?, name = ?, unit = ?, direction = ?, target = ?,
			definition = ?, source = ?, caveats = ? WHERE id = ?`,
			i.Slug, i.Name, i.Unit, i.Direction, i.Target, i.Definition, i.Source, i.Caveats, i.ID)
		if isUniqueViolation(err) {
			return gs.FieldErrors{"slug": "Another indicator already uses this web address"}.Err()
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: before.CampaignID, object: gs.AuditIndicator, objectID: i.ID, verb: gs.AuditUpdate,
			label: i.Name, before: snapIndicator(before), after: snapIndicator(*i)})
	})
}

// IndicatorDrivers lists the actions that say they aim to move an indicator,
// with their groups, in the campaign's order. Retired actions are left out.
func (s *Store) IndicatorDrivers(ctx context.Context, indicatorID int64) ([]gs.Driver, error) {
	var out []gs.Driver
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+actionColumns+`,
				(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.status <> 'withdrawn' AND c.confirmed_at IS NOT NULL),
				(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.status = 'done'),
				g.name, g.slug
			FROM action_indicators ai
			JOIN actions a ON a.id = ai.action_id
			JOIN stakeholder_groups g ON g.id = a.group_id
			WHERE ai.indicator_id = ? AND NOT a.retired
			ORDER BY g.position, g.id, a.position, a.id`, indicatorID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d gs.Driver
			if err := scanAction(rows, &d.Action.Action, &d.Action.Pledged, &d.Action.Done, &d.GroupName, &d.GroupSlug); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list actions aiming to move indicator %d: %w", indicatorID, err)
	}
	return out, nil
}

// actionIndicators reads the indicators each of the given actions aims to
// move, into their IndicatorIDs.
func actionIndicators(ctx context.Context, tx *tx, actions []*gs.Action) error {
	if len(actions) == 0 {
		return nil
	}
	byID := make(map[int64]*gs.Action, len(actions))
	args := make([]any, 0, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
		args = append(args, a.ID)
	}
	rows, err := tx.query(ctx, `SELECT action_id, indicator_id FROM action_indicators WHERE action_id IN (`+placeholders(len(args))+`) ORDER BY indicator_id`, args...)
	if err != nil {
		return fmt.Errorf("read actions' indicators: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var actionID, indicatorID int64
		if err := rows.Scan(&actionID, &indicatorID); err != nil {
			return err
		}
		a := byID[actionID]
		a.IndicatorIDs = append(a.IndicatorIDs, indicatorID)
	}
	return rows.Err()
}

// setActionIndicators replaces the indicators an action aims to move. They
// must be indicators of the action's own campaign.
func setActionIndicators(ctx context.Context, tx *tx, a *gs.Action) error {
	a.IndicatorIDs = slices.Compact(slices.Sorted(slices.Values(a.IndicatorIDs)))
	if len(a.IndicatorIDs) > 0 {
		args := []any{a.GroupID}
		for _, id := range a.IndicatorIDs {
			args = append(args, id)
		}
		var n int
		err := tx.queryRow(ctx, `SELECT COUNT(*) FROM indicators WHERE campaign_id = (SELECT campaign_id FROM stakeholder_groups WHERE id = ?)
			AND id IN (`+placeholders(len(a.IndicatorIDs))+`)`, args...).Scan(&n)
		if err != nil {
			return fmt.Errorf("check action's indicators: %w", err)
		}
		if n != len(a.IndicatorIDs) {
			return gs.FieldErrors{"indicators": "Select only outcome measures of this campaign"}.Err()
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM action_indicators WHERE action_id = ?`, a.ID); err != nil {
		return fmt.Errorf("clear action's indicators: %w", err)
	}
	for _, id := range a.IndicatorIDs {
		if _, err := tx.exec(ctx, `INSERT INTO action_indicators (action_id, indicator_id) VALUES (?, ?)`, a.ID, id); err != nil {
			return fmt.Errorf("link action to indicator: %w", err)
		}
	}
	return nil
}
