package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
)

// Data exchange files (package csvio): people, organisations, commitments and
// observations, exported a row at a time from one read transaction, so that
// a campaign of a million pledges is exported in constant memory, and
// imported in one write transaction, all or nothing.
//
// Import rules, as docs/DATA_EXCHANGE.md gives them to organisers:
//
//   - People are matched by email. A person already stored is kept as they
//     are: their details and consents are their own, as on the pledge form,
//     where a later pledge changes nothing either — except that a consent
//     only ever narrows: an opt-out in the file (no to the wall or to
//     contact, a time they unsubscribed) is taken, since it may be the
//     person's own answer given elsewhere, while an opt-in there never
//     overrides a no here. A column the file leaves out says nothing. A new
//     person keeps the file's referral code, unless another person has it.
//   - Organisations are matched by ODS code, or, for one without a code, by
//     exact name among those without one; a file without an ods_code column
//     matches by name alone. A match is updated to the file's name, sector
//     and, if the file has the column, area: an organisations file is how an
//     organiser keeps the list.
//   - Commitments name their person by email (who must be stored: import
//     people first) and their action by group slug and title within the
//     campaign. A pledge already stored for that person and action is kept as
//     it is. A new confirmed one sends no confirmation email (it was made and
//     confirmed elsewhere); one awaiting confirmation is emailed a link to
//     confirm it, as a pledge on the form is, since none came with it. A
//     pledge made through an invite link records the invitation too. The
//     campaign's rollup is rebuilt in the same transaction.
//   - Areas are matched by code and must exist, except that an observations
//     import creates unknown ones (ImportObservations).

// ErrBadRows is returned by an import that stored nothing because rows were
// bad (and it was not asked to keep the good ones). The rows an import reads
// may end with it too, to say that the reader found bad rows of its own: the
// rows before it are still checked, and those refused reported, before the
// import stores nothing and returns it.
var ErrBadRows = errors.New("bad rows")

// ImportOptions say how an import treats bad rows.
type ImportOptions struct {
	// KeepGood stores the good rows even if some are bad; otherwise one bad
	// row and nothing is stored.
	KeepGood bool
	// Reject, if not nil, is told each row the store refuses — a reference
	// to something that does not exist, a clash — with its line and reason,
	// each reason naming its column. The import goes on, so that every bad
	// row is reported.
	Reject func(line int, reason string)
	// Progress, if not nil, is told the rows handled so far, every chunk.
	Progress func(rows int64)
}

// ExchangeReport says what an import did.
type ExchangeReport struct {
	Rows     int64 // good rows handled: Inserted + Updated + Kept
	Inserted int64 // new records
	Updated  int64 // records that were there and were changed
	Kept     int64 // records that were there and were left as they are
	Rejected int64 // rows the store refused (see ImportOptions.Reject)
}

// exchangeChunk is how many rows an import reads before looking up what they
// name, in one query per kind of reference.
const exchangeChunk = 500

// exchange is one data exchange import in its write transaction.
type exchange struct {
	ctx context.Context
	t   *tx
	opt ImportOptions
	rep *ExchangeReport

	// archive is set for a campaign archive's import: its references
	// are to records of the archive.
	archive    bool
	areas      map[string]int64 // code → id
	orgsByODS  map[string]int64
	orgsByName map[string]int64   // organisations without an ODS code
	orgsCoded  map[string][]int64 // organisations with an ODS code, by name

	renewedCodes int64 // referral codes replaced, being another's
}

func (x *exchange) reject(line int, format string, args ...any) {
	x.rep.Rejected++
	if x.opt.Reject != nil {
		x.opt.Reject(line, fmt.Sprintf(format, args...))
	}
}

// runImport runs fn in a write transaction, reading rows in chunks: all of
// them stored, or none if anything fails or, unless KeepGood, any row was
// refused.
func (s *Store) runImport(ctx context.Context, what string, campaignID int64, opt ImportOptions, fn func(x *exchange) error) (ExchangeReport, error) {
	var rep ExchangeReport
	err := s.writeTx(ctx, func(t *tx) error {
		rep = ExchangeReport{}
		x := &exchange{ctx: ctx, t: t, opt: opt, rep: &rep}
		if err := fn(x); err != nil {
			return err
		}
		rep.Rows = rep.Inserted + rep.Updated + rep.Kept
		if rep.Rejected > 0 && !opt.KeepGood {
			return ErrBadRows
		}
		if rep.Inserted+rep.Updated == 0 {
			return nil // nothing changed: nothing to audit
		}
		// Counts only: the rows may be people, whose details are theirs.
		return t.audit(ctx, change{campaignID: campaignID, object: gs.AuditImport, verb: gs.AuditImport, label: what,
			after: struct {
				File     string `json:"file"`
				Rows     int64  `json:"rows"`
				Inserted int64  `json:"inserted"`
				Updated  int64  `json:"updated"`
				Kept     int64  `json:"kept"`
				Rejected int64  `json:"rejected"`
			}{what, rep.Rows, rep.Inserted, rep.Updated, rep.Kept, rep.Rejected}})
	})
	if err != nil && !errors.Is(err, ErrBadRows) && gs.ErrorCode(err) == gs.EINTERNAL {
		err = fmt.Errorf("import %s: %w", what, err)
	}
	if err != nil {
		return ExchangeReport{}, err
	}
	return rep, nil
}

// chunks reads rows in chunks of exchangeChunk, calling flush with each.
// An error the rows yield ends the import with that error.
func chunks[T any](x *exchange, rows iter.Seq2[T, error], flush func([]T) error) error {
	chunk := make([]T, 0, exchangeChunk)
	var read int64
	send := func() error {
		if len(chunk) == 0 {
			return nil
		}
		if err := flush(chunk); err != nil {
			return err
		}
		read += int64(len(chunk))
		chunk = chunk[:0]
		if x.opt.Progress != nil {
			x.opt.Progress(read)
		}
		return nil
	}
	for r, err := range rows {
		if errors.Is(err, ErrBadRows) {
			// The reader found bad rows: the rows read before still
			// are checked, so that every bad row is reported.
			if ferr := send(); ferr != nil {
				return ferr
			}
			return err
		}
		if err != nil {
			return err
		}
		chunk = append(chunk, r)
		if len(chunk) == exchangeChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// loadPlaces reads every area's and organisation's key: both lists are
// short (hundreds, a few thousand).
func (x *exchange) loadPlaces() error {
	x.areas, x.orgsByODS, x.orgsByName, x.orgsCoded = map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string][]int64{}
	err := eachRow(x.ctx, x.t, `SELECT code, id FROM areas`, nil, func(scan func(...any) error) error {
		var code string
		var id int64
		if err := scan(&code, &id); err != nil {
			return err
		}
		x.areas[code] = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	err = eachRow(x.ctx, x.t, `SELECT ods_code, name, id FROM organisations ORDER BY id`, nil, func(scan func(...any) error) error {
		var ods, name string
		var id int64
		if err := scan(&ods, &name, &id); err != nil {
			return err
		}
		if ods != "" {
			x.orgsByODS[ods] = id
			x.orgsCoded[name] = append(x.orgsCoded[name], id)
		} else if _, dup := x.orgsByName[name]; !dup {
			x.orgsByName[name] = id // the oldest of any with the same name
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read organisations: %w", err)
	}
	return nil
}

// area finds an area by code, or says why not.
func (x *exchange) area(column, code string) (any, string) {
	if code == "" {
		return nil, ""
	}
	id, ok := x.areas[code]
	if !ok {
		if x.archive {
			return nil, fmt.Sprintf("%s: no area has the code %s, here or in areas.csv", column, code)
		}
		return nil, fmt.Sprintf("%s: no area has the code %s: add it under Areas first", column, code)
	}
	return id, ""
}

// organisation finds a listed organisation by ODS code, or by name when it
// has none, or says why not.
func (x *exchange) organisation(ods, name string) (any, string) {
	where := ": import organisations first"
	if x.archive {
		where = ", here or in organisations.csv"
	}
	switch {
	case ods != "":
		if id, ok := x.orgsByODS[ods]; ok {
			return id, ""
		}
		return nil, fmt.Sprintf("organisation_ods_code: no organisation has the ODS code %s%s", ods, where)
	case name != "":
		if id, ok := x.orgsByName[name]; ok {
			return id, ""
		}
		return nil, fmt.Sprintf("organisation: no organisation without an ODS code is called %q%s", name, where)
	}
	return nil, ""
}

// problems collects what is wrong with one row, to refuse it once.
type problems []string

func (p *problems) add(msg string) {
	if msg != "" {
		*p = append(*p, msg)
	}
}

func (p problems) String() string { return strings.Join(p, "; ") }

// idsByKey runs a query of (key, id) rows for the keys given, as an IN list.
func (x *exchange) idsByKey(q string, keys []string, args ...any) (map[string]int64, error) {
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	all := append(args, anySlice(keys)...)
	err := eachRow(x.ctx, x.t, fmt.Sprintf(q, placeholders(len(keys))), all, func(scan func(...any) error) error {
		var k string
		var id int64
		if err := scan(&k, &id); err != nil {
			return err
		}
		out[k] = id
		return nil
	})
	return out, err
}

func anySlice[T any](v []T) []any {
	out := make([]any, len(v))
	for i := range v {
		out[i] = v[i]
	}
	return out
}

// insertMany inserts rows into table in as few statements as the databases'
// parameter limits allow.
func insertMany(ctx context.Context, t *tx, table string, columns []string, rows [][]any) error {
	per := max(1, min(exchangeChunk, 30_000/len(columns)))
	row := "(" + placeholders(len(columns)) + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		args := make([]any, 0, n*len(columns))
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(columns, ", "))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, r...)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// nullMS stores a time as Unix milliseconds, the zero time as NULL.
func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ms(t)
}

// ImportPeople stores people from a people file (see the rules above): new
// people are added; people already stored, matched by email, are kept as
// they are, but for the file's opt-outs (counted as updated).
func (s *Store) ImportPeople(ctx context.Context, rows iter.Seq2[csvio.Person, error], opt ImportOptions) (ExchangeReport, error) {
	return s.runImport(ctx, "people", 0, opt, func(x *exchange) error {
		if err := x.loadPlaces(); err != nil {
			return err
		}
		codes := map[string]int{} // referral codes given in the file → line
		return chunks(x, rows, func(chunk []csvio.Person) error { return x.people(chunk, codes) })
	})
}

var personInsertColumns = []string{"email", "name", "profession", "organisation_id", "organisation_name", "area_id",
	"show_on_wall", "contact_ok", "referral_code", "created_at", "unsubscribed_at", "erased_at"}

func (x *exchange) people(chunk []csvio.Person, codes map[string]int) error {
	existing, taken, err := x.peopleOf(chunk)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, p := range chunk {
		if stored, ok := existing[p.Email]; ok {
			narrowed, err := x.narrowConsent(stored, p)
			if err != nil {
				return err
			}
			if narrowed {
				x.rep.Updated++
			} else {
				x.rep.Kept++
			}
			continue
		}
		row, ok := x.newPerson(p, taken, codes, false)
		if !ok {
			continue
		}
		rows = append(rows, row)
		x.rep.Inserted++
	}
	return insertMany(x.ctx, x.t, "people", personInsertColumns, rows)
}

// storedPerson is what an import needs of a person already stored: who they
// are and their consents, which a file may narrow.
type storedPerson struct {
	id                    int64
	showOnWall, contactOK bool
	unsubscribedAt        time.Time
}

// peopleOf finds the people of a chunk already stored, by email, and which
// of the referral codes the chunk gives are taken.
func (x *exchange) peopleOf(chunk []csvio.Person) (map[string]storedPerson, map[string]int64, error) {
	emails := make([]string, len(chunk))
	var given []string
	for i, p := range chunk {
		emails[i] = p.Email
		if p.ReferralCode != "" {
			given = append(given, p.ReferralCode)
		}
	}
	existing := map[string]storedPerson{}
	if len(emails) > 0 {
		err := eachRow(x.ctx, x.t, `SELECT email, id, show_on_wall, contact_ok, unsubscribed_at FROM people WHERE email IN (`+placeholders(len(emails))+`)`,
			anySlice(emails), func(scan func(...any) error) error {
				var email string
				var p storedPerson
				if err := scan(&email, &p.id, &p.showOnWall, &p.contactOK, scanTime{&p.unsubscribedAt}); err != nil {
					return err
				}
				existing[email] = p
				return nil
			})
		if err != nil {
			return nil, nil, fmt.Errorf("find people by email: %w", err)
		}
	}
	taken, err := x.idsByKey(`SELECT referral_code, id FROM people WHERE referral_code IN (%s)`, given)
	if err != nil {
		return nil, nil, fmt.Errorf("find referral codes: %w", err)
	}
	return existing, taken, nil
}

// narrowConsent takes a file's opt-outs for a person already stored: each
// consent becomes the stricter of the two (stored and file), and a time
// they unsubscribed is taken if none is stored. A consent may be the
// person's own answer, given wherever the file was written; an opt-in there
// never overrides a no here, and a column the file leaves out says nothing.
// It reports whether anything changed.
func (x *exchange) narrowConsent(stored storedPerson, p csvio.Person) (bool, error) {
	next := stored
	if p.Columns.Has("show_on_wall") {
		next.showOnWall = stored.showOnWall && p.ShowOnWall
	}
	if p.Columns.Has("contact_ok") {
		next.contactOK = stored.contactOK && p.ContactOK
	}
	if p.Columns.Has("unsubscribed_at") && stored.unsubscribedAt.IsZero() {
		next.unsubscribedAt = p.UnsubscribedAt
	}
	if next.showOnWall == stored.showOnWall && next.contactOK == stored.contactOK && next.unsubscribedAt.Equal(stored.unsubscribedAt) {
		return false, nil
	}
	if _, err := x.t.exec(x.ctx, `UPDATE people SET show_on_wall = ?, contact_ok = ?, unsubscribed_at = ? WHERE id = ?`,
		next.showOnWall, next.contactOK, nullMS(next.unsubscribedAt), stored.id); err != nil {
		return false, fmt.Errorf("line %d: narrow the consent of a person stored: %w", p.Line, err)
	}
	return true, nil
}

// newPerson is the row of a new person, or false if the row is refused. A
// referral code another person has is refused, or, with renew, replaced by
// a new one.
func (x *exchange) newPerson(p csvio.Person, taken map[string]int64, codes map[string]int, renew bool) ([]any, bool) {
	var bad problems
	org, msg := x.organisation(p.OrganisationODSCode, p.Organisation)
	bad.add(msg)
	area, msg := x.area("area_code", p.AreaCode)
	bad.add(msg)
	code := p.ReferralCode
	switch {
	case p.Erased:
		// An erased person's row, as an erasure left it (csvio.Person.Erased):
		// stored erased again, with a code no invite link can name.
		if len(bad) > 0 {
			break
		}
		created, unsubscribed := p.CreatedAt, p.UnsubscribedAt
		if created.IsZero() {
			created = x.t.now
		}
		if unsubscribed.IsZero() {
			unsubscribed = x.t.now
		}
		return []any{p.Email, "", "", org, "", area, false, false, erasedReferralCode(), ms(created), ms(unsubscribed), ms(x.t.now)}, true
	case code == "":
		code = newReferralCode()
	case taken[code] != 0 && renew:
		code = newReferralCode()
		x.renewedCodes++
	case taken[code] != 0:
		bad.add(fmt.Sprintf("referral_code: %s is another person's referral code: leave it empty for a new one", code))
	case codes[code] != 0:
		bad.add(fmt.Sprintf("referral_code: %s is also the code of line %d", code, codes[code]))
	default:
		codes[code] = p.Line
	}
	if len(bad) > 0 {
		x.reject(p.Line, "%s", bad)
		return nil, false
	}
	created := p.CreatedAt
	if created.IsZero() {
		created = x.t.now
	}
	return []any{p.Email, p.Name, p.Profession, org, p.OrganisationName, area, p.ShowOnWall, p.ContactOK, code,
		ms(created), nullMS(p.UnsubscribedAt), nil}, true
}

// ImportOrganisations stores organisations from an organisations file (see
// the rules above): an organisation matched by ODS code, or by name when it
// has none, is updated; others are added.
func (s *Store) ImportOrganisations(ctx context.Context, rows iter.Seq2[csvio.Organisation, error], opt ImportOptions) (ExchangeReport, error) {
	return s.runImport(ctx, "organisations", 0, opt, func(x *exchange) error {
		if err := x.loadPlaces(); err != nil {
			return err
		}
		return chunks(x, rows, func(chunk []csvio.Organisation) error {
			for _, o := range chunk {
				if err := x.organisationRow(o); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func (x *exchange) organisationRow(o csvio.Organisation) error {
	area, msg := x.area("area_code", o.AreaCode)
	if msg != "" {
		x.reject(o.Line, "%s", msg)
		return nil
	}
	id := x.orgsByODS[o.ODSCode]
	if o.ODSCode == "" {
		id = x.orgsByName[o.Name]
	}
	if id == 0 && !o.Columns.Has("ods_code") {
		// The file says nothing of codes: the organisation of that name,
		// if there is one, whatever its code.
		switch coded := x.orgsCoded[o.Name]; len(coded) {
		case 0:
		case 1:
			id = coded[0]
		default:
			x.reject(o.Line, "name: %d organisations with ODS codes are called %q: add an ods_code column to say which", len(coded), o.Name)
			return nil
		}
	}
	if id == 0 {
		id, err := x.t.insertID(x.ctx, `INSERT INTO organisations (name, ods_code, sector, area_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.Name, o.ODSCode, o.Sector, area, ms(x.t.now))
		if err != nil {
			return fmt.Errorf("line %d: insert organisation: %w", o.Line, err)
		}
		if o.ODSCode != "" {
			x.orgsByODS[o.ODSCode] = id
			x.orgsCoded[o.Name] = append(x.orgsCoded[o.Name], id)
		} else {
			x.orgsByName[o.Name] = id
		}
		x.rep.Inserted++
		return nil
	}
	// A file without an area_code column leaves each organisation's area
	// as it is: it says nothing about it, where an empty cell says none.
	q, args := `UPDATE organisations SET name = ?, sector = ?, area_id = ?
		WHERE id = ? AND NOT (name = ? AND sector = ? AND COALESCE(area_id, 0) = ?)`,
		[]any{o.Name, o.Sector, area, id, o.Name, o.Sector, nullZero(area)}
	if !o.Columns.Has("area_code") {
		q, args = `UPDATE organisations SET name = ?, sector = ? WHERE id = ? AND NOT (name = ? AND sector = ?)`,
			[]any{o.Name, o.Sector, id, o.Name, o.Sector}
	}
	res, err := x.t.exec(x.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("line %d: update organisation: %w", o.Line, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		x.rep.Updated++
	} else {
		x.rep.Kept++
	}
	return nil
}

// nullZero is an id, or 0 for none, to compare with COALESCE(column, 0).
func nullZero(id any) any {
	if id == nil {
		return int64(0)
	}
	return id
}

// ImportCommitments stores the pledges of a commitments file in a campaign
// (see the rules above) and rebuilds the campaign's rollup.
func (s *Store) ImportCommitments(ctx context.Context, campaignID int64, rows iter.Seq2[csvio.Commitment, error], opt ImportOptions) (ExchangeReport, error) {
	return s.runImport(ctx, "commitments", campaignID, opt, func(x *exchange) error {
		if !exists(ctx, x.t, `SELECT 1 FROM campaigns WHERE id = ?`, campaignID) {
			return gs.Errorf(gs.ENOTFOUND, "campaign not found")
		}
		// Held from the start, as the rebuild at the end holds it: a pledge
		// changed meanwhile waits, rather than lock a person's row that
		// this import's pledges refer to and then wait for the campaign's.
		// New pledges do not wait: the lock is one a foreign key's check
		// passes (lockRollup).
		if err := x.t.d.lockRollup(ctx, x.t, campaignID, true); err != nil {
			return fmt.Errorf("lock campaign %d's rollup: %w", campaignID, err)
		}
		acts, err := campaignActions(ctx, x.t, campaignID)
		if err != nil {
			return err
		}
		if err := chunks(x, rows, func(chunk []csvio.Commitment) error { return x.commitments(campaignID, acts, chunk) }); err != nil {
			return err
		}
		if x.rep.Rejected > 0 && !opt.KeepGood {
			return nil // rolled back: no rollup to rebuild
		}
		return rebuildRollups(ctx, x.t, campaignID)
	})
}

// actionIndex finds a campaign's actions by group slug and title.
type actionIndex struct {
	groups  map[string]bool
	byTitle map[string][]int64 // group slug + "\x00" + title → ids
}

func campaignActions(ctx context.Context, t *tx, campaignID int64) (actionIndex, error) {
	ix := actionIndex{groups: map[string]bool{}, byTitle: map[string][]int64{}}
	err := eachRow(ctx, t, `SELECT g.slug, a.title, a.id FROM stakeholder_groups g LEFT JOIN actions a ON a.group_id = g.id
		WHERE g.campaign_id = ? ORDER BY a.id`, []any{campaignID}, func(scan func(...any) error) error {
		var slug string
		var title sql.NullString
		var id sql.NullInt64
		if err := scan(&slug, &title, &id); err != nil {
			return err
		}
		ix.groups[slug] = true
		if id.Valid {
			k := slug + "\x00" + title.String
			ix.byTitle[k] = append(ix.byTitle[k], id.Int64)
		}
		return nil
	})
	if err != nil {
		return ix, fmt.Errorf("read the campaign's actions: %w", err)
	}
	return ix, nil
}

// find returns the action a row names, or says why not.
func (ix actionIndex) find(group, title string) (int64, string) {
	ids := ix.byTitle[group+"\x00"+title]
	switch {
	case !ix.groups[group]:
		return 0, fmt.Sprintf("group: the campaign has no group with the web address %q", group)
	case len(ids) == 0:
		return 0, fmt.Sprintf("action: group %s has no action titled %q", group, title)
	case len(ids) > 1:
		return 0, fmt.Sprintf("action: group %s has %d actions titled %q: rename one so that a file can tell them apart", group, len(ids), title)
	}
	return ids[0], ""
}

// confirmationQueued is an imported pledge's confirmation_queued_at. One
// awaiting confirmation is left unqueued, so that the outbox emails its owner
// a link to confirm it (QueueConfirmations): a link came with it from nowhere,
// and without one it could never be confirmed. Its confirmation window runs
// from then, not from when it was made (ExpireUnconfirmed), so that an old
// pledge is not removed before its owner has had the email. A confirmed one
// is marked queued, when it was made: it needs no email.
func confirmationQueued(c csvio.Commitment) any {
	if c.ConfirmedAt.IsZero() {
		return nil
	}
	return ms(c.CreatedAt)
}

var commitmentInsertColumns = []string{"person_id", "action_id", "campaign_id", "status", "why", "hours", "on_behalf", "channel",
	"invited_by_id", "receipt_token", "created_at", "updated_at", "confirmed_at", "confirmation_queued_at", "reported_at",
	"outcome", "outcome_reason", "followup_on"}

func (x *exchange) commitments(campaignID int64, acts actionIndex, chunk []csvio.Commitment) error {
	var emails []string
	for _, c := range chunk {
		emails = append(emails, c.Email)
		if c.InvitedBy != "" {
			emails = append(emails, c.InvitedBy)
		}
	}
	people, err := x.idsByKey(`SELECT email, id FROM people WHERE email IN (%s)`, emails)
	if err != nil {
		return fmt.Errorf("find people by email: %w", err)
	}
	ids := make([]int64, 0, len(people))
	for _, id := range people {
		ids = append(ids, id)
	}
	pledged := map[[2]int64]bool{}
	if len(ids) > 0 {
		err = eachRow(x.ctx, x.t, `SELECT person_id, action_id FROM commitments WHERE campaign_id = ? AND person_id IN (`+placeholders(len(ids))+`)`,
			append([]any{campaignID}, anySlice(ids)...), func(scan func(...any) error) error {
				var k [2]int64
				if err := scan(&k[0], &k[1]); err != nil {
					return err
				}
				pledged[k] = true
				return nil
			})
		if err != nil {
			return fmt.Errorf("find pledges already stored: %w", err)
		}
	}
	var rows, edges [][]any
	for _, c := range chunk {
		var bad problems
		person := people[c.Email]
		if person == 0 {
			bad.add(fmt.Sprintf("email: no person has the email %s: import people first", c.Email))
		}
		inviter := people[c.InvitedBy]
		if c.InvitedBy != "" && inviter == 0 {
			bad.add(fmt.Sprintf("invited_by: no person has the email %s: import people first", c.InvitedBy))
		}
		action, msg := acts.find(c.Group, c.Action)
		bad.add(msg)
		if len(bad) > 0 {
			x.reject(c.Line, "%s", bad)
			continue
		}
		if pledged[[2]int64{person, action}] {
			x.rep.Kept++
			continue
		}
		pledged[[2]int64{person, action}] = true
		rows = append(rows, []any{person, action, campaignID, c.Status, c.Why, c.Hours, c.OnBehalf, c.Channel, nullID(inviter),
			newToken(), ms(c.CreatedAt), ms(c.UpdatedAt), nullMS(c.ConfirmedAt), confirmationQueued(c),
			nullMS(c.ReportedAt), c.Outcome, c.OutcomeReason, dateText(c.FollowupOn)})
		if inviter != 0 {
			edges = append(edges, []any{campaignID, person, inviter, ms(c.CreatedAt)})
		}
		x.rep.Inserted++
	}
	if err := insertMany(x.ctx, x.t, "commitments", commitmentInsertColumns, rows); err != nil {
		return err
	}
	// A person is invited into a campaign once: the first invitation
	// stands.
	for _, e := range edges {
		if _, err := x.t.exec(x.ctx, `INSERT INTO relationships (campaign_id, to_id, from_id, kind, created_at) VALUES (?, ?, ?, 'invited', ?)
			ON CONFLICT (campaign_id, to_id) DO NOTHING`, e...); err != nil {
			return fmt.Errorf("record an invitation: %w", err)
		}
	}
	return nil
}

// Exports. Each reads its rows in one read transaction, a consistent
// snapshot, and hands them to fn one at a time: nothing is held but the row.

// campaignPeople are the people a campaign's archive carries: those with a
// pledge in it, and those its pledges and invitation graph name (an inviter
// need not have pledged in it), since relationships.csv and commitments.csv
// refer to them in people.csv.
const campaignPeople = `SELECT person_id FROM commitments WHERE campaign_id = ?
	UNION SELECT invited_by_id FROM commitments WHERE campaign_id = ? AND invited_by_id IS NOT NULL
	UNION SELECT from_id FROM relationships WHERE campaign_id = ?
	UNION SELECT to_id FROM relationships WHERE campaign_id = ?`

// campaignPledgers are the people with a pledge in a campaign, each with
// whether one of their pledges there is confirmed (1) or none is (0).
const campaignPledgers = `SELECT person_id, MAX(CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END) AS confirmed
	FROM commitments WHERE campaign_id = ? GROUP BY person_id`

// campaignOrganisations are the organisations of a campaign: its alliance
// (members, and those with action plan items kept after leaving it) and the
// organisations its people gave.
const campaignOrganisations = `SELECT organisation_id FROM alliance_members WHERE campaign_id = ?
	UNION SELECT organisation_id FROM alliance_commitments WHERE campaign_id = ?
	UNION SELECT organisation_id FROM people WHERE organisation_id IS NOT NULL AND id IN (` + campaignPeople + `)`

// Export queries: the rows of each kind of file, for a campaign. Each has
// a count of the same rows, for progress.
//
// A people file holds those with a pledge in the campaign — as the API's
// people are — with whether they have confirmed one; an archive's holds
// also the inviters its records name (archivePeopleFrom).
const (
	peopleFrom = ` FROM people p JOIN (` + campaignPledgers + `) k ON k.person_id = p.id
		LEFT JOIN organisations o ON o.id = p.organisation_id LEFT JOIN areas a ON a.id = p.area_id`
	archivePeopleFrom = ` FROM people p LEFT JOIN (` + campaignPledgers + `) k ON k.person_id = p.id
		LEFT JOIN organisations o ON o.id = p.organisation_id LEFT JOIN areas a ON a.id = p.area_id
		WHERE p.id IN (` + campaignPeople + `)`
	organisationsFrom = ` FROM organisations o LEFT JOIN areas a ON a.id = o.area_id WHERE o.id IN (` + campaignOrganisations + `)`
	commitmentsFrom   = ` FROM commitments c JOIN people p ON p.id = c.person_id JOIN actions a ON a.id = c.action_id
		JOIN stakeholder_groups g ON g.id = a.group_id LEFT JOIN people i ON i.id = c.invited_by_id WHERE c.campaign_id = ?`
	observationsFrom = ` FROM observations o JOIN indicators i ON i.id = o.indicator_id JOIN areas ar ON ar.id = o.area_id
		WHERE i.campaign_id = ?`
)

// exportKinds are the files ExportCount counts, with their FROM … WHERE and
// how many times it takes the campaign's id.
var exportKinds = map[string]struct {
	from string
	args int
}{
	"people":        {peopleFrom, 1},
	"organisations": {organisationsFrom, 6},
	"commitments":   {commitmentsFrom, 1},
	"observations":  {observationsFrom, 1},
}

func campaignArgs(campaignID int64, n int) []any {
	args := make([]any, n)
	for i := range args {
		args[i] = campaignID
	}
	return args
}

// ExportCount counts the rows an export of a campaign's people,
// organisations, commitments or observations would write, for its progress.
func (s *Store) ExportCount(ctx context.Context, kind string, campaignID int64) (int64, error) {
	k, ok := exportKinds[kind]
	if !ok {
		return 0, gs.Errorf(gs.EINVALID, "nothing to export called %q", kind)
	}
	var n int64
	err := s.readTx(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*)`+k.from, campaignArgs(campaignID, k.args)...).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count %s to export: %w", kind, err)
	}
	return n, nil
}

// ExportPeople calls fn for each person with a pledge in a campaign, by
// email, saying whether they have confirmed one. It is the organisers'
// list, as the API's people are: with emails, whatever their consent to
// contact, and those awaiting confirmation marked as such.
func (s *Store) ExportPeople(ctx context.Context, campaignID int64, fn func(csvio.Person) error) error {
	err := s.readTx(ctx, func(t *tx) error { return exportPeople(ctx, t, peopleFrom, campaignArgs(campaignID, 1), fn) })
	if err != nil {
		return fmt.Errorf("export people: %w", err)
	}
	return nil
}

// exportPeople writes the people that from (peopleFrom or
// archivePeopleFrom) selects.
func exportPeople(ctx context.Context, t *tx, from string, args []any, fn func(csvio.Person) error) error {
	return eachRow(ctx, t, `SELECT p.email, p.name, p.profession, COALESCE(o.ods_code, ''), COALESCE(o.name, ''), p.organisation_name,
			COALESCE(a.code, ''), p.show_on_wall, p.contact_ok, p.referral_code, p.created_at, p.unsubscribed_at, COALESCE(k.confirmed, 0)`+
		from+` ORDER BY p.email`,
		args, func(scan func(...any) error) error {
			var p csvio.Person
			if err := scan(&p.Email, &p.Name, &p.Profession, &p.OrganisationODSCode, &p.Organisation, &p.OrganisationName, &p.AreaCode,
				&p.ShowOnWall, &p.ContactOK, &p.ReferralCode, scanTime{&p.CreatedAt}, scanTime{&p.UnsubscribedAt}, &p.Confirmed); err != nil {
				return err
			}
			return fn(p)
		})
}

// ExportOrganisations calls fn for each organisation of a campaign — its
// alliance and the organisations its people gave — or, for campaign 0,
// every organisation; those with an ODS code first, by code, then by name.
func (s *Store) ExportOrganisations(ctx context.Context, campaignID int64, fn func(csvio.Organisation) error) error {
	err := s.readTx(ctx, func(t *tx) error { return exportOrganisations(ctx, t, campaignID, fn) })
	if err != nil {
		return fmt.Errorf("export organisations: %w", err)
	}
	return nil
}

func exportOrganisations(ctx context.Context, t *tx, campaignID int64, fn func(csvio.Organisation) error) error {
	q, args := ` FROM organisations o LEFT JOIN areas a ON a.id = o.area_id`, []any(nil)
	if campaignID != 0 {
		q, args = organisationsFrom, campaignArgs(campaignID, exportKinds["organisations"].args)
	}
	return eachRow(ctx, t, `SELECT o.name, o.ods_code, o.sector, COALESCE(a.code, '')`+q+
		` ORDER BY CASE WHEN o.ods_code = '' THEN 1 ELSE 0 END, o.ods_code, o.name, o.id`, args,
		func(scan func(...any) error) error {
			var o csvio.Organisation
			if err := scan(&o.Name, &o.ODSCode, &o.Sector, &o.AreaCode); err != nil {
				return err
			}
			return fn(o)
		})
}

// ExportCommitments calls fn for each pledge of a campaign, in the order
// they were made.
func (s *Store) ExportCommitments(ctx context.Context, campaignID int64, fn func(csvio.Commitment) error) error {
	err := s.readTx(ctx, func(t *tx) error { return exportCommitments(ctx, t, campaignID, fn) })
	if err != nil {
		return fmt.Errorf("export commitments: %w", err)
	}
	return nil
}

func exportCommitments(ctx context.Context, t *tx, campaignID int64, fn func(csvio.Commitment) error) error {
	return eachRow(ctx, t, `SELECT p.email, g.slug, a.title, a.id, c.status, c.why, c.hours, c.on_behalf, c.channel, COALESCE(i.email, ''),
			c.created_at, c.updated_at, c.confirmed_at, c.reported_at, c.outcome, c.outcome_reason, c.followup_on`+commitmentsFrom+` ORDER BY c.id`,
		[]any{campaignID}, func(scan func(...any) error) error {
			var c csvio.Commitment
			if err := scan(&c.Email, &c.Group, &c.Action, &c.ActionID, &c.Status, &c.Why, &c.Hours, &c.OnBehalf, &c.Channel, &c.InvitedBy,
				scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt}, scanTime{&c.ConfirmedAt}, scanTime{&c.ReportedAt},
				&c.Outcome, &c.OutcomeReason, scanDate{&c.FollowupOn}); err != nil {
				return err
			}
			return fn(c)
		})
}

// ExportObservations calls fn for each observation of a campaign's
// indicators, by indicator, area and period.
func (s *Store) ExportObservations(ctx context.Context, campaignID int64, fn func(csvio.Row) error) error {
	err := s.readTx(ctx, func(t *tx) error { return exportObservations(ctx, t, campaignID, fn) })
	if err != nil {
		return fmt.Errorf("export observations: %w", err)
	}
	return nil
}

func exportObservations(ctx context.Context, t *tx, campaignID int64, fn func(csvio.Row) error) error {
	return eachRow(ctx, t, `SELECT i.slug, ar.code, ar.name, o.period, o.numerator, o.denominator, o.value, o.synthetic`+observationsFrom+
		` ORDER BY i.slug, ar.code, o.period`, []any{campaignID}, func(scan func(...any) error) error {
		var r csvio.Row
		var num, den sql.NullFloat64
		if err := scan(&r.Indicator, &r.AreaCode, &r.AreaName, scanDate{&r.Period}, &num, &den, &r.Value, &r.Synthetic); err != nil {
			return err
		}
		if num.Valid {
			r.Numerator = &num.Float64
		}
		if den.Valid {
			r.Denominator = &den.Float64
		}
		return fn(r)
	})
}
