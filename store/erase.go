package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"slices"
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
// by them, and they name no one. Nothing Groundswell keeps links the row to
// who it was: the placeholder and the new invite code are random, not
// derived from the email. The row keeps its id, though, which webhooks,
// exports and API answers made before carried beside the name: the data
// kept is pseudonymised, not anonymous (docs/PRIVACY.md).
//
// Their name or email in text others wrote is removed too where Groundswell
// keeps it as a record of what was sent: a lead's message to their group
// (and its copies in the outbox), the webhook messages about their pledges
// and what receivers answered, and the job queue's records of emails to
// them. The audit log keeps the changes they made as staff, by user id,
// without the copy of their name and email. Other people's own pledges and
// stories are theirs and are not read.
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
	// A person erasing themself is signed in, and the web app records who
	// acts as them: every entry this erasure writes (the erasure, the end
	// of their appointments) would keep their name and email in the audit
	// log for good. Whoever calls, those entries name no one.
	if in.RequestedBy == gs.ErasedByPerson {
		ctx = WithActor(ctx, gs.ErasedPersonActor)
	}
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
	if err := scrubJobRecords(ctx, t, e); err != nil {
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
	// asked is the actor (an organiser, the system, or, for the person
	// themself, gs.ErasedPersonActor, set above).
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
		e.placeholder, false, false, erasedReferralCode(), ms(t.now), ms(t.now), e.personID)
	if err != nil {
		return fmt.Errorf("anonymise person: %w", err)
	}
	return nil
}

// eraseAccount anonymises a (non-organiser) account: it can no longer sign
// in, its sessions end, and its appointments as a lead or representative
// end, which is what it means to leave. The row stays, anonymous, because
// the messages it sent and the audit log's entries refer to it.
func eraseAccount(ctx context.Context, t *tx, e *erasee) error {
	if err := endAppointments(ctx, t, e.userID); err != nil {
		return err
	}
	// The entries of changes they made as a lead or representative stay
	// (article 17(3): the record of what staff did), by their user id, with
	// their role, what they did and when; the copy of their name and email
	// goes. It is the one change the audit log's triggers allow (migration
	// 0023).
	if _, err := t.exec(ctx, `UPDATE audit_log SET actor_name = '', actor_email = '' WHERE actor_user_id = ? AND (actor_name <> '' OR actor_email <> '')`,
		e.userID); err != nil {
		return fmt.Errorf("remove their name from the audit log: %w", err)
	}
	steps := []string{
		`DELETE FROM sessions WHERE user_id = ?`,
		`DELETE FROM digests_sent WHERE user_id = ?`,
		`UPDATE group_leads SET invited_by = NULL WHERE invited_by = ?`,
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

// endAppointments ends the user's appointments as a lead or representative,
// each recorded in the audit log as its appointment was: by user id, under
// the group or organisation, so the log shows when the group lost its lead.
func endAppointments(ctx context.Context, t *tx, userID int64) error {
	type appointment struct {
		rt                   roleTable
		campaignID, objectID int64
		label                string
	}
	var ended []appointment
	err := eachRow(ctx, t, `SELECT g.campaign_id, g.id, g.name FROM group_leads l JOIN stakeholder_groups g ON g.id = l.group_id
		WHERE l.user_id = ? ORDER BY g.id`, []any{userID}, func(scan func(...any) error) error {
		a := appointment{rt: leadsTable}
		if err := scan(&a.campaignID, &a.objectID, &a.label); err != nil {
			return err
		}
		ended = append(ended, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("find groups led: %w", err)
	}
	// Organisations belong to the whole installation: no campaign.
	err = eachRow(ctx, t, `SELECT o.id, o.name FROM organisation_reps r JOIN organisations o ON o.id = r.organisation_id
		WHERE r.user_id = ? ORDER BY o.id`, []any{userID}, func(scan func(...any) error) error {
		a := appointment{rt: repsTable}
		if err := scan(&a.objectID, &a.label); err != nil {
			return err
		}
		ended = append(ended, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("find organisations represented: %w", err)
	}
	for _, a := range ended {
		if _, err := t.exec(ctx, `DELETE FROM `+a.rt.name+` WHERE `+a.rt.key+` = ? AND user_id = ?`, a.objectID, userID); err != nil {
			return fmt.Errorf("end appointment to %s %d: %w", a.rt.what, a.objectID, err)
		}
		if err := t.audit(ctx, change{campaignID: a.campaignID, object: a.rt.audit, objectID: a.objectID, verb: gs.AuditDelete,
			label: a.label, before: appointmentSnap{UserID: userID}}); err != nil {
			return err
		}
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

// scrubJobRecords takes the erasee's address out of the job queue's records
// (River's river_job, in the same database, when the queue has made its
// tables). Jobs carry ids, not addresses (followup, webhook), but a failed
// attempt's error is kept with the job, and a mail server's answer quotes
// the address ("send mail to …: 550 …"). A finished job (completed,
// discarded, cancelled) that mentions it is deleted: the queue would delete
// it within days anyway. A job still to run keeps its errors, with the
// address taken out of them, because River counts its attempts by them. A
// job queued for the erasee still runs, finds them erased, and sends nothing.
func scrubJobRecords(ctx context.Context, t *tx, e *erasee) error {
	exists, err := tableExists(ctx, t, "river_job")
	if err != nil || !exists {
		return err
	}
	argsText, errorsText := `json(args)`, `json(errors)`
	setErrors := `jsonb(?)`
	if t.d.name == postgresDialect.name {
		argsText, errorsText = `CAST(args AS TEXT)`, `CAST(array_to_json(errors) AS TEXT)`
		setErrors = `ARRAY(SELECT x.e FROM jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS x(e, n) ORDER BY x.n)`
	}
	// encoding/json escapes <, > and &; the databases' own JSON text may
	// not: both forms are looked for.
	needles := uniqueForms(e.email, jsonText(e.email))
	var conds []string
	var args []any
	for _, n := range needles {
		pattern := "%" + likeEscape(strings.ToLower(n)) + "%"
		conds = append(conds, `LOWER(`+argsText+`) LIKE ? ESCAPE '\'`, `LOWER(COALESCE(`+errorsText+`, '')) LIKE ? ESCAPE '\'`)
		args = append(args, pattern, pattern)
	}
	type job struct {
		id     int64
		state  string
		errors sql.NullString
	}
	var found []job
	// FOR UPDATE on PostgreSQL: a worker finishing the job meanwhile
	// would otherwise append an error that the write below drops.
	err = eachRow(ctx, t, `SELECT id, CAST(state AS TEXT), `+errorsText+` FROM river_job WHERE `+strings.Join(conds, " OR ")+t.d.rollupExclusive, args,
		func(scan func(...any) error) error {
			var j job
			if err := scan(&j.id, &j.state, &j.errors); err != nil {
				return err
			}
			found = append(found, j)
			return nil
		})
	if err != nil {
		return fmt.Errorf("find job records: %w", err)
	}
	for _, j := range found {
		switch j.state {
		case "completed", "discarded", "cancelled":
			_, err = t.exec(ctx, `DELETE FROM river_job WHERE id = ?`, j.id)
		default:
			if !j.errors.Valid || !mentions(j.errors.String, needles) {
				continue // only its args name them: it finds them erased when it runs
			}
			var scrubbed string
			if scrubbed, err = scrubJobErrors(j.errors.String, needles); err == nil {
				_, err = t.exec(ctx, `UPDATE river_job SET errors = `+setErrors+` WHERE id = ?`, scrubbed, j.id)
			}
		}
		if err != nil {
			return fmt.Errorf("scrub job %d: %w", j.id, err)
		}
	}
	return nil
}

// scrubJobErrors replaces the needles in every text of a job's errors (a
// JSON array of River's attempt errors), keeping each error and its time.
func scrubJobErrors(errorsJSON string, needles []string) (string, error) {
	var list []any
	if err := json.Unmarshal([]byte(errorsJSON), &list); err != nil {
		return "", fmt.Errorf("read its errors: %w", err)
	}
	var res []*regexp.Regexp
	for _, n := range needles {
		res = append(res, regexp.MustCompile(`(?i)`+regexp.QuoteMeta(n)))
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			for _, re := range res {
				x = re.ReplaceAllLiteralString(x, erasedText)
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return v
	}
	b, err := json.Marshal(walk(list))
	if err != nil {
		return "", fmt.Errorf("write its errors: %w", err)
	}
	return string(b), nil
}

// tableExists reports whether the database has a table of the name: in
// SQLite's file, or PostgreSQL's current schema (where the job queue's
// migrations put theirs).
func tableExists(ctx context.Context, t *tx, name string) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if t.d.name == postgresDialect.name {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	if err := t.queryRow(ctx, q, name).Scan(&n); err != nil {
		return false, fmt.Errorf("look for table %s: %w", name, err)
	}
	return n > 0, nil
}

// scrubWebhookDeliveries takes the person out of the webhook messages about
// them: the events stay (a receiver's counts stand, and a delivery still
// waiting goes), with the person's name, email and details blanked. A
// message that still names them somewhere else is deleted. The error kept
// from the last attempt is blanked on every delivery touched: it quotes
// what the receiver answered, which may echo the payload, and a delivery
// found only by its error is touched too.
func scrubWebhookDeliveries(ctx context.Context, t *tx, e *erasee) error {
	var where []string
	var args []any
	if e.personID != 0 {
		p := webhookPersonPatterns(e.personID)
		where, args = append(where, `payload LIKE ?`, `payload LIKE ?`), append(args, p[0], p[1])
	}
	for _, n := range e.needles() {
		where, args = append(where, `LOWER(payload) LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(strings.ToLower(jsonText(n)))+"%")
		for _, form := range uniqueForms(n, jsonText(n)) {
			where, args = append(where, `LOWER(last_error) LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(strings.ToLower(form))+"%")
		}
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
			_, err = t.exec(ctx, `UPDATE webhook_deliveries SET payload = ?, last_error = '' WHERE id = ?`, payload, d.id)
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
				for _, form := range htmlForms(n) {
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

// htmlForms are the ways a needle may be written in text or HTML: as it
// is, escaped by html.EscapeString, and escaped as html/template escapes
// text (the outbox's HTML emails), which also writes '+' as "&#43;" — an
// address like erin+ward7@example.org.
func htmlForms(n string) []string {
	var b strings.Builder
	if err := templateText.Execute(&b, n); err != nil {
		// A string always executes; were it ever not to, the other
		// forms are still searched.
		return uniqueForms(n, html.EscapeString(n))
	}
	return uniqueForms(n, html.EscapeString(n), b.String())
}

// templateText writes a string as html/template writes one in HTML text.
var templateText = template.Must(template.New("text").Parse(`{{.}}`))

// uniqueForms lists the forms given, each once, in order.
func uniqueForms(forms ...string) []string {
	var out []string
	for _, f := range forms {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// removeMentions replaces each needle, as plain text or HTML-escaped, where
// it stands as a whole word (not inside a longer word), in any case.
func removeMentions(s string, needles []string) string {
	for _, n := range needles {
		for _, form := range htmlForms(n) {
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

// erasedReferralCode is the invite code of an erased person's row: random,
// and never valid (gs.ValidReferralCode), so no invite link finds the row.
func erasedReferralCode() string {
	return "erased-" + newToken()
}

// erasureReference is the opaque reference of an erasure, to quote back to
// the person: random, so it says nothing of who they were.
func erasureReference() string {
	return "ER-" + strings.ToUpper(newToken()[:12])
}
