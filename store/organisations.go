package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

const organisationColumns = `o.id, o.name, o.ods_code, o.sector, o.area_id`

func scanOrganisation(row interface{ Scan(...any) error }, o *gs.Organisation, extra ...any) error {
	return row.Scan(append([]any{&o.ID, &o.Name, &o.ODSCode, &o.Sector, scanID{&o.AreaID}}, extra...)...)
}

// Organisations lists every organisation by name.
func (s *Store) Organisations(ctx context.Context) ([]gs.Organisation, error) {
	var out []gs.Organisation
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+organisationColumns+` FROM organisations o ORDER BY o.name, o.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o gs.Organisation
			if err := scanOrganisation(rows, &o); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return out, nil
}

// OrganisationByID returns an organisation.
func (s *Store) OrganisationByID(ctx context.Context, id int64) (gs.Organisation, error) {
	var o gs.Organisation
	err := scanOrganisation(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+organisationColumns+` FROM organisations o WHERE o.id = ?`), id), &o)
	return o, notFound(err, "organisation")
}

func odsTaken() error {
	return gs.FieldErrors{"ods_code": "Another organisation already has this ODS code"}.Err()
}

// CreateOrganisation validates and stores an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, o *gs.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO organisations (name, ods_code, sector, area_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.Name, o.ODSCode, o.Sector, nullID(o.AreaID), ms(tx.now))
		switch {
		case isUniqueViolation(err):
			return odsTaken()
		case isForeignKeyViolation(err):
			return gs.FieldErrors{"area_id": "Select an area from the list"}.Err()
		case err != nil:
			return fmt.Errorf("create organisation: %w", err)
		}
		o.ID = id
		// Organisations belong to the whole installation: no campaign.
		return tx.audit(ctx, change{object: gs.AuditOrganisation, objectID: id, verb: gs.AuditCreate, label: o.Name,
			after: snapOrganisation(*o)})
	})
}

// UpdateOrganisation validates and stores changes to an organisation.
func (s *Store) UpdateOrganisation(ctx context.Context, o *gs.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Organisation
		if err := scanOrganisation(tx.queryRow(ctx, `SELECT `+organisationColumns+` FROM organisations o WHERE o.id = ?`+tx.d.forChange, o.ID), &before); err != nil {
			return notFound(err, "organisation")
		}
		err := tx.update(ctx, "organisation", `UPDATE organisations SET name = ?, ods_code = ?, sector = ?, area_id = ? WHERE id = ?`,
			o.Name, o.ODSCode, o.Sector, nullID(o.AreaID), o.ID)
		switch {
		case isUniqueViolation(err):
			return odsTaken()
		case isForeignKeyViolation(err):
			return gs.FieldErrors{"area_id": "Select an area from the list"}.Err()
		case err != nil:
			return err
		}
		return tx.audit(ctx, change{object: gs.AuditOrganisation, objectID: o.ID, verb: gs.AuditUpdate, label: o.Name,
			before: snapOrganisation(before), after: snapOrganisation(*o)})
	})
}

// Alliance lists the organisations in a campaign's alliance, by name.
func (s *Store) Alliance(ctx context.Context, campaignID int64) ([]gs.AllianceMember, error) {
	var out []gs.AllianceMember
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+organisationColumns+`, m.campaign_id, m.joined_on, m.action_plan
			FROM alliance_members m JOIN organisations o ON o.id = m.organisation_id
			WHERE m.campaign_id = ? ORDER BY o.name, o.id`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m gs.AllianceMember
			if err := scanOrganisation(rows, &m.Organisation, &m.CampaignID, scanDate{&m.JoinedOn}, &m.ActionPlan); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list alliance of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// JoinAlliance adds an organisation to a campaign's alliance, or updates its
// action plan if it is already a member.
func (s *Store) JoinAlliance(ctx context.Context, m gs.AllianceMember) error {
	errs := gs.FieldErrors{}
	if m.Organisation.ID <= 0 {
		errs.Add("organisation_id", "Select an organisation")
	}
	if len([]rune(m.ActionPlan)) > 2000 {
		errs.Add("action_plan", "Action plan must be 2,000 characters or fewer")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		if m.JoinedOn.IsZero() {
			m.JoinedOn = gs.DateOf(tx.now)
		}
		// Insert, and only if the organisation is already a member update
		// its plan: it has not joined again. Deciding by the insert itself
		// (not by a look first) means two joins at once, on PostgreSQL,
		// send one organisation.joined between them.
		r, err := tx.exec(ctx, `INSERT INTO alliance_members (campaign_id, organisation_id, joined_on, action_plan) VALUES (?, ?, ?, ?)
			ON CONFLICT (campaign_id, organisation_id) DO NOTHING`,
			m.CampaignID, m.Organisation.ID, dateText(m.JoinedOn), m.ActionPlan)
		if isForeignKeyViolation(err) {
			return gs.FieldErrors{"organisation_id": "Select an organisation from the list"}.Err()
		} else if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			before, err := allianceMemberForChange(ctx, tx, m.CampaignID, m.Organisation.ID)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE alliance_members SET action_plan = ? WHERE campaign_id = ? AND organisation_id = ?`,
				m.ActionPlan, m.CampaignID, m.Organisation.ID); err != nil {
				return err
			}
			after := before
			after.ActionPlan = m.ActionPlan
			return tx.audit(ctx, change{campaignID: m.CampaignID, object: gs.AuditAllianceMember, objectID: m.Organisation.ID,
				verb: gs.AuditUpdate, label: before.Organisation, before: before, after: after})
		}
		joined, err := allianceMemberForChange(ctx, tx, m.CampaignID, m.Organisation.ID)
		if err != nil {
			return err
		}
		if err := tx.audit(ctx, change{campaignID: m.CampaignID, object: gs.AuditAllianceMember, objectID: m.Organisation.ID,
			verb: gs.AuditJoin, label: joined.Organisation, after: joined}); err != nil {
			return err
		}
		// Webhook event, in the same transaction (webhook_events.go).
		return emitJoined(ctx, tx, m)
	})
}

// allianceMemberForChange reads an organisation's membership of an alliance,
// about to be changed.
func allianceMemberForChange(ctx context.Context, tx *tx, campaignID, orgID int64) (allianceSnap, error) {
	m := allianceSnap{OrganisationID: orgID}
	err := tx.queryRow(ctx, `SELECT joined_on, action_plan FROM alliance_members WHERE campaign_id = ? AND organisation_id = ?`+tx.d.forChange,
		campaignID, orgID).Scan(&m.JoinedOn, &m.ActionPlan)
	if err != nil {
		return m, notFound(err, "alliance member")
	}
	if err := tx.queryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, orgID).Scan(&m.Organisation); err != nil {
		return m, fmt.Errorf("find organisation %d: %w", orgID, err)
	}
	return m, nil
}

// LeaveAlliance removes an organisation from a campaign's alliance.
func (s *Store) LeaveAlliance(ctx context.Context, campaignID, organisationID int64) error {
	return s.writeTx(ctx, func(tx *tx) error {
		before, err := allianceMemberForChange(ctx, tx, campaignID, organisationID)
		if err != nil {
			return err
		}
		if err := tx.update(ctx, "alliance member", `DELETE FROM alliance_members WHERE campaign_id = ? AND organisation_id = ?`, campaignID, organisationID); err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditAllianceMember, objectID: organisationID,
			verb: gs.AuditLeave, label: before.Organisation, before: before})
	})
}

// Areas lists every area, nations first, then by name.
func (s *Store) Areas(ctx context.Context) ([]gs.Area, error) {
	var out []gs.Area
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT id, code, name, kind, parent_id, population FROM areas
			ORDER BY CASE kind WHEN 'nation' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, name`)
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
		return nil, fmt.Errorf("list areas: %w", err)
	}
	return out, nil
}
