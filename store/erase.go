package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Erasure (UK GDPR article 17).
//
// A person's row stays, because their pledges and invitation links stay:
// the campaign's figures (people committed, pledges, done, relationships,
// every dashboard series) count them, and must not change because someone
// asked to be forgotten. What made the row theirs goes, irreversibly: the
// name, email (replaced by a random placeholder at a domain that can receive
// nothing), role, organisation typed in, invite code, consent record; the
// words they wrote (why it matters, a reason, stories); the emails sent to
// them and every one-time link; their account's sign-in, appointments and
// sessions. The area and the listed organisation stay: the dashboards count
// by them, and they name no one. Nothing links the row to who it was: the
// placeholder and the new invite code are random, not derived from the
// email.
//
// Their name or email in text others wrote is removed too where Groundswell
// keeps it as a record of what was sent: a lead's message to their group
// (and its copies in the outbox) and the webhook messages about their
// pledges. Other people's own pledges and stories are theirs and are not
// read.
//
// Everything happens in one transaction: an erasure is done whole or not at
// all, and it is recorded (gs.Erasure) in the same transaction.

// erasedText replaces a name or email found in text that others wrote.
const erasedText = "[name removed]"

// Erase erases everything held about the person, and the account, with an
// email address, and records the erasure. It is ENOTFOUND when nothing is
// held under the address, and ECONFLICT for an organiser's own account.
func (s *Store) Erase(ctx context.Context, in gs.EraseInput) (gs.Erasure, error) {
	if err := in.Validate(); err != nil {
		return gs.Erasure{}, err
	}
	var e gs.Erasure
	err := s.writeTx(ctx, func(t *tx) error {
		var err error
		e, err = erase(ctx, t, in)
		return err
	})
	if err != nil {
		return gs.Erasure{}, fmt.Errorf("erase: %w", err)
	}
	return e, nil
}

// erasee is who an erasure is about.
type erasee struct {
	email       string
	personID    int64 // 0 when they never pledged
	userID      int64 // 0 when they have no account
	names       []string
	commitments []int64
	placeholder string
}

// needles are the strings that identify the erasee in text others wrote.
func (e *erasee) needles() []string {
	out := []string{e.email}
	for _, n := range e.names {
		// A name of one or two letters would match words of others'
		// text: too short to tell apart from them.
		if len([]rune(strings.TrimSpace(n))) >= 3 {
			out = append(out, strings.TrimSpace(n))
		}
	}
	return out
}

func erase(ctx context.Context, t *tx, in gs.EraseInput) (gs.Erasure, error) {
	e, err := findErasee(ctx, t, in.Email)
	if err != nil {
		return gs.Erasure{}, err
	}
	rec := gs.Erasure{Reference: erasureReference(), RequestedBy: in.RequestedBy, At: t.now, Commitments: len(e.commitments)}
	if e.personID != 0 {
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM relationships WHERE from_id = ? OR to_id = ?`, e.personID, e.personID).Scan(&rec.Relationships); err != nil {
			return rec, fmt.Errorf("count relationships: %w", err)
		}
	}
	// Text others wrote first, while the rows still say who to look for.
	if err := scrubWebhookDeliveries(ctx, t, e); err != nil {
		return rec, err
	}
	if err := scrubMentions(ctx, t, e); err != nil {
		return rec, err
	}
	if err := eraseSent(ctx, t, e); err != nil {
		return rec, err
	}
	if e.personID != 0 {
		if err := erasePerson(ctx, t, e); err != nil {
			return rec, err
		}
	}
	if e.userID != 0 {
		if err := eraseAccount(ctx, t, e); err != nil {
			return rec, err
		}
	}
	var by any
	if in.RequestedBy == gs.ErasedByOrganiser {
		by = in.ByUserID
	}
	if _, err := t.exec(ctx, `INSERT INTO erasures (reference, requested_by, by_user_id, commitments, relationships, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		rec.Reference, rec.RequestedBy, by, rec.Commitments, rec.Relationships, ms(t.now)); err != nil {
		return rec, fmt.Errorf("record erasure: %w", err)
	}
	// And in the audit log, installation-wide, by its reference only: who
	// asked is the actor (the person themself, or an organiser).
	if err := t.audit(ctx, change{object: gs.AuditErasure, verb: gs.AuditErase, label: rec.Reference, after: erasureSnap{
		Reference: rec.Reference, RequestedBy: rec.RequestedBy, Commitments: rec.Commitments, Relationships: rec.Relationships,
	}}); err != nil {
		return rec, err
	}
	return rec, nil
}

// erasureSnap is an erasure as the audit log records it: nothing of the
// person erased.
type erasureSnap struct {
	Reference     string `json:"reference"`
	RequestedBy   string `json:"requested_by"`
	Commitments   int    `json:"commitments_kept"`
	Relationships int    `json:"relationships_kept"`
}

// findErasee finds the person and the account with the email. On
// PostgreSQL it locks the person's row, as a change to one of their pledges
// does (changeCommitment), so that no such change interleaves with the
// erasure.
func findErasee(ctx context.Context, t *tx, email string) (*erasee, error) {
	e := &erasee{email: email, placeholder: "erased-" + newToken() + "@" + gs.ErasedDomain}
	var name string
	err := t.queryRow(ctx, `SELECT id, name FROM people WHERE email = ? AND erased_at IS NULL`+t.d.rollupExclusive, email).Scan(&e.personID, &name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find person: %w", err)
	} else if err == nil {
		e.names = append(e.names, name)
	}
	var role string
	err = t.queryRow(ctx, `SELECT id, name, role FROM users WHERE email = ?`, email).Scan(&e.userID, &name, &role)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, fmt.Errorf("find account: %w", err)
	case role == gs.RoleOrganiser:
		// An organiser is the programme team's own staff, whose account
		// is managed with their employer, not erased from a form.
		return nil, gs.Errorf(gs.ECONFLICT, "This email address belongs to an organiser's account, which cannot be erased here. "+
			"Ask whoever runs this installation to remove the account first.")
	default:
		if name != "" && (len(e.names) == 0 || name != e.names[0]) {
			e.names = append(e.names, name)
		}
	}
	if e.personID == 0 && e.userID == 0 {
		return nil, gs.Errorf(gs.ENOTFOUND, "We hold nothing under this email address")
	}
	if e.personID != 0 {
		ids, err := idColumn(ctx, t, `SELECT id FROM commitments WHERE person_id = ? ORDER BY id`, e.personID)
		if err != nil {
			return nil, fmt.Errorf("find pledges: %w", err)
		}
		e.commitments = ids
	}
	return e, nil
}

// erasePerson anonymises the person's row and the words they wrote, keeping
// every pledge and invitation link, and every field the figures count by.
func erasePerson(ctx context.Context, t *tx, e *erasee) error {
	if len(e.commitments) > 0 {
		in := `commitment_id IN (SELECT id FROM commitments WHERE person_id = ?)`
		if _, err := t.exec(ctx, `DELETE FROM stories WHERE `+in, e.personID); err != nil {
			return fmt.Errorf("delete stories: %w", err)
		}
	}
	// The receipt address is a key to the pledge's page: each gets a new
	// random one nobody holds. Pledges still waiting for their confirmation
	// email are marked as queued, so it never goes. updated_at is left: the
	// dashboards date some changes by it.
	for _, id := range e.commitments {
		if _, err := t.exec(ctx, `UPDATE commitments SET why = '', outcome_reason = '', receipt_token = ?, submission_key = NULL,
			confirmation_queued_at = COALESCE(confirmation_queued_at, ?) WHERE id = ?`, newToken(), ms(t.now), id); err != nil {
			return fmt.Errorf("anonymise pledge %d: %w", id, err)
		}
	}
	// The invite code becomes one that can never be valid (gs.ValidReferralCode),
	// so old invite links say they are not recognised.
	_, err := t.exec(ctx, `UPDATE people SET email = ?, name = '', profession = '', organisation_name = '', show_on_wall = ?, contact_ok = ?,
		referral_code = ?, consent_version = 0, consent_at = NULL, unsubscribed_at = COALESCE(unsubscribed_at, ?), erased_at = ? WHERE id = ?`,
		e.placeholder, false, false, "erased-"+newToken(), ms(t.now), ms(t.now), e.personID)
	if err != nil {
		return fmt.Errorf("anonymise person: %w", err)
	}
	return nil
}

// eraseAccount anonymises a (non-organiser) account: it can no longer sign
// in, its sessions end, and its appointments as a lead or representative
// end, which is what it means to leave. The row stays, anonymous, because
// the messages it sent refer to it.
func eraseAccount(ctx context.Context, t *tx, e *erasee) error {
	steps := []string{
		`DELETE FROM sessions WHERE user_id = ?`,
		`DELETE FROM digests_sent WHERE user_id = ?`,
		`DELETE FROM group_leads WHERE user_id = ?`,
		`UPDATE group_leads SET invited_by = NULL WHERE invited_by = ?`,
		`DELETE FROM organisation_reps WHERE user_id = ?`,
		`UPDATE organisation_reps SET invited_by = NULL WHERE invited_by = ?`,
		`UPDATE group_messages SET sender_name = '' WHERE sender_user_id = ?`,
	}
	for _, q := range steps {
		if _, err := t.exec(ctx, q, e.userID); err != nil {
			return fmt.Errorf("erase account: %w", err)
		}
	}
	_, err := t.exec(ctx, `UPDATE users SET email = ?, name = '', password_hash = '', digest_off_at = COALESCE(digest_off_at, ?) WHERE id = ?`,
		e.placeholder, ms(t.now), e.userID)
	if err != nil {
		return fmt.Errorf("anonymise account: %w", err)
	}
	return nil
}

// eraseSent removes what was sent to the erasee, and the means to act as
// them: the emails kept (to them, or about their pledges), every one-time
// link, and the request counts kept under their address by the rate limits.
func eraseSent(ctx context.Context, t *tx, e *erasee) error {
	mine := `SELECT id FROM commitments WHERE person_id = ?`
	steps := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM messages WHERE to_email = ?`, []any{e.email}},
		{`DELETE FROM messages WHERE commitment_id IN (` + mine + `)`, []any{e.personID}},
		{`DELETE FROM tokens WHERE commitment_id IN (` + mine + `)`, []any{e.personID}},
		{`DELETE FROM tokens WHERE user_id = ?`, []any{e.userID}},
		{`DELETE FROM rate_counts WHERE rate_key LIKE ? ESCAPE '\'`, []any{"%:email:" + likeEscape(e.email)}},
	}
	for _, st := range steps {
		if _, err := t.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("erase what was sent: %w", err)
		}
	}
	return nil
}

// scrubWebhookDeliveries takes the person out of the webhook messages about
// them: the events stay (a receiver's counts stand, and a delivery still
// waiting goes), with the person's name, email and details blanked. A
// message that still names them somewhere else is deleted.
func scrubWebhookDeliveries(ctx context.Context, t *tx, e *erasee) error {
	var where []string
	var args []any
	if e.personID != 0 {
		p := webhookPersonPatterns(e.personID)
		where, args = append(where, `payload LIKE ?`, `payload LIKE ?`), append(args, p[0], p[1])
	}
	for _, n := range e.needles() {
		where, args = append(where, `LOWER(payload) LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(strings.ToLower(jsonText(n)))+"%")
	}
	type delivery struct {
		id      int64
		payload string
	}
	var found []delivery
	err := eachRow(ctx, t, `SELECT id, payload FROM webhook_deliveries WHERE `+strings.Join(where, " OR "), args, func(scan func(...any) error) error {
		var d delivery
		if err := scan(&d.id, &d.payload); err != nil {
			return err
		}
		found = append(found, d)
		return nil
	})
	if err != nil {
		return fmt.Errorf("find webhook messages: %w", err)
	}
	for _, d := range found {
		payload, ok := scrubWebhookPayload(d.payload, e.personID)
		if ok && !mentions(payload, e.needles()) {
			_, err = t.exec(ctx, `UPDATE webhook_deliveries SET payload = ? WHERE id = ?`, payload, d.id)
		} else {
			_, err = t.exec(ctx, `DELETE FROM webhook_deliveries WHERE id = ?`, d.id)
		}
		if err != nil {
			return fmt.Errorf("scrub webhook message %d: %w", d.id, err)
		}
	}
	return nil
}

// scrubWebhookPayload blanks the person's details wherever the payload shows
// them (data.person, data.inviter); false if it cannot be read.
func scrubWebhookPayload(payload string, personID int64) (string, bool) {
	var msg map[string]any
	if err := json.Unmarshal([]byte(payload), &msg); err != nil {
		return "", false
	}
	data, _ := msg["data"].(map[string]any)
	for _, key := range []string{"person", "inviter"} {
		p, _ := data[key].(map[string]any)
		if id, _ := p["id"].(float64); p != nil && int64(id) == personID {
			for _, f := range []string{"name", "email", "profession", "organisation_name"} {
				delete(p, f)
			}
			p["contact_ok"] = false
		}
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// scrubMentions removes the erasee's name and email from the messages leads
// wrote to their groups, and from the copies of them in the outbox.
func scrubMentions(ctx context.Context, t *tx, e *erasee) error {
	needles := e.needles()
	targets := []struct {
		table, where string
		columns      []string
	}{
		{"group_messages", "", []string{"subject", "body"}},
		{"messages", "kind = 'group_message' AND ", []string{"subject", "text_body", "html_body"}},
	}
	for _, tg := range targets {
		var conds []string
		var args []any
		for _, c := range tg.columns {
			for _, n := range needles {
				for _, form := range []string{n, html.EscapeString(n)} {
					conds = append(conds, `LOWER(`+c+`) LIKE ? ESCAPE '\'`)
					args = append(args, "%"+likeEscape(strings.ToLower(form))+"%")
				}
			}
		}
		type row struct {
			id   int64
			text []string
		}
		var rows []row
		q := `SELECT id, ` + strings.Join(tg.columns, ", ") + ` FROM ` + tg.table + ` WHERE ` + tg.where + `(` + strings.Join(conds, " OR ") + `)`
		err := eachRow(ctx, t, q, args, func(scan func(...any) error) error {
			r := row{text: make([]string, len(tg.columns))}
			dest := []any{&r.id}
			for i := range r.text {
				dest = append(dest, &r.text[i])
			}
			if err := scan(dest...); err != nil {
				return err
			}
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			return fmt.Errorf("find mentions in %s: %w", tg.table, err)
		}
		for _, r := range rows {
			set := make([]string, len(tg.columns))
			args := make([]any, 0, len(tg.columns)+1)
			for i, c := range tg.columns {
				set[i] = c + ` = ?`
				args = append(args, removeMentions(r.text[i], needles))
			}
			if _, err := t.exec(ctx, `UPDATE `+tg.table+` SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, r.id)...); err != nil {
				return fmt.Errorf("remove mentions from %s %d: %w", tg.table, r.id, err)
			}
		}
	}
	return nil
}

// removeMentions replaces each needle, as plain text or HTML-escaped, where
// it stands as a whole word (not inside a longer word), in any case.
func removeMentions(s string, needles []string) string {
	for _, n := range needles {
		for _, form := range []string{n, html.EscapeString(n)} {
			re := regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}_])` + regexp.QuoteMeta(form) + `($|[^\p{L}\p{N}_])`)
			// Each match takes the character around it, so a mention right
			// after another needs a second pass.
			for re.MatchString(s) {
				s = re.ReplaceAllString(s, "${1}"+erasedText+"${2}")
			}
		}
	}
	return s
}

// mentions reports whether s holds any needle, in any case.
func mentions(s string, needles []string) bool {
	s = strings.ToLower(s)
	for _, n := range needles {
		if strings.Contains(s, strings.ToLower(n)) || strings.Contains(s, strings.ToLower(jsonText(n))) {
			return true
		}
	}
	return false
}

// jsonText is s as it appears inside a JSON string (encoding/json escapes
// <, > and & as well as quotes).
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// likeEscape escapes LIKE's wildcards, for patterns with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// erasureReference is the opaque reference of an erasure, to quote back to
// the person: random, so it says nothing of who they were.
func erasureReference() string {
	return "ER-" + strings.ToUpper(newToken()[:12])
}
