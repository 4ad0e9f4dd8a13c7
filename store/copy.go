package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Copying a SQLite installation into PostgreSQL (groundswell migrate-data).

// copyTables names every table Copy copies, in foreign-key order: a table's
// foreign keys point only at tables before it, or at itself (areas.parent_id,
// campaigns.predecessor_id: see copyTable). The list is written out rather
// than worked out from the schema so that the order is reviewed with each
// migration: Copy refuses a source with a table the list does not name, and
// TestCopyTablesNameEveryTable fails on a migration that adds one.
//
// schema_migrations is not copied: both stores have their own, from opening
// them, and Copy checks they are at the same version. Nor are the job
// queue's tables (river_*): River makes its own on PostgreSQL when the server
// starts there, and its jobs are work in flight — the periodic ones are
// scheduled again, and an email job not yet run is lost, which is why
// docs/DEPLOYMENT.md says to stop the old server first and let it finish.
//
// sessions is copied, so organisers stay signed in across the move. Only the
// SHA-256 of each session token is stored, so the copy grants no one anything
// the SQLite file did not; expired sessions are copied too (every row is, so
// the row counts can be compared) and are refused at sign-in as before. The
// same goes for tokens (hashes of the links already emailed, which keep
// working) and messages (the outbox organisers read). Webhook deliveries are
// copied, waiting ones too, which the new server then sends.
var copyTables = []string{
	"areas",
	"organisations",
	"campaigns",
	"rollup_campaigns",
	"rollup_days",
	"rollup_totals",
	"alliance_members",
	"alliance_commitments",
	"stakeholder_groups",
	"actions",
	"milestones",
	"people",
	"commitments",
	"relationships",
	"users",
	"sessions",
	"api_tokens",
	"group_leads",
	"organisation_reps",
	"tokens",
	"messages",
	"followups",
	"stories",
	"digests_sent",
	"group_messages",
	"indicators",
	"observations",
	"action_indicators",
	"envelope_entries",
	"webhooks",
	"webhook_events",
	"webhook_deliveries",
	"erasures",
	"app_secrets",
	// Append-only (its triggers refuse UPDATE and DELETE): the copy only
	// inserts into it, and checkTargetEmpty requires it empty rather than
	// clearing it.
	"audit_log",
}

// CopyTables returns the tables Copy copies, in the order it copies them.
func CopyTables() []string { return slices.Clone(copyTables) }

// CopyReport is what Copy did: each table's rows in the source and, read back
// after the commit, in the target.
type CopyReport struct {
	SchemaVersion int64
	Tables        []TableCount
}

// TableCount is one table's row counts.
type TableCount struct {
	Table          string
	Source, Target int64
}

// Total returns the rows copied in all tables.
func (r CopyReport) Total() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Target
	}
	return n
}

// copyBatchRows bounds the rows in one INSERT; PostgreSQL also limits a
// statement to 65535 parameters.
const copyBatchRows = 500

// Copy copies every row of from, a SQLite store, into to, a PostgreSQL store
// with no data of its own, keeping every id. Both stores are open, so both
// are migrated; they must be at the same schema version.
//
// The source is read in one read transaction, a consistent snapshot even if a
// server is still writing to it (stop it first all the same: later pledges
// would not be copied). The target is written in one transaction that locks
// its tables against other writers: either everything is copied or nothing
// is. Before committing, the row counts of the target are checked against the
// snapshot's, and read again after the commit for the report.
//
// progress, if not nil, is called as each table is copied, with copied ==
// total exactly once per table, as its last call for that table.
func Copy(ctx context.Context, from, to *Store, progress func(table string, copied, total int64)) (CopyReport, error) {
	var rep CopyReport
	if from.d.name != sqliteDialect.name || to.d.name != postgresDialect.name {
		return rep, gs.Errorf(gs.EINVALID, "cannot copy from %s into %s: only a copy from SQLite into PostgreSQL is supported",
			from.d.name, to.d.name)
	}
	if progress == nil {
		progress = func(string, int64, int64) {}
	}

	src, err := from.read.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("begin reading the SQLite database: %w", err)
	}
	defer src.Rollback()
	dst, err := to.write.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("begin writing to PostgreSQL: %w", err)
	}
	defer dst.Rollback()
	c := &copier{ctx: ctx, src: src, dst: dst, d: to.d}

	if rep.SchemaVersion, err = c.checkVersions(); err != nil {
		return rep, err
	}
	if err := c.checkTableList(); err != nil {
		return rep, err
	}
	// Other writers wait (readers do not) until the copy commits or fails; a
	// server already in a transaction on the target makes the copy give up
	// rather than hang.
	if _, err := dst.ExecContext(ctx, `SET LOCAL lock_timeout = '15s'`); err != nil {
		return rep, fmt.Errorf("set lock timeout: %w", err)
	}
	if _, err := dst.ExecContext(ctx, `LOCK TABLE `+strings.Join(copyTables, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return rep, fmt.Errorf("lock the target's tables (is a server using it?): %w", err)
	}
	if err := c.checkTargetEmpty(); err != nil {
		return rep, err
	}

	totals := make([]int64, len(copyTables))
	for i, t := range copyTables {
		if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&totals[i]); err != nil {
			return rep, fmt.Errorf("count rows of %s in the source: %w", t, err)
		}
	}
	for i, t := range copyTables {
		n, err := c.copyTable(t, totals[i], progress)
		if err != nil {
			return rep, fmt.Errorf("copy %s: %w (nothing has been written to PostgreSQL)", t, err)
		}
		if n != totals[i] {
			return rep, fmt.Errorf("copy %s: read %d rows of the %d counted (nothing has been written to PostgreSQL)", t, n, totals[i])
		}
	}
	for i, t := range copyTables {
		n, err := count(ctx, dst, t)
		if err != nil {
			return rep, err
		}
		if n != totals[i] {
			return rep, fmt.Errorf("check %s: %d rows in the target, %d in the source (nothing has been written to PostgreSQL)", t, n, totals[i])
		}
	}
	// Last, because setval is not undone by a rollback: a copy that fails
	// earlier leaves the sequences as they were.
	if err := c.resetSequences(); err != nil {
		return rep, err
	}
	if err := dst.Commit(); err != nil {
		return rep, fmt.Errorf("commit the copy: %w", err)
	}

	// Read the target again, as any other reader now sees it.
	for i, t := range copyTables {
		var n int64
		if err := to.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return rep, fmt.Errorf("count rows of %s in the target after the copy: %w", t, err)
		}
		rep.Tables = append(rep.Tables, TableCount{Table: t, Source: totals[i], Target: n})
		if n != totals[i] {
			return rep, fmt.Errorf("after the copy, %s has %d rows in the target and %d in the source", t, n, totals[i])
		}
	}
	return rep, nil
}

// copier is one copy in progress: a read transaction on the SQLite source and
// a write transaction on the PostgreSQL target.
type copier struct {
	ctx      context.Context
	src, dst *sql.Tx
	d        dialect // the target's
}

func count(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, table string) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows of %s: %w", table, err)
	}
	return n, nil
}

func (c *copier) checkVersions() (int64, error) {
	var sv, tv int64
	if err := c.src.QueryRowContext(c.ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&sv); err != nil {
		return 0, fmt.Errorf("read the source's schema version: %w", err)
	}
	if err := c.dst.QueryRowContext(c.ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&tv); err != nil {
		return 0, fmt.Errorf("read the target's schema version: %w", err)
	}
	if sv != tv {
		return 0, gs.Errorf(gs.ECONFLICT,
			"the source is at schema version %d and the target at %d: both must be opened by the same version of Groundswell", sv, tv)
	}
	return sv, nil
}

// checkTableList refuses a source with a table copyTables does not name (a
// migration added it and copyTables was not updated), or without one it
// names.
func (c *copier) checkTableList() error {
	rows, err := c.src.QueryContext(c.ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("list the source's tables: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		seen[name] = true
		if name != "schema_migrations" && !isWorkInFlight(name) && !slices.Contains(copyTables, name) {
			return fmt.Errorf("the source has a table %s that the copy does not know: it must be added to copyTables in store/copy.go", name)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range copyTables {
		if !seen[t] {
			return fmt.Errorf("the source has no table %s", t)
		}
	}
	return nil
}

// checkTargetEmpty refuses a target holding any row of its own.
//
// A new database is never quite empty: migration 0002 seeds England and its
// seven regions into areas, on SQLite and PostgreSQL alike, with the same ids.
// So the target's areas are taken for that seed when each of them is
// identical, id and every column, to the source's area with the same id —
// as the seed rows are, since the source ran the same migration — and they
// are deleted (in the copy's transaction) and the source's areas copied in
// their place. Replacing rows with identical ones loses nothing; any other
// area in the target, or any row in another table, refuses the copy. This
// recognises the seed without a second copy of it here that could drift
// from the migration.
func (c *copier) checkTargetEmpty() error {
	var held []string
	for _, t := range copyTables {
		if t == "areas" {
			continue
		}
		n, err := count(c.ctx, c.dst, t)
		if err != nil {
			return err
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%s (%d)", t, n))
		}
	}
	if len(held) > 0 {
		return gs.Errorf(gs.ECONFLICT,
			"the target database is not empty: it has rows in %s. Copy only into a new, empty database", strings.Join(held, ", "))
	}
	types, err := c.targetColumns("areas")
	if err != nil {
		return err
	}
	rows, err := c.dst.QueryContext(c.ctx, `SELECT * FROM areas ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read the target's areas: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	idCol := slices.Index(cols, "id")
	var targetRows [][]any
	for rows.Next() {
		row, err := scanRow(rows, len(cols))
		if err != nil {
			return err
		}
		targetRows = append(targetRows, row)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if idCol < 0 {
		return fmt.Errorf("the target's areas have no id column")
	}
	for _, trow := range targetRows {
		notSeed := gs.Errorf(gs.ECONFLICT,
			"the target database is not empty: it has an area (id %v in areas) that is not one of those every new database starts with. Copy only into a new, empty database",
			trow[idCol])
		srows, err := c.src.QueryContext(c.ctx, `SELECT `+quoteColumns(cols)+` FROM areas WHERE id = ?`, trow[idCol])
		if err != nil {
			return fmt.Errorf("read the source's areas: %w", err)
		}
		var srow []any
		if srows.Next() {
			srow, err = scanRow(srows, len(cols))
		}
		if err == nil {
			err = srows.Err()
		}
		srows.Close()
		if err != nil {
			return fmt.Errorf("read the source's areas: %w", err)
		}
		if srow == nil {
			return notSeed
		}
		for i, col := range cols {
			v, err := toTarget(srow[i], types[col])
			if err != nil || fmt.Sprint(v) != fmt.Sprint(trow[i]) {
				return notSeed
			}
		}
	}
	if _, err := c.dst.ExecContext(c.ctx, `DELETE FROM areas`); err != nil {
		return fmt.Errorf("clear the seeded areas from the target: %w", err)
	}
	return nil
}

// targetColumns returns the data types of a target table's columns, as
// information_schema names them ("bigint", "boolean", "text" …).
func (c *copier) targetColumns(table string) (map[string]string, error) {
	rows, err := c.dst.QueryContext(c.ctx, c.d.bind(`SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ?`), table)
	if err != nil {
		return nil, fmt.Errorf("read the target's columns of %s: %w", table, err)
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		types[name] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("the target has no table %s", table)
	}
	return types, nil
}

// sourceStrings runs a query on the source that returns one text column.
func (c *copier) sourceStrings(q string, args ...any) ([]string, error) {
	rows, err := c.src.QueryContext(c.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// copyTable copies every row of table and returns how many it read.
//
// Columns referring to the table itself (an area's parent, a campaign's
// predecessor) are inserted as NULL and set once all the table's rows are in:
// an organiser can make an older campaign the successor of a newer one, so
// copying in id order alone could insert a reference before its row.
func (c *copier) copyTable(table string, total int64, progress func(string, int64, int64)) (int64, error) {
	pk, err := c.sourceStrings(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
	if err != nil {
		return 0, fmt.Errorf("read the primary key: %w", err)
	}
	if len(pk) == 0 {
		return 0, fmt.Errorf("the table has no primary key")
	}
	selfRefs, err := c.sourceStrings(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE lower("table") = ?`, table, table)
	if err != nil {
		return 0, fmt.Errorf("read the foreign keys: %w", err)
	}
	types, err := c.targetColumns(table)
	if err != nil {
		return 0, err
	}

	rows, err := c.src.QueryContext(c.ctx, `SELECT * FROM `+table+` ORDER BY `+quoteColumns(pk))
	if err != nil {
		return 0, fmt.Errorf("read the source: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	if len(cols) != len(types) {
		return 0, fmt.Errorf("the source has %d columns and the target %d", len(cols), len(types))
	}
	colTypes := make([]string, len(cols))
	for i, col := range cols {
		typ, ok := types[col]
		if !ok {
			return 0, fmt.Errorf("the target has no column %s", col)
		}
		colTypes[i] = typ
	}
	pkIdx := make([]int, len(pk))
	for i, k := range pk {
		pkIdx[i] = slices.Index(cols, k)
	}
	selfIdx := make([]int, len(selfRefs))
	for i, col := range selfRefs {
		selfIdx[i] = slices.Index(cols, col)
	}

	insert := func(n int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + quoteColumns(cols) + ") VALUES ")
		p := 0
		for r := range n {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for i := range cols {
				if i > 0 {
					b.WriteString(", ")
				}
				p++
				b.WriteString("$" + strconv.Itoa(p))
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	batchRows := max(1, min(copyBatchRows, 65535/len(cols)))
	fullBatch := insert(batchRows)
	args := make([]any, 0, batchRows*len(cols))
	var read, written int64
	flush := func() error {
		n := len(args) / len(cols)
		if n == 0 {
			return nil
		}
		q := fullBatch
		if n != batchRows {
			q = insert(n)
		}
		if _, err := c.dst.ExecContext(c.ctx, q, args...); err != nil {
			return fmt.Errorf("insert rows %d to %d of %d: %w", written+1, written+int64(n), total, err)
		}
		written += int64(n)
		args = args[:0]
		if written < total {
			progress(table, written, total)
		}
		return nil
	}

	// deferred holds the self-references to set afterwards: the value,
	// then the row's primary key.
	type ref struct {
		col  string
		args []any
	}
	var deferred []ref
	if total > 0 {
		progress(table, 0, total)
	}
	for rows.Next() {
		row, err := scanRow(rows, len(cols))
		if err != nil {
			return read, err
		}
		read++
		for i, v := range row {
			if row[i], err = toTarget(v, colTypes[i]); err != nil {
				return read, fmt.Errorf("column %s of the row with %s: %w", cols[i], keyText(pk, pkIdx, row), err)
			}
		}
		for j, i := range selfIdx {
			if row[i] == nil {
				continue
			}
			r := ref{col: selfRefs[j], args: []any{row[i]}}
			for _, k := range pkIdx {
				r.args = append(r.args, row[k])
			}
			deferred = append(deferred, r)
			row[i] = nil
		}
		args = append(args, row...)
		if len(args) == batchRows*len(cols) {
			if err := flush(); err != nil {
				return read, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return read, fmt.Errorf("read the source: %w", err)
	}
	if err := flush(); err != nil {
		return read, err
	}
	for _, r := range deferred {
		where := make([]string, len(pk))
		for i, k := range pk {
			where[i] = quoteIdent(k) + " = $" + strconv.Itoa(i+2)
		}
		q := `UPDATE ` + table + ` SET ` + quoteIdent(r.col) + ` = $1 WHERE ` + strings.Join(where, " AND ")
		if _, err := c.dst.ExecContext(c.ctx, q, r.args...); err != nil {
			return read, fmt.Errorf("set %s to %v: %w", r.col, r.args[0], err)
		}
	}
	progress(table, read, total)
	return read, nil
}

// resetSequences moves each identity column's sequence past the ids copied,
// so that the next row the target creates gets a new id.
func (c *copier) resetSequences() error {
	for _, t := range copyTables {
		types, err := c.targetColumns(t)
		if err != nil {
			return err
		}
		if _, ok := types["id"]; !ok {
			continue
		}
		q := `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM ` + t + `), 1), (SELECT MAX(id) FROM ` + t + `) IS NOT NULL)`
		if _, err := c.dst.ExecContext(c.ctx, q, t); err != nil {
			return fmt.Errorf("reset the id sequence of %s: %w", t, err)
		}
	}
	return nil
}

// toTarget converts a value read from SQLite for a PostgreSQL column of the
// given information_schema data type. SQLite keeps booleans as 0 and 1.
func toTarget(v any, dataType string) (any, error) {
	switch dataType {
	case "boolean":
		switch x := v.(type) {
		case nil, bool:
			return v, nil
		case int64:
			switch x {
			case 0:
				return false, nil
			case 1:
				return true, nil
			}
		}
		return nil, fmt.Errorf("holds %v, which is not a boolean (0 or 1)", v)
	case "double precision", "real", "numeric":
		if x, ok := v.(int64); ok {
			return float64(x), nil
		}
	}
	return v, nil
}

func scanRow(rows *sql.Rows, n int) ([]any, error) {
	row := make([]any, n)
	ptrs := make([]any, n)
	for i := range row {
		ptrs[i] = &row[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	return row, nil
}

func keyText(pk []string, idx []int, row []any) string {
	parts := make([]string, len(pk))
	for i, k := range pk {
		parts[i] = fmt.Sprintf("%s %v", k, row[idx[i]])
	}
	return strings.Join(parts, ", ")
}

// quoteIdent quotes a column name, which comes from the database, for
// either SQLite or PostgreSQL.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func quoteColumns(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// isWorkInFlight reports whether a table holds only work in flight, which
// Copy leaves alone: the job queue's (River's), and the rate limits' counts
// of the last few minutes.
func isWorkInFlight(name string) bool {
	return strings.HasPrefix(name, "river_") || name == "rate_counts"
}
