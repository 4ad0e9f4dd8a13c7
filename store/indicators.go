package store

import (
	"context"
	"database/sql"
	"fmt"

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
