package store

import (
	"context"
	"fmt"
	"slices"

	gs "github.com/groundswell-health/groundswell"
)

const areaColumns = `id, code, name, kind, parent_id, population`

func scanArea(row interface{ Scan(...any) error }, a *gs.Area) error {
	return row.Scan(&a.ID, &a.Code, &a.Name, &a.Kind, scanID{&a.ParentID}, &a.Population)
}

// AreaByID returns an area.
func (s *Store) AreaByID(ctx context.Context, id int64) (gs.Area, error) {
	var a gs.Area
	err := scanArea(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+areaColumns+` FROM areas WHERE id = ?`), id), &a)
	return a, notFound(err, "area")
}

// CreateArea validates and stores a new area.
func (s *Store) CreateArea(ctx context.Context, a *gs.Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		if err := checkAreaPlace(ctx, tx, a); err != nil {
			return err
		}
		id, err := tx.insertID(ctx, `INSERT INTO areas (code, name, kind, parent_id, population) VALUES (?, ?, ?, ?, ?)`,
			a.Code, a.Name, a.Kind, nullID(a.ParentID), a.Population)
		if isUniqueViolation(err) {
			return gs.FieldErrors{"code": "Another area already has this code"}.Err()
		} else if err != nil {
			return fmt.Errorf("create area: %w", err)
		}
		a.ID = id
		return tx.audit(ctx, change{object: gs.AuditArea, objectID: id, verb: gs.AuditCreate, label: a.Name, after: snapArea(*a)})
	})
}

// UpdateArea validates and stores changes to an area: its code, name, kind,
// place in the hierarchy and population.
func (s *Store) UpdateArea(ctx context.Context, a *gs.Area) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Area
		if err := scanArea(tx.queryRow(ctx, `SELECT `+areaColumns+` FROM areas WHERE id = ?`+tx.d.forChange, a.ID), &before); err != nil {
			return notFound(err, "area")
		}
		if err := checkAreaPlace(ctx, tx, a); err != nil {
			return err
		}
		err := tx.update(ctx, "area", `UPDATE areas SET code = ?, name = ?, kind = ?, parent_id = ?, population = ? WHERE id = ?`,
			a.Code, a.Name, a.Kind, nullID(a.ParentID), a.Population, a.ID)
		if isUniqueViolation(err) {
			return gs.FieldErrors{"code": "Another area already has this code"}.Err()
		} else if err != nil {
			return err
		}
		// Areas belong to the whole installation: no campaign.
		return tx.audit(ctx, change{object: gs.AuditArea, objectID: a.ID, verb: gs.AuditUpdate, label: a.Name,
			before: snapArea(before), after: snapArea(*a)})
	})
}

// checkAreaPlace keeps the hierarchy a tree ordered by kind: an area's
// parent is of a larger kind than it (a region's parent a nation, an ICB's a
// region), and so are the area's own, for its children. Ordering by kind
// makes a loop impossible without walking the tree.
func checkAreaPlace(ctx context.Context, tx *tx, a *gs.Area) error {
	rank := slices.Index(gs.AreaKinds, a.Kind)
	if a.ParentID != 0 {
		var kind string
		err := tx.queryRow(ctx, `SELECT kind FROM areas WHERE id = ?`, a.ParentID).Scan(&kind)
		if err := notFound(err, "parent area"); err != nil {
			if gs.ErrorCode(err) == gs.ENOTFOUND {
				return gs.FieldErrors{"parent_id": "Select a parent area from the list"}.Err()
			}
			return err
		}
		if slices.Index(gs.AreaKinds, kind) >= rank {
			return gs.FieldErrors{"parent_id": fmt.Sprintf("The parent must be a larger kind of area than %s: this one is %s", kindLabel(a.Kind), kindLabel(kind))}.Err()
		}
	}
	if a.ID == 0 {
		return nil
	}
	rows, err := tx.query(ctx, `SELECT DISTINCT kind FROM areas WHERE parent_id = ?`, a.ID)
	if err != nil {
		return fmt.Errorf("check area %d's children: %w", a.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		if err := rows.Scan(&kind); err != nil {
			return err
		}
		if slices.Index(gs.AreaKinds, kind) <= rank {
			return gs.FieldErrors{"kind": fmt.Sprintf("This area contains areas of kind %s, so it must be a larger kind than that", kindLabel(kind))}.Err()
		}
	}
	return rows.Err()
}

func kindLabel(kind string) string {
	if kind == "icb" {
		return "ICB"
	}
	return kind
}
