package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// LoadDataset stores a whole Dataset in one transaction: all of it or none.
// Areas are matched by code, so a data set may name areas the installation
// already has. Any campaign slug that exists already makes it an ECONFLICT,
// which is how loading the demo twice is refused.
func (s *Store) LoadDataset(ctx context.Context, ds *gs.Dataset) error {
	err := s.writeTx(ctx, func(tx *tx) error {
		if err := campaignSlugsFree(ctx, tx, ds); err != nil {
			return err
		}
		l := loader{tx: tx, ctx: ctx}
		return l.load(ds)
	})
	if isUniqueViolation(err) {
		// On PostgreSQL two nodes can load the same data set at once (two
		// `groundswell demo` starts): both find its slugs free, and the
		// second waits on the first's rows and then violates a unique
		// index — whichever the data set reaches first (an organisation's
		// ODS code, a campaign's slug …). Once the first has committed its
		// campaigns are visible: if one is there, the load was refused for
		// the usual reason. Any other duplicate stays a plain error.
		if cerr := s.readTx(ctx, func(tx *tx) error { return campaignSlugsFree(ctx, tx, ds) }); gs.ErrorCode(cerr) == gs.ECONFLICT {
			return cerr
		}
	}
	return err
}

// campaignSlugsFree returns ECONFLICT if a campaign of the data set exists.
func campaignSlugsFree(ctx context.Context, tx *tx, ds *gs.Dataset) error {
	for _, c := range ds.Campaigns {
		if exists(ctx, tx, `SELECT 1 FROM campaigns WHERE slug = ?`, c.Slug) {
			return gs.Errorf(gs.ECONFLICT, "a campaign with the address %q already exists", c.Slug)
		}
	}
	return nil
}

// loader maps the Dataset's local references (1-based positions) to the IDs
// the database gives each record.
type loader struct {
	tx                                                          *tx
	ctx                                                         context.Context
	areas, orgs, campaigns, groups, actions, people, indicators []int64
}

func ref(ids []int64, local int64, what string) (any, error) {
	if local == 0 {
		return nil, nil
	}
	if local < 0 || int(local) > len(ids) {
		return nil, fmt.Errorf("%s %d is not in the data set", what, local)
	}
	return ids[local-1], nil
}

func (l *loader) exec(q string, args ...any) error {
	_, err := l.tx.exec(l.ctx, q, args...)
	return err
}

func (l *loader) id(q string, args ...any) (int64, error) {
	return l.tx.insertID(l.ctx, q, args...)
}

func (l *loader) load(ds *gs.Dataset) error {
	steps := []struct {
		name string
		fn   func(*gs.Dataset) error
	}{
		{"areas", l.loadAreas}, {"organisations", l.loadOrganisations}, {"campaigns", l.loadCampaigns},
		{"groups and actions", l.loadGroups}, {"people", l.loadPeople}, {"commitments", l.loadCommitments},
		{"indicators", l.loadIndicators}, {"envelope", l.loadEnvelope}, {"rollups", l.buildRollups},
	}
	for _, step := range steps {
		if err := step.fn(ds); err != nil {
			return fmt.Errorf("load %s: %w", step.name, err)
		}
	}
	return nil
}

func (l *loader) loadAreas(ds *gs.Dataset) error {
	for i, a := range ds.Areas {
		parent, err := ref(l.areas, a.ParentID, "parent area")
		if err != nil {
			return err
		}
		if err := l.exec(`INSERT INTO areas (code, name, kind, parent_id, population) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
			a.Code, a.Name, a.Kind, parent, a.Population); err != nil {
			return fmt.Errorf("area %d: %w", i+1, err)
		}
		var id int64
		if err := l.tx.queryRow(l.ctx, `SELECT id FROM areas WHERE code = ?`, a.Code).Scan(&id); err != nil {
			return fmt.Errorf("area %d: %w", i+1, err)
		}
		l.areas = append(l.areas, id)
	}
	return nil
}

func (l *loader) loadOrganisations(ds *gs.Dataset) error {
	for i, o := range ds.Organisations {
		area, err := ref(l.areas, o.AreaID, "area")
		if err != nil {
			return err
		}
		id, err := l.id(`INSERT INTO organisations (name, ods_code, sector, area_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.Name, o.ODSCode, o.Sector, area, ms(l.tx.now))
		if err != nil {
			return fmt.Errorf("organisation %d (%s): %w", i+1, o.Name, err)
		}
		l.orgs = append(l.orgs, id)
	}
	return nil
}

func (l *loader) loadCampaigns(ds *gs.Dataset) error {
	for i, c := range ds.Campaigns {
		pred, err := ref(l.campaigns, c.PredecessorID, "predecessor campaign")
		if err != nil {
			return err
		}
		created := c.CreatedAt
		if created.IsZero() {
			created = l.tx.now
		}
		id, err := l.id(`INSERT INTO campaigns (slug, title, purpose, story, starts_on, ends_on, status, predecessor_id, illustrative, dashboard_signed_in_only, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Slug, c.Title, c.Purpose, c.Story, dateText(c.StartsOn), dateText(c.EndsOn), c.Status, pred, c.Illustrative,
			c.DashboardSignedInOnly, ms(created), ms(created))
		if err != nil {
			return fmt.Errorf("campaign %d (%s): %w", i+1, c.Slug, err)
		}
		l.campaigns = append(l.campaigns, id)
	}
	for i, m := range ds.Alliance {
		campaign, err := ref(l.campaigns, m.CampaignID, "campaign")
		if err != nil {
			return err
		}
		org, err := ref(l.orgs, m.Organisation.ID, "organisation")
		if err != nil {
			return err
		}
		if err := l.exec(`INSERT INTO alliance_members (campaign_id, organisation_id, joined_on, action_plan) VALUES (?, ?, ?, ?)`,
			campaign, org, dateText(m.JoinedOn), m.ActionPlan); err != nil {
			return fmt.Errorf("alliance member %d: %w", i+1, err)
		}
	}
	for i, m := range ds.Milestones {
		campaign, err := ref(l.campaigns, m.CampaignID, "campaign")
		if err != nil {
			return err
		}
		if err := l.exec(`INSERT INTO milestones (campaign_id, title, on_date, description) VALUES (?, ?, ?, ?)`,
			campaign, m.Title, dateText(m.On), m.Description); err != nil {
			return fmt.Errorf("milestone %d: %w", i+1, err)
		}
	}
	return nil
}

func (l *loader) loadGroups(ds *gs.Dataset) error {
	for i, g := range ds.Groups {
		campaign, err := ref(l.campaigns, g.CampaignID, "campaign")
		if err != nil {
			return err
		}
		id, err := l.id(`INSERT INTO stakeholder_groups (campaign_id, slug, name, description, goal, target, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			campaign, g.Slug, g.Name, g.Description, g.Goal, g.Target, g.Position)
		if err != nil {
			return fmt.Errorf("group %d (%s): %w", i+1, g.Slug, err)
		}
		l.groups = append(l.groups, id)
	}
	for i, a := range ds.Actions {
		group, err := ref(l.groups, a.GroupID, "group")
		if err != nil {
			return err
		}
		id, err := l.id(`INSERT INTO actions (group_id, title, description, due_on, target, retired, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			group, a.Title, a.Description, dateText(a.DueOn), a.Target, a.Retired, a.Position)
		if err != nil {
			return fmt.Errorf("action %d: %w", i+1, err)
		}
		l.actions = append(l.actions, id)
	}
	return nil
}

func (l *loader) loadPeople(ds *gs.Dataset) error {
	for i, p := range ds.People {
		org, err := ref(l.orgs, p.OrganisationID, "organisation")
		if err != nil {
			return err
		}
		area, err := ref(l.areas, p.AreaID, "area")
		if err != nil {
			return err
		}
		created := p.CreatedAt
		if created.IsZero() {
			created = l.tx.now
		}
		id, err := l.id(`INSERT INTO people (email, name, profession, organisation_id, organisation_name, area_id, show_on_wall, contact_ok, referral_code, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			gs.NormalizeEmail(p.Email), p.Name, p.Profession, org, p.OrganisationName, area, p.ShowOnWall, p.ContactOK, p.ReferralCode, ms(created))
		if err != nil {
			return fmt.Errorf("person %d: %w", i+1, err)
		}
		l.people = append(l.people, id)
	}
	return nil
}

func (l *loader) loadCommitments(ds *gs.Dataset) error {
	for i, c := range ds.Commitments {
		var refs [4]any
		var err error
		for j, r := range []struct {
			ids   []int64
			local int64
			what  string
		}{{l.people, c.PersonID, "person"}, {l.actions, c.ActionID, "action"}, {l.campaigns, c.CampaignID, "campaign"}, {l.people, c.InvitedByID, "inviter"}} {
			if refs[j], err = ref(r.ids, r.local, r.what); err != nil {
				return fmt.Errorf("commitment %d: %w", i+1, err)
			}
		}
		token := c.ReceiptToken
		if token == "" {
			token = newToken()
		}
		// A data set is a record of what happened: its pledges count as
		// confirmed when they were made.
		if err := l.exec(`INSERT INTO commitments (person_id, action_id, campaign_id, status, why, hours, channel, invited_by_id, receipt_token, created_at, updated_at, confirmed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			refs[0], refs[1], refs[2], c.Status, c.WhyItMatters, c.Hours, c.Channel, refs[3], token, ms(c.CreatedAt), ms(c.UpdatedAt), ms(c.CreatedAt)); err != nil {
			return fmt.Errorf("commitment %d: %w", i+1, err)
		}
	}
	for i, r := range ds.Relationships {
		campaign, err := ref(l.campaigns, r.CampaignID, "campaign")
		if err != nil {
			return err
		}
		from, err := ref(l.people, r.FromID, "person")
		if err != nil {
			return err
		}
		to, err := ref(l.people, r.ToID, "person")
		if err != nil {
			return err
		}
		kind := r.Kind
		if kind == "" {
			kind = "invited"
		}
		if err := l.exec(`INSERT INTO relationships (campaign_id, to_id, from_id, kind, created_at) VALUES (?, ?, ?, ?, ?)`,
			campaign, to, from, kind, ms(r.CreatedAt)); err != nil {
			return fmt.Errorf("relationship %d: %w", i+1, err)
		}
	}
	return nil
}

func (l *loader) loadIndicators(ds *gs.Dataset) error {
	for i, ind := range ds.Indicators {
		campaign, err := ref(l.campaigns, ind.CampaignID, "campaign")
		if err != nil {
			return err
		}
		id, err := l.id(`INSERT INTO indicators (campaign_id, slug, name, unit, direction, target, definition, source, caveats)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			campaign, ind.Slug, ind.Name, ind.Unit, ind.Direction, ind.Target, ind.Definition, ind.Source, ind.Caveats)
		if err != nil {
			return fmt.Errorf("indicator %d (%s): %w", i+1, ind.Slug, err)
		}
		l.indicators = append(l.indicators, id)
	}
	for i, a := range ds.Actions {
		for _, local := range a.IndicatorIDs {
			ind, err := ref(l.indicators, local, "indicator")
			if err != nil {
				return fmt.Errorf("action %d: %w", i+1, err)
			}
			if err := l.exec(`INSERT INTO action_indicators (action_id, indicator_id) VALUES (?, ?)`, l.actions[i], ind); err != nil {
				return fmt.Errorf("action %d's indicator: %w", i+1, err)
			}
		}
	}
	for i, o := range ds.Observations {
		ind, err := ref(l.indicators, o.IndicatorID, "indicator")
		if err != nil {
			return err
		}
		area, err := ref(l.areas, o.AreaID, "area")
		if err != nil {
			return err
		}
		if err := l.exec(`INSERT INTO observations (indicator_id, area_id, period, numerator, denominator, value, synthetic) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			ind, area, dateText(o.Period), o.Numerator, o.Denominator, o.Value, o.Synthetic); err != nil {
			return fmt.Errorf("observation %d: %w", i+1, err)
		}
	}
	return nil
}

func (l *loader) loadEnvelope(ds *gs.Dataset) error {
	for i, e := range ds.Envelope {
		campaign, err := ref(l.campaigns, e.CampaignID, "campaign")
		if err != nil {
			return err
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("envelope entry %d: %w", i+1, err)
		}
		if err := l.exec(`INSERT INTO envelope_entries (campaign_id, on_date, kind, unit, amount, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			campaign, dateText(e.On), e.Kind, e.Unit, e.Amount, e.Note, ms(l.tx.now)); err != nil {
			return fmt.Errorf("envelope entry %d: %w", i+1, err)
		}
	}
	return nil
}

// buildRollups counts the loaded campaigns' rollups from their commitments.
func (l *loader) buildRollups(*gs.Dataset) error {
	for _, id := range l.campaigns {
		if err := rebuildRollups(l.ctx, l.tx, id); err != nil {
			return err
		}
	}
	return nil
}
