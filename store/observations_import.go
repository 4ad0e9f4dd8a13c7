package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"slices"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// ObservationRecord is one observation to import, naming its indicator by slug
// and its area by code (and the name to give the area if it is new).
type ObservationRecord struct {
	Indicator   string
	AreaCode    string
	AreaName    string
	Period      gs.Date
	Numerator   *float64
	Denominator *float64
	Value       float64
	// Synthetic marks a made-up value (the demo's regional series), as an
	// export of it says; false for real data.
	Synthetic bool
}

// ImportReport says what an import did.
type ImportReport struct {
	Rows     int64 // rows written: Inserted + Updated
	Inserted int64 // new (indicator, area, period) observations
	Updated  int64 // observations that were there already, now replaced
	// AreasCreated lists the codes of areas the import created, in the
	// order first seen.
	AreasCreated []string
}

// importBatch is how many rows go in one INSERT: 7 parameters a row keeps a
// batch well under both SQLite's (32,766) and PostgreSQL's (65,535) limits.
const importBatch = 500

// ImportObservations upserts observations in one transaction: all of them or,
// if anything fails, none. An observation already stored for the same
// indicator, area and period is replaced (value, numerator, denominator, and
// whether it is synthetic: a file without that column holds real data), so
// importing a file twice updates rather than duplicates.
//
// Indicators must exist: an unknown slug is an EINVALID error and nothing is
// stored. Areas are matched by code; an unknown code creates the area with the
// record's name, kind "area" and no parent (an organiser places it in the
// hierarchy later). A known area keeps its name.
//
// rows yields the records; when it yields a non-nil error, the import stops,
// nothing is stored, and that error is returned as it is. The records must not
// repeat an (indicator, area, period); csvio.Reader guarantees that.
// progress, if not nil, is called after each batch with the rows written so
// far.
func (s *Store) ImportObservations(ctx context.Context, rows iter.Seq2[ObservationRecord, error], progress func(written int64)) (ImportReport, error) {
	var rep ImportReport
	err := s.writeTx(ctx, func(t *tx) error {
		rep = ImportReport{}
		im := &importer{ctx: ctx, t: t, rep: &rep, progress: progress, used: map[int64]bool{}}
		if err := im.run(rows); err != nil {
			return err
		}
		return im.audit()
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

type importer struct {
	ctx        context.Context
	t          *tx
	rep        *ImportReport
	progress   func(int64)
	indicators map[string]int64
	areas      map[string]int64
	batch      []any // 7 arguments a row
	full       *sql.Stmt
	used       map[int64]bool // the indicators imported into
}

func (im *importer) run(rows iter.Seq2[ObservationRecord, error]) error {
	var err error
	if im.indicators, err = im.idsBy(`SELECT slug, id FROM indicators`); err != nil {
		return fmt.Errorf("import observations: read indicators: %w", err)
	}
	if im.areas, err = im.idsBy(`SELECT code, id FROM areas`); err != nil {
		return fmt.Errorf("import observations: read areas: %w", err)
	}
	// SQLite cannot say whether an upserted row was new, so the rows added
	// are counted: exact, since the write transaction excludes other writers.
	// PostgreSQL says so per row (xmax is 0 for a newly inserted row).
	var before int64
	if im.t.d.name == "sqlite" {
		if err := im.t.queryRow(im.ctx, `SELECT COUNT(*) FROM observations`).Scan(&before); err != nil {
			return fmt.Errorf("import observations: %w", err)
		}
	}
	im.full, err = im.t.tx.PrepareContext(im.ctx, im.t.d.bind(im.upsertSQL(importBatch)))
	if err != nil {
		return fmt.Errorf("import observations: prepare: %w", err)
	}
	defer im.full.Close()

	for r, err := range rows {
		if err != nil {
			return err
		}
		if err := im.add(r); err != nil {
			return err
		}
	}
	if err := im.flush(); err != nil {
		return err
	}
	if im.t.d.name == "sqlite" {
		var after int64
		if err := im.t.queryRow(im.ctx, `SELECT COUNT(*) FROM observations`).Scan(&after); err != nil {
			return fmt.Errorf("import observations: %w", err)
		}
		im.rep.Inserted = after - before
		im.rep.Updated = im.rep.Rows - im.rep.Inserted
	}
	return nil
}

// audit records the import in the audit log, by its counts. Indicators
// belong to a campaign or to none, and a file may hold several: the entry
// is the campaign's when every indicator imported into is that one
// campaign's, and the installation's otherwise.
func (im *importer) audit() error {
	if im.rep.Rows == 0 {
		return nil // nothing changed: nothing to audit
	}
	var slugs []string
	var ids []any
	for slug, id := range im.indicators {
		if im.used[id] {
			slugs = append(slugs, slug)
			ids = append(ids, id)
		}
	}
	slices.Sort(slugs)
	var campaigns []int64
	err := eachRow(im.ctx, im.t, `SELECT DISTINCT COALESCE(campaign_id, 0) FROM indicators WHERE id IN (`+placeholders(len(ids))+`)`, ids,
		func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			campaigns = append(campaigns, id)
			return nil
		})
	if err != nil {
		return fmt.Errorf("import observations: find the indicators' campaigns: %w", err)
	}
	var campaignID int64
	if len(campaigns) == 1 {
		campaignID = campaigns[0]
	}
	areas := im.rep.AreasCreated
	if areas == nil {
		areas = []string{}
	}
	return im.t.audit(im.ctx, change{campaignID: campaignID, object: gs.AuditImport, verb: gs.AuditImport, label: "observations",
		after: struct {
			File         string   `json:"file"`
			Indicators   []string `json:"indicators"`
			Rows         int64    `json:"rows"`
			Inserted     int64    `json:"inserted"`
			Updated      int64    `json:"updated"`
			AreasCreated []string `json:"areas_created"`
		}{"observations", slugs, im.rep.Rows, im.rep.Inserted, im.rep.Updated, areas}})
}

func (im *importer) idsBy(q string) (map[string]int64, error) {
	rows, err := im.t.query(im.ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		m[k] = id
	}
	return m, rows.Err()
}

func (im *importer) add(r ObservationRecord) error {
	ind, ok := im.indicators[r.Indicator]
	if !ok {
		return gs.Errorf(gs.EINVALID, "unknown indicator %q: create it first", r.Indicator)
	}
	if r.AreaCode == "" {
		return gs.Errorf(gs.EINVALID, "an observation of %q has no area code", r.Indicator)
	}
	if r.Period.IsZero() {
		return gs.Errorf(gs.EINVALID, "an observation of %q in %s has no period", r.Indicator, r.AreaCode)
	}
	area, ok := im.areas[r.AreaCode]
	if !ok {
		name := r.AreaName
		if name == "" {
			name = r.AreaCode
		}
		if _, err := im.t.exec(im.ctx, `INSERT INTO areas (code, name, kind) VALUES (?, ?, 'area') ON CONFLICT (code) DO NOTHING`, r.AreaCode, name); err != nil {
			return fmt.Errorf("import observations: create area %s: %w", r.AreaCode, err)
		}
		if err := im.t.queryRow(im.ctx, `SELECT id FROM areas WHERE code = ?`, r.AreaCode).Scan(&area); err != nil {
			return fmt.Errorf("import observations: create area %s: %w", r.AreaCode, err)
		}
		im.areas[r.AreaCode] = area
		im.rep.AreasCreated = append(im.rep.AreasCreated, r.AreaCode)
	}
	im.used[ind] = true
	im.batch = append(im.batch, ind, area, dateText(r.Period), nullFloat(r.Numerator), nullFloat(r.Denominator), r.Value, r.Synthetic)
	if len(im.batch) == importBatch*7 {
		return im.flush()
	}
	return nil
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// upsertSQL is the INSERT … ON CONFLICT for n rows.
func (im *importer) upsertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO observations (indicator_id, area_id, period, numerator, denominator, value, synthetic) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?)`)
	}
	b.WriteString(` ON CONFLICT (indicator_id, area_id, period) DO UPDATE SET
		numerator = excluded.numerator, denominator = excluded.denominator,
		value = excluded.value, synthetic = excluded.synthetic`)
	if im.t.d.name == "postgres" {
		b.WriteString(` RETURNING (xmax = 0)`)
	}
	return b.String()
}

// flush writes the batch.
func (im *importer) flush() error {
	n := len(im.batch) / 7
	if n == 0 {
		return nil
	}
	stmt := im.full
	if n != importBatch {
		var err error
		stmt, err = im.t.tx.PrepareContext(im.ctx, im.t.d.bind(im.upsertSQL(n)))
		if err != nil {
			return fmt.Errorf("import observations: prepare: %w", err)
		}
		defer stmt.Close()
	}
	if im.t.d.name == "postgres" {
		rows, err := stmt.QueryContext(im.ctx, im.batch...)
		if err != nil {
			return fmt.Errorf("import observations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var inserted bool
			if err := rows.Scan(&inserted); err != nil {
				return fmt.Errorf("import observations: %w", err)
			}
			if inserted {
				im.rep.Inserted++
			} else {
				im.rep.Updated++
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("import observations: %w", err)
		}
	} else if _, err := stmt.ExecContext(im.ctx, im.batch...); err != nil {
		return fmt.Errorf("import observations: %w", err)
	}
	im.rep.Rows += int64(n)
	im.batch = im.batch[:0]
	if im.progress != nil {
		im.progress(im.rep.Rows)
	}
	return nil
}

// IndicatorSlugs returns the slug and id of every indicator, for checking an
// import file before it is imported.
func (s *Store) IndicatorSlugs(ctx context.Context) (map[string]int64, error) {
	var m map[string]int64
	err := s.readTx(ctx, func(t *tx) error {
		im := &importer{ctx: ctx, t: t}
		var err error
		m, err = im.idsBy(`SELECT slug, id FROM indicators`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	return m, nil
}
