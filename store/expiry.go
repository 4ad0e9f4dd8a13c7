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
//
// The window runs from when the pledge's confirmation email was queued, as
// the email's "the link works for 7 days" does, and a pledge whose email is
// not queued yet waits for it. On the form the two are a second apart; an
// imported pledge awaiting confirmation may have been made long before its
// owner is emailed, and is not removed before they have had their week.
func (s *Store) ExpireUnconfirmed(ctx context.Context, window time.Duration) (int, error) {
	var n int
	err := s.writeTx(ctx, func(tx *tx) error {
		cutoff := ms(tx.now.Add(-window))
		// created_at as well: a pledge is queued after it is made (but for
		// one an import dates ahead), so it changes nothing, and it lets
		// the index of unconfirmed pledges by created_at serve.
		unconfirmed := func(alias string) string {
			return alias + `confirmed_at IS NULL AND ` + alias + `created_at < ? AND ` +
				alias + `confirmation_queued_at IS NOT NULL AND ` + alias + `confirmation_queued_at < ?`
		}
		expired := `SELECT id FROM commitments WHERE ` + unconfirmed("")
		steps := []string{
			`UPDATE messages SET commitment_id = NULL WHERE commitment_id IN (` + expired + `)`,
			`DELETE FROM tokens WHERE commitment_id IN (` + expired + `)`,
			// The edge goes when the invited person has no other pledge in
			// that campaign.
			// The row-value IN reaches the few edges by their primary key:
			// an EXISTS per edge would visit every edge of the database.
			`DELETE FROM relationships WHERE (campaign_id, to_id) IN (SELECT c.campaign_id, c.person_id FROM commitments c
				WHERE ` + unconfirmed("c.") + `)
				AND NOT EXISTS (SELECT 1 FROM commitments k WHERE k.person_id = relationships.to_id AND k.campaign_id = relationships.campaign_id
				AND NOT (` + unconfirmed("k.") + `))`,
		}
		for _, q := range steps {
			args := []any{cutoff, cutoff}
			if q == steps[2] {
				args = []any{cutoff, cutoff, cutoff, cutoff}
			}
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		var people []int64
		rows, err := tx.query(ctx, `SELECT DISTINCT person_id FROM commitments WHERE `+unconfirmed(""), cutoff, cutoff)
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
		res, err := tx.exec(ctx, `DELETE FROM commitments WHERE `+unconfirmed(""), cutoff, cutoff)
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
