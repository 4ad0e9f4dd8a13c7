package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// AppointRep makes the person with the email a representative of the
// organisation, creating their user if needed, and returns the user.
func (s *Store) AppointRep(ctx context.Context, in gs.AppointRepInput) (gs.User, error) {
	if err := in.Validate(); err != nil {
		return gs.User{}, err
	}
	return s.appoint(ctx, repsTable, in.OrganisationID, in.Email, in.Name, in.InvitedBy)
}

// OrganisationReps lists the users who represent an organisation.
func (s *Store) OrganisationReps(ctx context.Context, orgID int64) ([]gs.User, error) {
	return s.appointed(ctx, repsTable, orgID)
}

// OrganisationAlliances lists the campaigns whose alliance an organisation
// is in: live campaigns first, then the newest.
func (s *Store) OrganisationAlliances(ctx context.Context, orgID int64) ([]gs.AllianceMembership, error) {
	var out []gs.AllianceMembership
	err := s.readTx(ctx, func(tx *tx) error {
		// campaignColumns are unqualified: no column of alliance_members
		// shares a name with one of campaigns.
		rows, err := tx.query(ctx, `SELECT `+campaignColumns+`, m.joined_on, m.action_plan
			FROM campaigns JOIN alliance_members m ON m.campaign_id = campaigns.id WHERE m.organisation_id = ?
			ORDER BY CASE status WHEN 'live' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END, starts_on DESC, campaigns.id`, orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m gs.AllianceMembership
			if err := scanCampaign(rows, &m.Campaign, scanDate{&m.JoinedOn}, &m.ActionPlan); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("alliances of organisation %d: %w", orgID, err)
	}
	return out, nil
}

const allianceCommitmentColumns = `id, campaign_id, organisation_id, title, due_on, status, created_at, updated_at`

func scanAllianceCommitment(row interface{ Scan(...any) error }, c *gs.AllianceCommitment) error {
	return row.Scan(&c.ID, &c.CampaignID, &c.OrganisationID, &c.Title, scanDate{&c.DueOn}, &c.Status,
		scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt})
}

// AllianceCommitments lists an organisation's action plan items in a
// campaign, soonest first.
func (s *Store) AllianceCommitments(ctx context.Context, campaignID, orgID int64) ([]gs.AllianceCommitment, error) {
	var out []gs.AllianceCommitment
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+allianceCommitmentColumns+` FROM alliance_commitments
			WHERE campaign_id = ? AND organisation_id = ? ORDER BY due_on, id`, campaignID, orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c gs.AllianceCommitment
			if err := scanAllianceCommitment(rows, &c); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("action plan of organisation %d in campaign %d: %w", orgID, campaignID, err)
	}
	return out, nil
}

// AllianceCommitmentByID returns an action plan item.
func (s *Store) AllianceCommitmentByID(ctx context.Context, id int64) (gs.AllianceCommitment, error) {
	var c gs.AllianceCommitment
	err := scanAllianceCommitment(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+allianceCommitmentColumns+` FROM alliance_commitments WHERE id = ?`), id), &c)
	return c, notFound(err, "action plan item")
}

// inAlliance refuses a change to the action plan of an organisation that is
// not in the campaign's alliance: the plan is the organisation's part in
// that alliance.
func inAlliance(ctx context.Context, tx *tx, campaignID, orgID int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM alliance_members WHERE campaign_id = ? AND organisation_id = ?`,
		campaignID, orgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return gs.Errorf(gs.ECONFLICT, "This organisation is not in the alliance of this campaign, so its action plan there cannot be changed.")
	}
	return nil
}

// CreateAllianceCommitment validates and stores a new action plan item,
// setting its ID.
func (s *Store) CreateAllianceCommitment(ctx context.Context, c *gs.AllianceCommitment) error {
	c.ID = 0
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		if err := inAlliance(ctx, tx, c.CampaignID, c.OrganisationID); err != nil {
			return err
		}
		id, err := tx.insertID(ctx, `INSERT INTO alliance_commitments (campaign_id, organisation_id, title, due_on, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.CampaignID, c.OrganisationID, c.Title, dateText(c.DueOn), c.Status, ms(tx.now), ms(tx.now))
		if err != nil {
			return fmt.Errorf("create action plan item: %w", err)
		}
		c.ID, c.CreatedAt, c.UpdatedAt = id, tx.now, tx.now
		return tx.audit(ctx, change{campaignID: c.CampaignID, object: gs.AuditPlanItem, objectID: id, verb: gs.AuditCreate,
			label: c.Title, after: snapPlanItem(*c)})
	})
}

// UpdateAllianceCommitment validates and stores changes to an action plan
// item's title, date and status. The item must be the organisation's
// (c.OrganisationID): anyone else's is not found. Its campaign is kept.
func (s *Store) UpdateAllianceCommitment(ctx context.Context, c *gs.AllianceCommitment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.AllianceCommitment
		err := scanAllianceCommitment(tx.queryRow(ctx, `SELECT `+allianceCommitmentColumns+` FROM alliance_commitments
			WHERE id = ? AND organisation_id = ?`+tx.d.forChange, c.ID, c.OrganisationID), &before)
		if err != nil {
			return notFound(err, "action plan item")
		}
		c.CampaignID = before.CampaignID
		if err := inAlliance(ctx, tx, c.CampaignID, c.OrganisationID); err != nil {
			return err
		}
		c.UpdatedAt = tx.now
		if err := tx.update(ctx, "action plan item", `UPDATE alliance_commitments SET title = ?, due_on = ?, status = ?, updated_at = ? WHERE id = ?`,
			c.Title, dateText(c.DueOn), c.Status, ms(tx.now), c.ID); err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: c.CampaignID, object: gs.AuditPlanItem, objectID: c.ID, verb: gs.AuditUpdate,
			label: c.Title, before: snapPlanItem(before), after: snapPlanItem(*c)})
	})
}

// staffLimit bounds the pledges listed on an organisation's page.
const staffLimit = 1000

// OrganisationStaff lists the people who gave the organisation as theirs
// when pledging, by name, with their pledges. Only people who agreed to be
// contacted are listed at all, and only confirmed pledges count: until its
// owner follows the confirmation link, a pledge (and the consent given with
// it) may have been made in someone else's name. Withdrawn pledges are left
// out, as they are from every count.
func (s *Store) OrganisationStaff(ctx context.Context, orgID int64) ([]gs.StaffMember, error) {
	var out []gs.StaffMember
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT p.id, p.name, p.email, p.profession, ca.title, a.title, c.status
			FROM people p JOIN commitments c ON c.person_id = p.id JOIN actions a ON a.id = c.action_id
			JOIN campaigns ca ON ca.id = c.campaign_id
			WHERE p.organisation_id = ? AND p.contact_ok AND c.confirmed_at IS NOT NULL AND c.status <> 'withdrawn'
			ORDER BY p.name, p.id, c.created_at, c.id LIMIT ?`, orgID, staffLimit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var last int64
		for rows.Next() {
			var id int64
			var m gs.StaffMember
			var p gs.StaffPledge
			if err := rows.Scan(&id, &m.Name, &m.Email, &m.Profession, &p.Campaign, &p.ActionTitle, &p.Status); err != nil {
				return err
			}
			if id != last || len(out) == 0 {
				out = append(out, m)
				last = id
			}
			out[len(out)-1].Pledges = append(out[len(out)-1].Pledges, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("staff of organisation %d: %w", orgID, err)
	}
	return out, nil
}
