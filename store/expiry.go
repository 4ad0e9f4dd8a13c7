package store

import (
	"context"
	"fmt"
	"time"
)

// ExpireUnconfirmed removes pledges that were never confirmed within the
// confirmation window, and what exists only because of them: their links,
// the invitation edge they made, and the person, when that was their only
// pledge and they have no account. Such a pledge was never counted; keeping
// the name and email of someone who never confirmed — who may never have
// pledged at all, if someone typed in their address — is personal data held
// for no purpose. It returns how many pledges were removed.
func (s *Store) ExpireUnconfirmed(ctx context.Context, window time.Duration) (int, error) {
	var n int
	err := s.writeTx(ctx, func(tx *tx) error {
		cutoff := ms(tx.now.Add(-window))
		const expired = `SELECT id FROM commitments WHERE confirmed_at IS NULL AND created_at < ?`
		steps := []string{
			`UPDATE messages SET commitment_id = NULL WHERE commitment_id IN (` + expired + `)`,
			`DELETE FROM tokens WHERE commitment_id IN (` + expired + `)`,
			// The edge goes when the invited person has no other pledge in
			// that campaign.
			// The row-value IN reaches the few edges by their primary key:
			// an EXISTS per edge would visit every edge of the database.
			`DELETE FROM relationships WHERE (campaign_id, to_id) IN (SELECT c.campaign_id, c.person_id FROM commitments c
				WHERE c.confirmed_at IS NULL AND c.created_at < ?)
				AND NOT EXISTS (SELECT 1 FROM commitments k WHERE k.person_id = relationships.to_id AND k.campaign_id = relationships.campaign_id
				AND NOT (k.confirmed_at IS NULL AND k.created_at < ?))`,
		}
		for _, q := range steps {
			args := []any{cutoff}
			if q == steps[2] {
				args = []any{cutoff, cutoff}
			}
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		var people []int64
		rows, err := tx.query(ctx, `SELECT DISTINCT person_id FROM commitments WHERE confirmed_at IS NULL AND created_at < ?`, cutoff)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			people = append(people, id)
		}
		rows.Close()
		res, err := tx.exec(ctx, `DELETE FROM commitments WHERE confirmed_at IS NULL AND created_at < ?`, cutoff)
		if err != nil {
			return err
		}
		affected, err := res.RowsAffected()
		if err != nil {
			return err
		}
		n = int(affected)
		for _, id := range people {
			// Someone who pledged nothing else, invited no one and has
			// no account is removed with the pledge.
			if _, err := tx.exec(ctx, `DELETE FROM people WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM commitments WHERE person_id = ?)
				AND NOT EXISTS (SELECT 1 FROM relationships WHERE from_id = ? OR to_id = ?)
				AND NOT EXISTS (SELECT 1 FROM commitments WHERE invited_by_id = ?)
				AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = people.email)`, id, id, id, id, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire unconfirmed pledges: %w", err)
	}
	return n, nil
}
