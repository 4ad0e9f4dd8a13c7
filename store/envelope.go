package store

import (
	"context"
	"fmt"

	gs "github.com/groundswell-health/groundswell"
)

// EnvelopeEntries lists a campaign's envelope entries by date.
func (s *Store) EnvelopeEntries(ctx context.Context, campaignID int64) ([]gs.EnvelopeEntry, error) {
	var out []gs.EnvelopeEntry
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT id, campaign_id, on_date, kind, unit, amount, note FROM envelope_entries
			WHERE campaign_id = ? ORDER BY on_date, id`, campaignID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e gs.EnvelopeEntry
			if err := rows.Scan(&e.ID, &e.CampaignID, scanDate{&e.On}, &e.Kind, &e.Unit, &e.Amount, &e.Note); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list envelope of campaign %d: %w", campaignID, err)
	}
	return out, nil
}

// CreateEnvelopeEntry validates and stores an envelope entry.
func (s *Store) CreateEnvelopeEntry(ctx context.Context, e *gs.EnvelopeEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *tx) error {
		id, err := tx.insertID(ctx, `INSERT INTO envelope_entries (campaign_id, on_date, kind, unit, amount, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.CampaignID, dateText(e.On), e.Kind, e.Unit, e.Amount, e.Note, ms(tx.now))
		if isForeignKeyViolation(err) {
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		} else if err != nil {
			return fmt.Errorf("create envelope entry: %w", err)
		}
		e.ID = id
		return tx.audit(ctx, change{campaignID: e.CampaignID, object: gs.AuditEnvelopeEntry, objectID: id, verb: gs.AuditCreate,
			label: envelopeLabel(*e), after: snapEnvelope(*e)})
	})
}

// envelopeLabel names an entry, which has no title: by its kind and date.
func envelopeLabel(e gs.EnvelopeEntry) string {
	return e.Kind + " on " + dateText(e.On)
}

// DeleteEnvelopeEntry removes an entry of a campaign's envelope.
func (s *Store) DeleteEnvelopeEntry(ctx context.Context, campaignID, id int64) error {
	return s.writeTx(ctx, func(tx *tx) error {
		e := gs.EnvelopeEntry{ID: id, CampaignID: campaignID}
		err := tx.queryRow(ctx, `SELECT on_date, kind, unit, amount, note FROM envelope_entries WHERE id = ? AND campaign_id = ?`+tx.d.forChange,
			id, campaignID).Scan(scanDate{&e.On}, &e.Kind, &e.Unit, &e.Amount, &e.Note)
		if err != nil {
			return notFound(err, "envelope entry")
		}
		if err := tx.update(ctx, "envelope entry", `DELETE FROM envelope_entries WHERE id = ? AND campaign_id = ?`, id, campaignID); err != nil {
			return err
		}
		return tx.audit(ctx, change{campaignID: campaignID, object: gs.AuditEnvelopeEntry, objectID: id, verb: gs.AuditDelete,
			label: envelopeLabel(e), before: snapEnvelope(e)})
	})
}
