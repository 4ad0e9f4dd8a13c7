package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

const groupColumns = `g.id, g.campaign_id, g.slug, g.name, g.description, g.goal, g.target, g.position`

func scanGroup(row interface{ Scan(...any) error }, g *gs.Group, extra ...any) error {
	return row.Scan(append([]any{&g.ID, &g.CampaignID, &g.Slug, &g.Name, &g.Description, &g.Goal, &g.Target, &g.Position}, extra...)...)
}

// Groups lists a campaign's stakeholder groups in display order, with their
// live figures: people and commitments from the rollup (see CampaignCounts).
func (s *Store) Groups(ctx context.Context, campaignID int64) ([]gs.GroupSummary, error) {
	var out []gs.GroupSummary
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+groupColumns+`,
				(SELECT COUNT(*) FROM actions a WHERE a.group_id = g.id AND NOT a.retired),
				(SELECT COALESCE(SUM(r.people), 0) FROM rollup_days r WHERE r.campaign_id = g.campaign_id AND r.series = 'group' AND r.series_key = g.id),
				(SELECT COALESCE(SUM(r.made - r.withdrawn), 0) FROM rollup_days r WHERE r.campaign_id = g.campaign_id AND r.series = 'group' AND r.series_key = g.id)
			FROM stakeholder_groups g WHERE g.campaign_id = ? ORDER BY g.position, g.id`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g gs.GroupSummary
			if err := scanGroup(rows, &g.Group, &g.Actions, &g.People, &g.Commitments); err != nil {
				return err
			}
			out = append(out, g)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list groups of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// GroupBySlug returns a campaign's group by its slug.
func (s *Store) GroupBySlug(ctx context.Context, campaignID int64, slug string) (gs.Group, error) {
	var g gs.Group
	err := scanGroup(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+groupColumns+` FROM stakeholder_groups g WHERE g.campaign_id = ? AND g.slug = ?`), campaignID, slug), &g)
	return g, notFound(err, "group")
}

// GroupByID returns a group.
func (s *Store) GroupByID(ctx context.Context, id int64) (gs.Group, error) {
	var g gs.Group
	err := scanGroup(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+groupColumns+` FROM stakeholder_groups g WHERE g.id = ?`), id), &g)
	return g, notFound(err, "group")
}

// CreateGroup validates and stores a new group at the end of its campaign's list.
func (s *Store) CreateGroup(ctx context.Context, g *gs.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO stakeholder_groups (campaign_id, slug, name, description, goal, target, position)
			VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM stakeholder_groups WHERE campaign_id = ?))`,
			g.CampaignID, g.Slug, g.Name, g.Description, g.Goal, g.Target, g.CampaignID)
		switch {
		case isUniqueViolation(err):
			return gs.FieldErrors{"slug": "Another group in this campaign already uses this web address"}.Err()
		case isForeignKeyViolation(err):
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		case err != nil:
			return fmt.Errorf("create group: %w", err)
		}
		g.ID = id
		return tx.audit(ctx, change{campaignID: g.CampaignID, object: gs.AuditGroup, objectID: id, verb: gs.AuditCreate,
			label: g.Name, after: snapGroup(*g)})
	})
}

// UpdateGroup validates and stores changes to a group.
func (s *Store) UpdateGroup(ctx context.Context, g *gs.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Group
		if err := scanGroup(tx.queryRow(ctx, `SELECT `+groupColumns+` FROM stakeholder_groups g WHERE g.id = ?`+tx.d.forChange, g.ID), &before); err != nil {
			return notFound(err, "group")
		}
		err := tx.update(ctx, "group", `UPDATE stakeholder_groups SET slug = ?, name = ?, description = ?, goal = ?, target = ? WHERE id = ?`,
			g.Slug, g.Name, g.Description, g.Goal, g.Target, g.ID)
		if isUniqueViolation(err) {
			return gs.FieldErrors{"slug": "Another group in this campaign already uses this web address"}.Err()
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: before.CampaignID, object: gs.AuditGroup, objectID: g.ID, verb: gs.AuditUpdate,
			label: g.Name, before: snapGroup(before), after: snapGroup(*g)})
	})
}

const actionColumns = `a.id, a.group_id, a.title, a.description, a.due_on, a.target, a.retired, a.position`

func scanAction(row interface{ Scan(...any) error }, a *gs.Action, extra ...any) error {
	return row.Scan(append([]any{&a.ID, &a.GroupID, &a.Title, &a.Description, scanDate{&a.DueOn}, &a.Target, &a.Retired, &a.Position}, extra...)...)
}

// Actions lists a group's actions with how many have pledged to each and how
// many are done. Retired actions are included only when asked for.
func (s *Store) Actions(ctx context.Context, groupID int64, includeRetired bool) ([]gs.ActionSummary, error) {
	var out []gs.ActionSummary
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+actionColumns+`,
				(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.status <> 'withdrawn' AND c.confirmed_at IS NOT NULL),
				(SELECT COUNT(*) FROM commitments c WHERE c.action_id = a.id AND c.status = 'done')
			FROM actions a WHERE a.group_id = ? AND (? OR NOT a.retired) ORDER BY a.retired, a.position, a.id`, groupID, includeRetired)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a gs.ActionSummary
			if err := scanAction(rows, &a.Action, &a.Pledged, &a.Done); err != nil {
				return err
			}
			out = append(out, a)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ptrs := make([]*gs.Action, len(out))
		for i := range out {
			ptrs[i] = &out[i].Action
		}
		return actionIndicators(ctx, tx, ptrs)
	})
	if err != nil {
		return nil, fmt.Errorf("list actions of group %d: %w", groupID, err)
	}
	return out, nil
}

// ActionByID returns an action.
func (s *Store) ActionByID(ctx context.Context, id int64) (gs.Action, error) {
	var a gs.Action
	err := s.readTx(ctx, func(tx *tx) error {
		if err := scanAction(tx.queryRow(ctx, `SELECT `+actionColumns+` FROM actions a WHERE a.id = ?`, id), &a); err != nil {
			return notFound(err, "action")
		}
		return actionIndicators(ctx, tx, []*gs.Action{&a})
	})
	return a, err
}

// CreateAction validates and stores a new action at the end of its group's list.
func (s *Store) CreateAction(ctx context.Context, a *gs.Action) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO actions (group_id, title, description, due_on, target, retired, position)
			VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM actions WHERE group_id = ?))`,
			a.GroupID, a.Title, a.Description, dateText(a.DueOn), a.Target, a.Retired, a.GroupID)
		if isForeignKeyViolation(err) {
			return gs.Errorf(gs.ENOTFOUND, "group not found")
		} else if err != nil {
			return fmt.Errorf("create action: %w", err)
		}
		a.ID = id
		if err := setActionIndicators(ctx, tx, a); err != nil {
			return err
		}
		campaignID, err := groupCampaign(ctx, tx, a.GroupID)
		if err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditAction, objectID: id, verb: gs.AuditCreate,
			label: a.Title, after: snapAction(*a)})
	})
}

// groupCampaign returns the campaign of a group.
func groupCampaign(ctx context.Context, tx *tx, groupID int64) (int64, error) {
	var id int64
	if err := tx.queryRow(ctx, `SELECT campaign_id FROM stakeholder_groups WHERE id = ?`, groupID).Scan(&id); err != nil {
		return 0, fmt.Errorf("find group %d's campaign: %w", groupID, notFound(err, "group"))
	}
	return id, nil
}

// UpdateAction validates and stores changes to an action.
func (s *Store) UpdateAction(ctx context.Context, a *gs.Action) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		var before gs.Action
		err := changeActionDue(ctx, tx, a.ID, func() error {
			// Read here, where changeActionDue holds the campaign: a move
			// of the date made meanwhile is in "before".
			if err := scanAction(tx.queryRow(ctx, `SELECT `+actionColumns+` FROM actions a WHERE a.id = ?`+tx.d.forChange, a.ID), &before); err != nil {
				return notFound(err, "action")
			}
			if err := actionIndicators(ctx, tx, []*gs.Action{&before}); err != nil {
				return err
			}
			return tx.update(ctx, "action", `UPDATE actions SET title = ?, description = ?, due_on = ?, target = ?, retired = ? WHERE id = ?`,
				a.Title, a.Description, dateText(a.DueOn), a.Target, a.Retired, a.ID)
		})
		if err != nil {
			return err
		}
		if err := setActionIndicators(ctx, tx, a); err != nil {
			return err
		}
		campaignID, err := groupCampaign(ctx, tx, before.GroupID)
		if err != nil {
			return err
		}
		after := *a
		after.GroupID = before.GroupID // an action stays in its group
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditAction, objectID: a.ID, verb: gs.AuditUpdate,
			label: a.Title, before: snapAction(before), after: snapAction(after)})
	})
}

const milestoneColumns = `id, campaign_id, title, on_date, description`

func scanMilestone(row interface{ Scan(...any) error }, m *gs.Milestone) error {
	return row.Scan(&m.ID, &m.CampaignID, &m.Title, scanDate{&m.On}, &m.Description)
}

// Milestones lists a campaign's milestones in date order.
func (s *Store) Milestones(ctx context.Context, campaignID int64) ([]gs.Milestone, error) {
	var out []gs.Milestone
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE campaign_id = ? ORDER BY on_date, id`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m gs.Milestone
			if err := scanMilestone(rows, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list milestones of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// MilestoneByID returns a milestone.
func (s *Store) MilestoneByID(ctx context.Context, id int64) (gs.Milestone, error) {
	var m gs.Milestone
	err := scanMilestone(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+milestoneColumns+` FROM milestones WHERE id = ?`), id), &m)
	return m, notFound(err, "milestone")
}

// CreateMilestone validates and stores a milestone.
func (s *Store) CreateMilestone(ctx context.Context, m *gs.Milestone) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO milestones (campaign_id, title, on_date, description) VALUES (?, ?, ?, ?)`,
			m.CampaignID, m.Title, dateText(m.On), m.Description)
		if isForeignKeyViolation(err) {
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		} else if err != nil {
			return fmt.Errorf("create milestone: %w", err)
		}
		m.ID = id
		return tx.audit(ctx, change{campaignID: m.CampaignID, object: gs.AuditMilestone, objectID: id, verb: gs.AuditCreate,
			label: m.Title, after: snapMilestone(*m)})
	})
}

// UpdateMilestone validates and stores changes to a milestone.
func (s *Store) UpdateMilestone(ctx context.Context, m *gs.Milestone) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		before, err := milestoneForChange(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		if err := tx.update(ctx, "milestone", `UPDATE milestones SET title = ?, on_date = ?, description = ? WHERE id = ?`,
			m.Title, dateText(m.On), m.Description, m.ID); err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: before.CampaignID, object: gs.AuditMilestone, objectID: m.ID, verb: gs.AuditUpdate,
			label: m.Title, before: snapMilestone(before), after: snapMilestone(*m)})
	})
}

// milestoneForChange reads a milestone about to be changed.
func milestoneForChange(ctx context.Context, tx *tx, id int64) (gs.Milestone, error) {
	var m gs.Milestone
	err := scanMilestone(tx.queryRow(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE id = ?`+tx.d.forChange, id), &m)
	return m, notFound(err, "milestone")
}

// DeleteMilestone removes a milestone.
func (s *Store) DeleteMilestone(ctx context.Context, id int64) error {
	return s.writeTx(ctx, func(tx *tx) error {
		before, err := milestoneForChange(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.update(ctx, "milestone", `DELETE FROM milestones WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: before.CampaignID, object: gs.AuditMilestone, objectID: id, verb: gs.AuditDelete,
			label: before.Title, before: snapMilestone(before)})
	})
}
