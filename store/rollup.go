package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mobilise"
)

// Rollups: per-day sums of each campaign's commitments, from which the
// dashboards rebuild their series exactly (mobilise.SeriesFromDays) without
// reading every commitment. Every write that changes a commitment in a way
// the series see — confirming it, reporting it, lapsing or withdrawing it —
// goes through changeCommitment, which adds the difference it makes to the
// rollup in the same transaction. A new pledge makes none: the series count
// confirmed pledges only (as every page does), so the pledge path, the
// busiest, pays nothing. Bulk loads rebuild a campaign's rollup whole.

// Series are the splits a rollup keeps, with the key each takes.
var rollupSeries = []struct {
	name string
	by   mobilise.By
}{{"total", mobilise.Total}, {"group", mobilise.ByGroup}, {"area", mobilise.ByArea}, {"organisation", mobilise.ByOrganisation}}

// RollupOptions are the options every rollup series is counted with:
// confirmed pledges only, as the campaign pages count.
func rollupOptions(by mobilise.By) mobilise.Options {
	return mobilise.Options{ConfirmedOnly: true, By: by}
}

const factColumns = `c.id, c.person_id, c.campaign_id, a.group_id, c.action_id, p.area_id, p.organisation_id,
	c.status, c.hours, c.created_at, c.confirmed_at,
	CASE WHEN c.status = 'done' THEN COALESCE(c.reported_at, c.updated_at) WHEN c.status IN ('lapsed', 'withdrawn') THEN c.updated_at END, a.due_on`

const factFrom = ` FROM commitments c JOIN actions a ON a.id = c.action_id JOIN people p ON p.id = c.person_id`

func scanFact(scan func(...any) error, m *mobilise.Commitment) error {
	return scan(&m.ID, &m.PersonID, &m.CampaignID, &m.GroupID, &m.ActionID, scanID{&m.AreaID}, scanID{&m.OrganisationID},
		&m.Status, &m.Hours, scanTime{&m.CreatedAt}, scanTime{&m.ConfirmedAt}, scanTime{&m.ReportedAt}, scanDate{&m.DueOn})
}

// personFacts reads a person's commitments in a campaign, as the series see
// them.
func personFacts(ctx context.Context, t *tx, personID, campaignID int64) ([]mobilise.Commitment, error) {
	var out []mobilise.Commitment
	err := eachRow(ctx, t, `SELECT `+factColumns+factFrom+` WHERE c.person_id = ? AND c.campaign_id = ? ORDER BY c.id`,
		[]any{personID, campaignID}, func(scan func(...any) error) error {
			var m mobilise.Commitment
			if err := scanFact(scan, &m); err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	return out, err
}

// changeCommitment runs write, which changes commitment id, and adds what
// the change makes to the campaign's rollup: for every series, the
// commitment's own deltas after less before, and its person's. If the
// campaign's rollup has not been built yet, there is nothing to keep up to
// date: the build will count the commitment as it then is.
func changeCommitment(ctx context.Context, t *tx, id int64, write func() error) error {
	var personID, campaignID int64
	err := t.queryRow(ctx, `SELECT person_id, campaign_id FROM commitments WHERE id = ?`, id).Scan(&personID, &campaignID)
	if errors.Is(err, sql.ErrNoRows) {
		// No such commitment: let the write find that out and say so.
		return write()
	} else if err != nil {
		return fmt.Errorf("find commitment %d: %w", id, err)
	}
	if err := t.d.lockRollup(ctx, t, campaignID, false); err != nil {
		return fmt.Errorf("lock campaign %d's rollup: %w", campaignID, err)
	}
	// A person's people deltas come from all their commitments together:
	// two changes to one person's at once must not both read "before".
	if err := t.d.lockRow(ctx, t, "people", personID); err != nil {
		return fmt.Errorf("lock person %d: %w", personID, err)
	}
	before, err := personFacts(ctx, t, personID, campaignID)
	if err != nil {
		return fmt.Errorf("read pledges before the change: %w", err)
	}
	if err := write(); err != nil {
		return err
	}
	after, err := personFacts(ctx, t, personID, campaignID)
	if err != nil {
		return fmt.Errorf("read pledges after the change: %w", err)
	}
	if err := applyPersonChange(ctx, t, campaignID, before, after); err != nil {
		return err
	}
	// Every change to a commitment passes here, so its webhook events
	// (confirmed, done, lapsed) are written here, in the same transaction
	// (webhook_events.go).
	return emitCommitmentChange(ctx, t, campaignID, id, before, after)
}

// applyPersonChange adds to a campaign's rollup the difference between one
// person's commitments before and after a change.
func applyPersonChange(ctx context.Context, t *tx, campaignID int64, before, after []mobilise.Commitment) error {
	for _, s := range rollupSeries {
		o := rollupOptions(s.by)
		old, err := personDeltas(before, o)
		if err != nil {
			return err
		}
		now, err := personDeltas(after, o)
		if err != nil {
			return err
		}
		if err := addRollup(ctx, t, campaignID, s.name, mobilise.DeltaChange(old, now)); err != nil {
			return err
		}
	}
	return nil
}

// personDeltas is everything one person's commitments put into a series:
// each commitment's deltas, and the person's, per key of the series.
func personDeltas(cs []mobilise.Commitment, o mobilise.Options) ([]mobilise.DayDelta, error) {
	var out []mobilise.DayDelta
	byKey := map[int64][]mobilise.Commitment{}
	for _, c := range cs {
		d, err := mobilise.CommitmentDeltas(c, o, gs.Zone)
		if err != nil {
			return nil, fmt.Errorf("commitment %d: %w", c.ID, err)
		}
		out = append(out, d...)
		k := o.By.Key(c)
		byKey[k] = append(byKey[k], c)
	}
	for _, k := range slices.Sorted(mapKeys(byKey)) {
		d, err := mobilise.PersonDeltas(byKey[k], o, gs.Zone)
		if err != nil {
			return nil, fmt.Errorf("person %d: %w", byKey[k][0].PersonID, err)
		}
		out = append(out, d...)
	}
	return out, nil
}

func mapKeys[V any](m map[int64]V) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// rollupCounters are the counter columns of rollup_days and rollup_totals,
// in DayCounts order.
const rollupCounters = `made, confirmed, done, lapsed, withdrawn, due, kept, due_passed, kept_passed, people,
	micro_hours_pledged, micro_hours_delivered, in_progress, pledged, undated`

// rollupAdd is the SET clause that adds the inserted counters to a row's.
var rollupAdd = func() string {
	var b []string
	for _, c := range strings.Split(rollupCounters, ",") {
		c = strings.TrimSpace(c)
		b = append(b, c+" = TABLE."+c+" + excluded."+c)
	}
	return strings.Join(b, ", ")
}()

func counterArgs(c mobilise.DayCounts) []any {
	return []any{c.Made, c.Confirmed, c.Done, c.Lapsed, c.Withdrawn, c.Due, c.Kept, c.DuePassed, c.KeptPassed, c.People,
		c.MicroHoursPledged, c.MicroHoursDelivered, c.InProgress, c.Pledged, c.Undated}
}

func scanCounters(c *mobilise.DayCounts) []any {
	return []any{&c.Made, &c.Confirmed, &c.Done, &c.Lapsed, &c.Withdrawn, &c.Due, &c.Kept, &c.DuePassed, &c.KeptPassed, &c.People,
		&c.MicroHoursPledged, &c.MicroHoursDelivered, &c.InProgress, &c.Pledged, &c.Undated}
}

// addRollup adds deltas to the rows of their keys and days, creating them,
// and to their keys' totals.
func addRollup(ctx context.Context, t *tx, campaignID int64, series string, deltas []mobilise.DayDelta) error {
	totals := map[int64]mobilise.DayCounts{}
	for _, d := range deltas {
		totals[d.Key] = totals[d.Key].Plus(d.DayCounts)
		_, err := t.exec(ctx, `INSERT INTO rollup_days (campaign_id, series, series_key, day, `+rollupCounters+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, series, series_key, day) DO UPDATE SET `+strings.ReplaceAll(rollupAdd, "TABLE.", "rollup_days."),
			append([]any{campaignID, series, d.Key, dateText(d.Day)}, counterArgs(d.DayCounts)...)...)
		if err != nil {
			return fmt.Errorf("add to the %s rollup of campaign %d: %w", series, campaignID, err)
		}
	}
	for _, k := range slices.Sorted(mapKeys(totals)) {
		if totals[k].IsZero() {
			continue
		}
		_, err := t.exec(ctx, `INSERT INTO rollup_totals (campaign_id, series, series_key, `+rollupCounters+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (campaign_id, series, series_key) DO UPDATE SET `+strings.ReplaceAll(rollupAdd, "TABLE.", "rollup_totals."),
			append([]any{campaignID, series, k}, counterArgs(totals[k])...)...)
		if err != nil {
			return fmt.Errorf("add to the %s totals of campaign %d: %w", series, campaignID, err)
		}
	}
	return nil
}

// RollupDays returns a campaign's rollup of one series ("total", "group",
// "area" or "organisation"), by key and day, for mobilise.SeriesFromDays
// with confirmed pledges only.
func (s *Store) RollupDays(ctx context.Context, campaignID int64, series string) ([]mobilise.DayDelta, error) {
	var out []mobilise.DayDelta
	err := s.readTx(ctx, func(t *tx) error {
		return eachRow(ctx, t, `SELECT series_key, day, `+rollupCounters+`
			FROM rollup_days WHERE campaign_id = ? AND series = ? ORDER BY series_key, day`, []any{campaignID, series},
			func(scan func(...any) error) error {
				var d mobilise.DayDelta
				if err := scan(append([]any{&d.Key, scanDate{&d.Day}}, scanCounters(&d.DayCounts)...)...); err != nil {
					return err
				}
				out = append(out, d)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read the %s rollup of campaign %d: %w", series, campaignID, err)
	}
	return out, nil
}

// RebuildRollups recounts a campaign's rollup from its commitments, in one
// transaction: for a campaign loaded in bulk, one whose rollup predates a
// commitment, or to check the rollup (the tests compare the two).
func (s *Store) RebuildRollups(ctx context.Context, campaignID int64) error {
	return s.writeTx(ctx, func(t *tx) error { return rebuildRollups(ctx, t, campaignID) })
}

func rebuildRollups(ctx context.Context, t *tx, campaignID int64) error {
	if err := t.d.lockRollup(ctx, t, campaignID, true); err != nil {
		return fmt.Errorf("lock campaign %d's rollup: %w", campaignID, err)
	}
	for _, table := range []string{"rollup_days", "rollup_totals"} {
		if _, err := t.exec(ctx, `DELETE FROM `+table+` WHERE campaign_id = ?`, campaignID); err != nil {
			return fmt.Errorf("clear the rollup of campaign %d: %w", campaignID, err)
		}
	}
	// One series at a time, reading the commitments again for each: a
	// million commitments' daily sums for every organisation would
	// otherwise be held at once (hundreds of megabytes).
	for _, s := range rollupSeries {
		if err := rebuildSeries(ctx, t, campaignID, s.name, rollupOptions(s.by)); err != nil {
			return err
		}
	}
	_, err := t.exec(ctx, `INSERT INTO rollup_campaigns (campaign_id, built_at) VALUES (?, ?)
		ON CONFLICT (campaign_id) DO UPDATE SET built_at = excluded.built_at`, campaignID, ms(t.now))
	return err
}

// rebuildSeries counts one series of a campaign's rollup from its
// commitments, read in person order so each person's are together.
func rebuildSeries(ctx context.Context, t *tx, campaignID int64, series string, o mobilise.Options) error {
	sums := map[rollupKey]mobilise.DayCounts{}
	var person []mobilise.Commitment
	flush := func() error {
		ds, err := personDeltas(person, o)
		if err != nil {
			return err
		}
		for _, d := range ds {
			k := rollupKey{d.Key, d.Day}
			sums[k] = sums[k].Plus(d.DayCounts)
		}
		person = person[:0]
		return nil
	}
	err := eachRow(ctx, t, `SELECT `+factColumns+factFrom+` WHERE c.campaign_id = ? ORDER BY c.person_id, c.id`, []any{campaignID},
		func(scan func(...any) error) error {
			var m mobilise.Commitment
			if err := scanFact(scan, &m); err != nil {
				return err
			}
			if len(person) > 0 && person[0].PersonID != m.PersonID {
				if err := flush(); err != nil {
					return err
				}
			}
			person = append(person, m)
			return nil
		})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("count the commitments of campaign %d: %w", campaignID, err)
	}
	// Written in chunks, each chunk's rows dropped from the map as they go,
	// rather than copied whole into a slice.
	const chunk = 10_000
	rows := make([]mobilise.DayDelta, 0, chunk)
	for k, c := range sums {
		delete(sums, k)
		if c.IsZero() {
			continue
		}
		rows = append(rows, mobilise.DayDelta{Key: k.key, Day: k.day, DayCounts: c})
		if len(rows) == chunk {
			if err := addRollup(ctx, t, campaignID, series, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return addRollup(ctx, t, campaignID, series, rows)
}

type rollupKey struct {
	key int64
	day gs.Date
}

// buildMissingRollups builds the rollup of every campaign that has none:
// those of an installation from before rollups, once, when it opens.
func (s *Store) buildMissingRollups(ctx context.Context) error {
	var ids []int64
	err := s.readTx(ctx, func(t *tx) error {
		return eachRow(ctx, t, `SELECT id FROM campaigns WHERE id NOT IN (SELECT campaign_id FROM rollup_campaigns) ORDER BY id`, nil,
			func(scan func(...any) error) error {
				var id int64
				if err := scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
				return nil
			})
	})
	if err != nil {
		return fmt.Errorf("find campaigns without rollups: %w", err)
	}
	for _, id := range ids {
		if err := s.RebuildRollups(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// changeActionDue runs write, which may change an action's "by when", and
// moves the due and kept counts of its commitments in the rollup if it did.
// People are not affected: whether someone has a standing commitment does
// not depend on when it is due.
func changeActionDue(ctx context.Context, t *tx, actionID int64, write func() error) error {
	var campaignID int64
	err := t.queryRow(ctx, `SELECT g.campaign_id FROM actions a JOIN stakeholder_groups g ON g.id = a.group_id WHERE a.id = ?`,
		actionID).Scan(&campaignID)
	if errors.Is(err, sql.ErrNoRows) {
		return write() // no such action: the write says so
	} else if err != nil {
		return fmt.Errorf("find action %d: %w", actionID, err)
	}
	// Exclusive: every commitment of the action is read as "before", and
	// no change to one of them may commit between that and the update.
	if err := t.d.lockRollup(ctx, t, campaignID, true); err != nil {
		return fmt.Errorf("lock campaign %d's rollup: %w", campaignID, err)
	}
	// The date as it is now that no other change can commit: read before
	// the lock, another move could have changed it since.
	var due string
	if err := t.queryRow(ctx, `SELECT due_on FROM actions WHERE id = ?`, actionID).Scan(&due); err != nil {
		return fmt.Errorf("find action %d: %w", actionID, err)
	}
	facts := func() ([]mobilise.Commitment, error) {
		var out []mobilise.Commitment
		err := eachRow(ctx, t, `SELECT `+factColumns+factFrom+` WHERE c.action_id = ? ORDER BY c.id`, []any{actionID},
			func(scan func(...any) error) error {
				var m mobilise.Commitment
				if err := scanFact(scan, &m); err != nil {
					return err
				}
				out = append(out, m)
				return nil
			})
		return out, err
	}
	before, err := facts()
	if err != nil {
		return fmt.Errorf("read the action's pledges: %w", err)
	}
	if err := write(); err != nil {
		return err
	}
	var now gs.Date
	if err := t.queryRow(ctx, `SELECT due_on FROM actions WHERE id = ?`, actionID).Scan(scanDate{&now}); err != nil {
		return err
	}
	if dateText(now) == due || len(before) == 0 {
		return nil
	}
	// The same commitments with the new date: nothing else of them changed.
	after := make([]mobilise.Commitment, len(before))
	for i, c := range before {
		c.DueOn = now
		after[i] = c
	}
	for _, s := range rollupSeries {
		o := rollupOptions(s.by)
		var old, changed []mobilise.DayDelta
		for i := range before {
			b, err := mobilise.CommitmentDeltas(before[i], o, gs.Zone)
			if err != nil {
				return err
			}
			a, err := mobilise.CommitmentDeltas(after[i], o, gs.Zone)
			if err != nil {
				return err
			}
			old, changed = append(old, b...), append(changed, a...)
		}
		if err := addRollup(ctx, t, campaignID, s.name, mobilise.DeltaChange(old, changed)); err != nil {
			return err
		}
	}
	return nil
}

// Unconfirmed counts a campaign's pledges awaiting confirmation, withdrawn
// ones included: with the rollup's confirmed pledges, every pledge made.
func (s *Store) Unconfirmed(ctx context.Context, campaignID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.d.bind(`SELECT COUNT(*) FROM commitments WHERE campaign_id = ? AND confirmed_at IS NULL`), campaignID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unconfirmed pledges of campaign %d: %w", campaignID, err)
	}
	return n, nil
}

// RollupLatest returns a campaign's rollup of one series with every day
// before today summed into one row per key, dated the day before: enough
// for mobilise.SeriesFromDays over a timeline of today alone to give each
// key's figures as they stand. It reads each key's totals and the rows from
// today on (due dates still to pass), not a row per key and day: two
// thousand organisations over two years are more than a million rows.
func (s *Store) RollupLatest(ctx context.Context, campaignID int64, series string, today gs.Date) ([]mobilise.DayDelta, error) {
	past := map[int64]mobilise.DayCounts{}
	var out []mobilise.DayDelta
	err := s.readTx(ctx, func(t *tx) error {
		err := eachRow(ctx, t, `SELECT series_key, `+rollupCounters+` FROM rollup_totals WHERE campaign_id = ? AND series = ?`,
			[]any{campaignID, series}, func(scan func(...any) error) error {
				var k int64
				var c mobilise.DayCounts
				if err := scan(append([]any{&k}, scanCounters(&c)...)...); err != nil {
					return err
				}
				past[k] = c
				return nil
			})
		if err != nil {
			return err
		}
		return eachRow(ctx, t, `SELECT series_key, day, `+rollupCounters+` FROM rollup_days WHERE campaign_id = ? AND series = ? AND day >= ?`,
			[]any{campaignID, series, dateText(today)}, func(scan func(...any) error) error {
				var d mobilise.DayDelta
				if err := scan(append([]any{&d.Key, scanDate{&d.Day}}, scanCounters(&d.DayCounts)...)...); err != nil {
					return err
				}
				past[d.Key] = past[d.Key].Minus(d.DayCounts)
				out = append(out, d)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read the %s rollup of campaign %d: %w", series, campaignID, err)
	}
	for _, k := range slices.Sorted(mapKeys(past)) {
		if !past[k].IsZero() {
			out = append(out, mobilise.DayDelta{Key: k, Day: today.AddDays(-1), DayCounts: past[k]})
		}
	}
	return out, nil
}
