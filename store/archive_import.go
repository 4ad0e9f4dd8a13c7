package store

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
)

// ArchiveImportOptions say how to import a campaign archive.
type ArchiveImportOptions struct {
	// Slug, if set, is the web address to give the campaign instead of
	// the archive's (which must otherwise be free).
	Slug string
	// Reject, if not nil, is told each bad row: its file, line and
	// reason, each reason naming its column. Any bad row and nothing is
	// stored; the import goes on reading so that every one is reported.
	Reject func(file string, line int, reason string)
	// Progress, if not nil, is told each file's rows read so far (every
	// 1,000, and at its end) and its rows as the manifest counts them.
	Progress func(file string, rows, total int64)
}

// ArchiveReport says what an archive's import did.
type ArchiveReport struct {
	Manifest   Manifest
	CampaignID int64
	Slug       string
	Rows       int64    // rows read from all files
	Rejected   int64    // bad rows (nothing stored if any)
	AreasAdded []string // codes of areas the installation did not have
	// Organisations and people the installation had already (matched by
	// ODS code or name, and by email), kept as they were, and those added.
	OrganisationsMatched, OrganisationsAdded int64
	PeopleMatched, PeopleAdded               int64
	// PeopleNarrowed counts people matched whose consent the archive
	// narrowed: an opt-out it carries is taken (see ImportPeople).
	PeopleNarrowed int64
	// ReferralCodesRenewed counts new people whose referral code another
	// person here had, and who got a new one.
	ReferralCodesRenewed int64
	// Notes are things the import could not carry over, for the organiser.
	Notes []string
}

// maxManifest bounds manifest.json, which is read whole.
const maxManifest = 1 << 20

// maxArchiveBytes bounds what an archive may unpack to, all its files
// together: a zip of a few kilobytes can claim to unpack to terabytes (a
// "zip bomb"), and each file is read through twice (checked, then loaded).
// 2 GiB is several times the archive of a campaign of a million pledges
// (some hundreds of megabytes).
const maxArchiveBytes = 2 << 30

// ImportCampaign imports a campaign archive (see ExportCampaign) from r, of
// the given size, in one write transaction: all of it or nothing. Before
// anything is read into the database, the archive must hold exactly the files
// its manifest lists, each with the SHA-256 and row count it gives: an archive
// that was changed or damaged is refused, as EINVALID, saying how. Then every
// row is checked, and any bad row (reported through opt.Reject) and nothing
// is stored: ErrBadRows. A campaign slug already taken here is ECONFLICT.
//
// Areas are matched by code, organisations by ODS code (or, without one, by
// name), people by email; those found are kept as they are here, but for the
// opt-outs of people, which are taken as a people file's are, and the
// others are added. Indicators are added, and their slugs must be free (they
// are shared by every campaign of an installation). Pledges awaiting
// confirmation are left for the outbox to email a link to confirm, as an
// imported commitments file's are. The campaign's rollup is rebuilt in the
// same transaction.
func (s *Store) ImportCampaign(ctx context.Context, r io.ReaderAt, size int64, opt ArchiveImportOptions) (ArchiveReport, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return ArchiveReport{}, gs.Errorf(gs.EINVALID, "this is not a campaign archive (a zip file): %v", err)
	}
	m, files, err := checkArchive(zr)
	if err != nil {
		return ArchiveReport{}, err
	}
	var rep ArchiveReport
	err = s.writeTx(ctx, func(t *tx) error {
		rep = ArchiveReport{Manifest: m, Slug: m.Campaign}
		if opt.Slug != "" {
			rep.Slug = opt.Slug
		}
		if exists(ctx, t, `SELECT 1 FROM campaigns WHERE slug = ?`, rep.Slug) {
			return gs.Errorf(gs.ECONFLICT, "a campaign with the address %q exists here already: import this one under another (--slug NEW)", rep.Slug)
		}
		im := &archiveImport{exchange: &exchange{ctx: ctx, t: t, archive: true, rep: &ExchangeReport{}}, opt: opt, rep: &rep, manifest: m,
			groups: map[string]int64{}, indicators: map[string]int64{}, actions: map[int64]int64{}, people: map[string]int64{}}
		im.exchange.opt.Reject = func(line int, reason string) {
			if opt.Reject != nil {
				opt.Reject(im.file, line, reason)
			}
		}
		if err := im.loadPlaces(); err != nil {
			return err
		}
		for _, tab := range archiveTables() {
			if err := im.load(tab, files[tab.name]); err != nil {
				return err
			}
		}
		rep.Rejected = im.exchange.rep.Rejected
		rep.ReferralCodesRenewed = im.renewedCodes
		if rep.Rejected > 0 {
			return ErrBadRows
		}
		if im.campaignID == 0 {
			return gs.Errorf(gs.EINVALID, "campaign.csv holds no campaign")
		}
		rep.CampaignID = im.campaignID
		if err := rebuildRollups(ctx, t, im.campaignID); err != nil {
			return err
		}
		return auditArchive(ctx, t, &rep)
	})
	if err != nil {
		if !errors.Is(err, ErrBadRows) && gs.ErrorCode(err) == gs.EINTERNAL {
			err = fmt.Errorf("import campaign archive: %w", err)
		}
		return rep, err
	}
	return rep, nil
}

// checkArchive reads the manifest and checks the archive against it: the
// files it lists, no others, each with its hash and row count. Every
// problem is named in the one error.
func checkArchive(zr *zip.Reader) (Manifest, map[string]*zip.File, error) {
	var m Manifest
	files := map[string]*zip.File{}
	var size uint64
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return m, nil, gs.Errorf(gs.EINVALID, "the archive holds %s twice", f.Name)
		}
		files[f.Name] = f
		// size stays within the bound, so the subtraction cannot wrap.
		if f.UncompressedSize64 > maxArchiveBytes-size {
			return m, nil, gs.Errorf(gs.EINVALID, "the archive unpacks to more than the %d GiB a campaign archive may hold", maxArchiveBytes>>30)
		}
		size += f.UncompressedSize64
	}
	mf := files["manifest.json"]
	if mf == nil {
		return m, nil, gs.Errorf(gs.EINVALID, "the archive has no manifest.json: it is not a Groundswell campaign archive")
	}
	rc, err := openEntry(mf)
	if err != nil {
		return m, nil, gs.Errorf(gs.EINVALID, "manifest.json cannot be read: %v", err)
	}
	dec := json.NewDecoder(io.LimitReader(rc, maxManifest))
	err = dec.Decode(&m)
	rc.Close()
	if err != nil {
		return m, nil, gs.Errorf(gs.EINVALID, "manifest.json is not a manifest: %v", err)
	}
	switch {
	case m.Format != ArchiveFormat:
		return m, nil, gs.Errorf(gs.EINVALID, "manifest.json: the format is %q, not %s: it is not a Groundswell campaign archive", m.Format, ArchiveFormat)
	case m.FormatVersion < 1 || m.FormatVersion > ArchiveVersion:
		return m, nil, gs.Errorf(gs.EINVALID, "manifest.json: format version %d; this Groundswell reads version %d: import it with a newer Groundswell",
			m.FormatVersion, ArchiveVersion)
	case !gs.ValidSlug(m.Campaign):
		return m, nil, gs.Errorf(gs.EINVALID, "manifest.json: %q is not a campaign's web address", m.Campaign)
	}

	var bad []string
	listed := map[string]ManifestFile{}
	for _, f := range m.Files {
		if _, dup := listed[f.Name]; dup {
			bad = append(bad, fmt.Sprintf("manifest.json lists %s twice", f.Name))
		}
		listed[f.Name] = f
	}
	known := ArchiveFiles()
	for _, name := range known[:len(known)-1] {
		f, ok := listed[name]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("manifest.json does not list %s", name))
		case files[name] == nil:
			bad = append(bad, fmt.Sprintf("%s is missing from the archive", name))
		default:
			if msg := checkFile(files[name], f); msg != "" {
				bad = append(bad, msg)
			}
		}
	}
	for _, f := range m.Files {
		if !slices.Contains(known, f.Name) {
			bad = append(bad, fmt.Sprintf("manifest.json lists %s, which is not a file of a campaign archive", f.Name))
		}
	}
	for _, f := range zr.File {
		if _, ok := listed[f.Name]; !ok && f.Name != "manifest.json" {
			bad = append(bad, fmt.Sprintf("the archive holds %s, which manifest.json does not list", f.Name))
		}
	}
	if len(bad) > 0 {
		return m, nil, gs.Errorf(gs.EINVALID, "the archive was changed or damaged since it was exported, and nothing was imported: %s", strings.Join(bad, "; "))
	}
	return m, files, nil
}

// entry is one file of an archive, opened.
type entry struct {
	io.Reader
	io.Closer
}

// openEntry opens a file of an archive to be read no further than the size
// its header gives, which checkArchive bounds. archive/zip fails a file that
// runs past that size too; this does not depend on it. One byte more is
// let through, so that archive/zip reaches the file's end and checks its
// CRC-32.
func openEntry(zf *zip.File) (io.ReadCloser, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	return entry{io.LimitReader(rc, int64(min(zf.UncompressedSize64, maxArchiveBytes))+1), rc}, nil
}

// checkFile compares one file with its manifest entry, saying how it
// differs ("" when it does not).
func checkFile(zf *zip.File, want ManifestFile) string {
	rc, err := openEntry(zf)
	if err != nil {
		return fmt.Sprintf("%s cannot be read: %v", zf.Name, err)
	}
	defer rc.Close()
	h := sha256.New()
	tee := io.TeeReader(rc, h)
	// Records bounded in size, as the import reads them.
	cr := csvio.NewCSVReader(tee)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	records := int64(0)
	countable := true
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Not CSV: the rows are reported one by one later, if the
			// hash matches.
			countable = false
			break
		}
		records++
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return fmt.Sprintf("%s cannot be read: %v", zf.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(want.SHA256) {
		return fmt.Sprintf("%s does not match its SHA-256 in manifest.json", zf.Name)
	}
	if rows := max(records-1, 0); countable && rows != want.Rows {
		return fmt.Sprintf("%s has %d rows where manifest.json says %d", zf.Name, rows, want.Rows)
	}
	return ""
}

// archiveImport is one archive being imported in its write transaction.
type archiveImport struct {
	*exchange
	opt      ArchiveImportOptions
	rep      *ArchiveReport
	manifest Manifest
	file     string // being read

	campaignID int64
	groups     map[string]int64 // slug → id
	indicators map[string]int64 // slug → id
	actions    map[int64]int64  // id in actions.csv → id here
	people     map[string]int64 // email → id
	batch      *batch
}

// load reads one file of the archive with its table's loader.
func (im *archiveImport) load(tab archiveTable, zf *zip.File) error {
	im.file = tab.name
	f, err := openEntry(zf)
	if err != nil {
		return gs.Errorf(gs.EINVALID, "%s cannot be read: %v", tab.name, err)
	}
	defer f.Close()
	return tab.load(im, tab, f)
}

// ok reports whether rows can be written: the campaign is there to write
// them into.
func (im *archiveImport) ok() bool { return im.campaignID != 0 }

// progress tells the options' Progress of rows read from the file.
func (im *archiveImport) progress(rows int64, end bool) {
	if im.opt.Progress == nil || (!end && rows%1000 != 0) {
		return
	}
	total := int64(0)
	for _, f := range im.manifest.Files {
		if f.Name == im.file {
			total = f.Rows
		}
	}
	im.opt.Progress(im.file, rows, total)
}

// table reads a file of the archive's own columns record by record, calling
// row for each; the problems row notes, and any row that is not CSV, refuse
// the row. row returns an error only when the database fails.
func (im *archiveImport) table(f io.Reader, tab archiveTable, row func(rec *csvio.Record) error) error {
	t, err := csvio.NewTable(f, tab.required, optionalColumns(tab.header, tab.required))
	if err != nil {
		im.reject(1, "%s", strings.TrimPrefix(err.Error(), "header (line 1): "))
		return nil
	}
	var n int64
	for {
		rec, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		im.progress(n, false)
		var re *csvio.RowError
		if errors.As(err, &re) {
			im.reject(re.Line, "%s", re.Reason)
			continue
		} else if err != nil {
			return gs.Errorf(gs.EINVALID, "%s cannot be read: %v", im.file, err)
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("%s line %d: %w", im.file, rec.Line, err)
		}
		if re := rec.Err(); re != nil {
			im.reject(re.Line, "%s", re.Reason)
		}
	}
	im.progress(n, true)
	return im.flushBatch()
}

// each reads a file of one of the data exchange formats with its reader,
// calling row for each good row and refusing the bad ones.
func each[T any](im *archiveImport, r *csvio.Reader[T], err error, row func(T) error) error {
	if err != nil {
		im.reject(1, "%s", strings.TrimPrefix(err.Error(), "header (line 1): "))
		return nil
	}
	var n int64
	for {
		v, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		im.progress(n, false)
		var re *csvio.RowError
		if errors.As(err, &re) {
			im.reject(re.Line, "%s", re.Reason)
			continue
		} else if err != nil {
			return gs.Errorf(gs.EINVALID, "%s cannot be read: %v", im.file, err)
		}
		if err := row(v); err != nil {
			return fmt.Errorf("%s: %w", im.file, err)
		}
	}
	im.progress(n, true)
	return im.flushBatch()
}

// batch gathers the rows of one table to insert them many at a time.
type batch struct {
	table   string
	columns []string
	rows    [][]any
}

// insert adds a row to the table's batch, writing the batch when full.
func (im *archiveImport) insert(table string, columns []string, row ...any) error {
	if im.batch == nil || im.batch.table != table {
		if err := im.flushBatch(); err != nil {
			return err
		}
		im.batch = &batch{table: table, columns: columns}
	}
	im.batch.rows = append(im.batch.rows, row)
	if len(im.batch.rows) == exchangeChunk {
		return im.flushBatch()
	}
	return nil
}

func (im *archiveImport) flushBatch() error {
	if im.batch == nil || len(im.batch.rows) == 0 {
		return nil
	}
	err := insertMany(im.ctx, im.t, im.batch.table, im.batch.columns, im.batch.rows)
	im.batch.rows = im.batch.rows[:0]
	return err
}

func (im *archiveImport) readAreas(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		a := gs.Area{Code: rec.Text("code"), Name: rec.Text("name"), Kind: rec.Text("kind"), Population: rec.Int("population")}
		rec.Check(a.Validate(), nil)
		parent := rec.Code("parent_code", 20)
		if rec.Err() != nil {
			return nil
		}
		if _, ok := im.areas[a.Code]; ok {
			return nil // this installation's stays as it is
		}
		var pid any
		if parent != "" {
			id, ok := im.areas[parent]
			if !ok {
				rec.Problem("parent_code: no area has the code %s, here or on an earlier line", parent)
				return nil
			}
			pid = id
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO areas (code, name, kind, parent_id, population) VALUES (?, ?, ?, ?, ?)`,
			a.Code, a.Name, a.Kind, pid, a.Population)
		if err != nil {
			return fmt.Errorf("insert area: %w", err)
		}
		im.areas[a.Code] = id
		im.rep.AreasAdded = append(im.rep.AreasAdded, a.Code)
		return nil
	})
}

func (im *archiveImport) readOrganisations(tab archiveTable, f io.Reader) error {
	r, err := csvio.NewOrganisationReader(f)
	return each(im, r, err, func(o csvio.Organisation) error {
		area, msg := im.area("area_code", o.AreaCode)
		if msg != "" {
			im.reject(o.Line, "%s", msg)
			return nil
		}
		if id, _ := im.organisation(o.ODSCode, o.Name); id != nil {
			im.rep.OrganisationsMatched++
			return nil
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO organisations (name, ods_code, sector, area_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.Name, o.ODSCode, o.Sector, area, ms(im.t.now))
		if err != nil {
			return fmt.Errorf("line %d: insert organisation: %w", o.Line, err)
		}
		if o.ODSCode != "" {
			im.orgsByODS[o.ODSCode] = id
		} else {
			im.orgsByName[o.Name] = id
		}
		im.rep.OrganisationsAdded++
		return nil
	})
}

func (im *archiveImport) readCampaign(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		if im.campaignID != 0 || rec.Line > 2 {
			rec.Problem("campaign.csv holds one campaign, on line 2")
			return nil
		}
		c := gs.Campaign{Slug: rec.Text("slug"), Title: rec.Text("title"), Purpose: rec.Text("purpose"), Story: rec.Text("story"),
			StartsOn: rec.Date("starts_on"), EndsOn: rec.Date("ends_on"), Status: rec.Text("status"), Illustrative: rec.Bool("illustrative"),
			DashboardSignedInOnly: rec.Bool("dashboard_signed_in_only"), CreatedAt: rec.Time("created_at"), UpdatedAt: rec.Time("updated_at")}
		if c.Slug != im.manifest.Campaign {
			rec.Problem("slug: %q is not the campaign manifest.json names, %q", c.Slug, im.manifest.Campaign)
		}
		c.Slug = im.rep.Slug
		rec.Check(c.Validate(), map[string]string{"predecessor_id": "predecessor"})
		if rec.Err() != nil {
			return nil
		}
		var pred any
		if p := rec.Text("predecessor"); p != "" {
			var id int64
			err := im.t.queryRow(im.ctx, `SELECT id FROM campaigns WHERE slug = ?`, p).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				im.rep.Notes = append(im.rep.Notes, fmt.Sprintf("The campaign it follows, %s, is not in this installation: it was imported without a predecessor.", p))
			case err != nil:
				return fmt.Errorf("find the predecessor: %w", err)
			default:
				pred = id
			}
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = im.t.now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO campaigns (slug, title, purpose, story, starts_on, ends_on, status, predecessor_id, illustrative,
				dashboard_signed_in_only, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Slug, c.Title, c.Purpose, c.Story, dateText(c.StartsOn), dateText(c.EndsOn), c.Status, pred, c.Illustrative,
			c.DashboardSignedInOnly, ms(c.CreatedAt), ms(c.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		im.campaignID = id
		return nil
	})
}

// org reads a record's reference to an organisation.
func (im *archiveImport) org(rec *csvio.Record) any {
	id, msg := im.organisation(rec.Code("organisation_ods_code", 12), rec.Text("organisation"))
	if msg != "" {
		rec.Problem("%s", msg)
	} else if id == nil {
		rec.Problem("organisation_ods_code: give the organisation's ODS code, or its name (in organisation) if it has none")
	}
	return id
}

func (im *archiveImport) readAlliance(tab archiveTable, f io.Reader) error {
	seen := map[any]int{}
	return im.table(f, tab, func(rec *csvio.Record) error {
		org := im.org(rec)
		joined := rec.Date("joined_on")
		if joined.IsZero() && rec.Text("joined_on") == "" {
			rec.Problem("joined_on: enter the date the organisation joined")
		}
		if first := seen[org]; org != nil && first != 0 {
			rec.Problem("the organisation is in the alliance already, on line %d", first)
		}
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		seen[org] = rec.Line
		return im.insert("alliance_members", []string{"campaign_id", "organisation_id", "joined_on", "action_plan"},
			im.campaignID, org, dateText(joined), rec.Text("action_plan"))
	})
}

func (im *archiveImport) readAlliancePlan(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		org := im.org(rec)
		c := gs.AllianceCommitment{Title: rec.Text("title"), DueOn: rec.Date("due_on"), Status: rec.Text("status"),
			CreatedAt: rec.Time("created_at"), UpdatedAt: rec.Time("updated_at")}
		rec.Check(c.Validate(), nil)
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = im.t.now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		return im.insert("alliance_commitments", []string{"campaign_id", "organisation_id", "title", "due_on", "status", "created_at", "updated_at"},
			im.campaignID, org, c.Title, dateText(c.DueOn), c.Status, ms(c.CreatedAt), ms(c.UpdatedAt))
	})
}

func (im *archiveImport) readGroups(tab archiveTable, f io.Reader) error {
	lines := map[string]int{}
	return im.table(f, tab, func(rec *csvio.Record) error {
		g := gs.Group{Slug: rec.Text("slug"), Name: rec.Text("name"), Description: rec.Text("description"), Goal: rec.Text("goal"),
			Target: int(rec.Int("target")), Position: int(rec.Int("position"))}
		rec.Check(g.Validate(), nil)
		if first := lines[g.Slug]; first != 0 {
			rec.Problem("slug: %s is the group on line %d", g.Slug, first)
		} else if g.Slug != "" {
			// Known even if the row is bad, so that its actions are not
			// reported too.
			lines[g.Slug], im.groups[g.Slug] = rec.Line, 0
		}
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO stakeholder_groups (campaign_id, slug, name, description, goal, target, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			im.campaignID, g.Slug, g.Name, g.Description, g.Goal, g.Target, g.Position)
		if err != nil {
			return fmt.Errorf("insert group: %w", err)
		}
		im.groups[g.Slug] = id
		return nil
	})
}

func (im *archiveImport) readIndicators(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		i := gs.Indicator{Slug: rec.Text("slug"), Name: rec.Text("name"), Unit: rec.Text("unit"), Direction: rec.Text("direction"),
			Target: rec.OptFloat("target"), Definition: rec.Text("definition"), Source: rec.Text("source"), Caveats: rec.Text("caveats")}
		rec.Check(i.Validate(), nil)
		if _, dup := im.indicators[i.Slug]; dup {
			rec.Problem("slug: %s is an earlier line's indicator", i.Slug)
		} else if exists(im.ctx, im.t, `SELECT 1 FROM indicators WHERE slug = ?`, i.Slug) {
			rec.Problem("slug: an indicator with the address %s exists in this installation already (indicators' addresses are shared by all its campaigns)", i.Slug)
		} else if i.Slug != "" {
			im.indicators[i.Slug] = 0
		}
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO indicators (campaign_id, slug, name, unit, direction, target, definition, source, caveats)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.campaignID, i.Slug, i.Name, i.Unit, i.Direction, nullFloat(i.Target), i.Definition, i.Source, i.Caveats)
		if err != nil {
			return fmt.Errorf("insert indicator: %w", err)
		}
		im.indicators[i.Slug] = id
		return nil
	})
}

func (im *archiveImport) readActions(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		local := rec.Int("id")
		if _, dup := im.actions[local]; dup {
			rec.Problem("id: %d is an earlier line's action", local)
		} else if local <= 0 {
			rec.Problem("id: enter the action's number, which commitments.csv uses to name it")
		} else {
			im.actions[local] = 0
		}
		group, ok := im.groups[rec.Text("group")]
		if !ok {
			rec.Problem("group: %q is not a group in groups.csv", rec.Text("group"))
		}
		a := gs.Action{Title: rec.Text("title"), Description: rec.Text("description"), DueOn: rec.Date("due_on"), Target: int(rec.Int("target")),
			Retired: rec.Bool("retired"), Position: int(rec.Int("position"))}
		rec.Check(a.Validate(), map[string]string{"title": "title"})
		var inds []int64
		for _, slug := range strings.Fields(rec.Text("indicators")) {
			if id, ok := im.indicators[slug]; ok {
				inds = append(inds, id)
			} else {
				rec.Problem("indicators: %q is not an indicator in indicators.csv", slug)
			}
		}
		if rec.Err() != nil || !im.ok() || group == 0 || slices.Contains(inds, 0) {
			return nil // a bad row elsewhere has been reported
		}
		id, err := im.t.insertID(im.ctx, `INSERT INTO actions (group_id, title, description, due_on, target, retired, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			group, a.Title, a.Description, dateText(a.DueOn), a.Target, a.Retired, a.Position)
		if err != nil {
			return fmt.Errorf("insert action: %w", err)
		}
		im.actions[local] = id
		for _, ind := range inds {
			if _, err := im.t.exec(im.ctx, `INSERT INTO action_indicators (action_id, indicator_id) VALUES (?, ?)`, id, ind); err != nil {
				return fmt.Errorf("link action to indicator: %w", err)
			}
		}
		return nil
	})
}

func (im *archiveImport) readMilestones(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		m := gs.Milestone{Title: rec.Text("title"), On: rec.Date("on"), Description: rec.Text("description")}
		rec.Check(m.Validate(), nil)
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		return im.insert("milestones", []string{"campaign_id", "title", "on_date", "description"}, im.campaignID, m.Title, dateText(m.On), m.Description)
	})
}

// people adds the archive's people this installation does not have, by
// email, a chunk at a time.
func (im *archiveImport) readPeople(tab archiveTable, f io.Reader) error {
	r, err := csvio.NewPeopleReader(f)
	var chunk []csvio.Person
	codes := map[string]int{}
	flush := func() error {
		if err := im.peopleChunk(chunk, codes); err != nil {
			return err
		}
		chunk = chunk[:0]
		return nil
	}
	err = each(im, r, err, func(p csvio.Person) error {
		chunk = append(chunk, p)
		if len(chunk) == exchangeChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

func (im *archiveImport) peopleChunk(chunk []csvio.Person, codes map[string]int) error {
	if len(chunk) == 0 {
		return nil
	}
	existing, taken, err := im.peopleOf(chunk)
	if err != nil {
		return err
	}
	var rows [][]any
	var added []string
	for _, p := range chunk {
		if stored, ok := existing[p.Email]; ok {
			im.people[p.Email] = stored.id
			im.rep.PeopleMatched++
			// Kept as they are here, but for an opt-out the archive
			// carries: the stricter consent stands.
			if !im.ok() {
				continue
			}
			narrowed, err := im.narrowConsent(stored, p)
			if err != nil {
				return err
			}
			if narrowed {
				im.rep.PeopleNarrowed++
			}
			continue
		}
		row, ok := im.newPerson(p, taken, codes, true)
		if !ok {
			im.people[p.Email] = 0 // in the archive, but bad: refer to it quietly
			continue
		}
		rows = append(rows, row)
		added = append(added, p.Email)
	}
	if !im.ok() {
		// campaign.csv was bad, and nothing will be stored: the new people
		// are known all the same, so that the rows naming them are checked
		// and not reported as "not in people.csv" too.
		for _, e := range added {
			im.people[e] = 0
		}
		return nil
	}
	if err := insertMany(im.ctx, im.t, "people", personInsertColumns, rows); err != nil {
		return err
	}
	ids, err := im.idsByKey(`SELECT email, id FROM people WHERE email IN (%s)`, added)
	if err != nil {
		return fmt.Errorf("read the new people's ids: %w", err)
	}
	for e, id := range ids {
		im.people[e] = id
	}
	im.rep.PeopleAdded += int64(len(added))
	return nil
}

// person finds a person of people.csv by email: ok is false, with a problem
// noted, for one not there; id is 0 for one there but refused.
func (im *archiveImport) person(column, email string, bad *problems) (int64, bool) {
	id, ok := im.people[email]
	if !ok {
		bad.add(fmt.Sprintf("%s: %s is not in people.csv (or its line there is bad)", column, email))
	}
	return id, ok
}

func (im *archiveImport) readCommitments(tab archiveTable, f io.Reader) error {
	r, err := csvio.NewCommitmentReader(f)
	return each(im, r, err, func(c csvio.Commitment) error {
		var bad problems
		person, ok := im.person("email", c.Email, &bad)
		var inviter int64
		if c.InvitedBy != "" {
			i, found := im.person("invited_by", c.InvitedBy, &bad)
			inviter, ok = i, ok && found
		}
		action, found := im.actions[c.ActionID]
		if !found {
			bad.add(fmt.Sprintf("action_id: %d is not an action in actions.csv (or its line there is bad)", c.ActionID))
		}
		if len(bad) > 0 {
			im.reject(c.Line, "%s", bad)
			return nil
		}
		if !ok || person == 0 || (c.InvitedBy != "" && inviter == 0) || action == 0 || !im.ok() {
			return nil // a bad row elsewhere has been reported
		}
		return im.insert("commitments", commitmentInsertColumns, person, action, im.campaignID, c.Status, c.Why, c.Hours, c.OnBehalf, c.Channel,
			nullID(inviter), newToken(), ms(c.CreatedAt), ms(c.UpdatedAt), nullMS(c.ConfirmedAt), confirmationQueued(c),
			nullMS(c.ReportedAt), c.Outcome, c.OutcomeReason, dateText(c.FollowupOn))
	})
}

func (im *archiveImport) readRelationships(tab archiveTable, f io.Reader) error {
	invited := map[string]int{}
	return im.table(f, tab, func(rec *csvio.Record) error {
		var bad problems
		from, to := rec.Email("from"), rec.Email("to")
		fromID, okFrom := im.person("from", from, &bad)
		toID, okTo := im.person("to", to, &bad)
		for _, b := range bad {
			rec.Problem("%s", b)
		}
		if from == to {
			rec.Problem("to: a person cannot invite themself")
		}
		if first := invited[to]; first != 0 {
			rec.Problem("to: %s was invited on line %d; a person is invited into a campaign once", to, first)
		}
		at := rec.Time("created_at")
		if at.IsZero() && rec.Text("created_at") == "" {
			rec.Problem("created_at: enter when the invitation was taken up")
		}
		kind := rec.Text("kind")
		if kind == "" {
			kind = "invited"
		}
		invited[to] = rec.Line
		if rec.Err() != nil || !okFrom || !okTo || fromID == 0 || toID == 0 || !im.ok() {
			return nil
		}
		return im.insert("relationships", []string{"campaign_id", "to_id", "from_id", "kind", "created_at"}, im.campaignID, toID, fromID, kind, ms(at))
	})
}

// commitment finds the commitment a record names by email and action_id:
// 0 when it cannot, a problem noted unless a bad row elsewhere explains it.
func (im *archiveImport) commitment(rec *csvio.Record) (int64, error) {
	var bad problems
	person, ok := im.person("email", rec.Email("email"), &bad)
	local := rec.Int("action_id")
	action, found := im.actions[local]
	if !found {
		bad.add(fmt.Sprintf("action_id: %d is not an action in actions.csv (or its line there is bad)", local))
	}
	for _, b := range bad {
		rec.Problem("%s", b)
	}
	if rec.Err() != nil || !ok || person == 0 || action == 0 || !im.ok() {
		return 0, nil
	}
	// The commitments are all written: commitments.csv comes before.
	var id int64
	err := im.t.queryRow(im.ctx, `SELECT id FROM commitments WHERE person_id = ? AND action_id = ?`, person, action).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		rec.Problem("email, action_id: no line of commitments.csv is %s's pledge to action %d", rec.Email("email"), local)
		return 0, nil
	}
	return id, err
}

func (im *archiveImport) readFollowups(tab archiveTable, f io.Reader) error {
	seen := map[string]int{}
	return im.table(f, tab, func(rec *csvio.Record) error {
		step, due, emailed, at := rec.Text("step"), rec.Date("due_on"), rec.Bool("emailed"), rec.Time("created_at")
		if step == "" || len(step) > 40 {
			rec.Problem("step: enter the step taken, like remind_14, report or lapse")
		}
		if due.IsZero() && rec.Text("due_on") == "" {
			rec.Problem("due_on: enter the date followed up")
		}
		if at.IsZero() && rec.Text("created_at") == "" {
			rec.Problem("created_at: enter when the step was taken")
		}
		key := rec.Text("email") + "\x00" + rec.Text("action_id") + "\x00" + step + "\x00" + due.String()
		if first := seen[key]; first != 0 {
			rec.Problem("the same step as line %d", first)
		}
		seen[key] = rec.Line
		id, err := im.commitment(rec)
		if err != nil || id == 0 || rec.Err() != nil {
			return err
		}
		return im.insert("followups", []string{"commitment_id", "step", "due_on", "emailed", "created_at"}, id, step, dateText(due), emailed, ms(at))
	})
}

func (im *archiveImport) readStories(tab archiveTable, f io.Reader) error {
	seen := map[int64]int{}
	return im.table(f, tab, func(rec *csvio.Record) error {
		s := gs.StoryInput{Text: rec.Text("story"), Public: rec.Bool("show_on_page")}
		rec.Check(s.Validate(), nil)
		if s.Text == "" {
			rec.Problem("story: enter the story")
		}
		created, updated := rec.Time("created_at"), rec.Time("updated_at")
		id, err := im.commitment(rec)
		if err != nil || id == 0 || rec.Err() != nil {
			return err
		}
		if first := seen[id]; first != 0 {
			rec.Problem("the pledge has a story already, on line %d", first)
			return nil
		}
		seen[id] = rec.Line
		if created.IsZero() {
			created = im.t.now
		}
		if updated.IsZero() {
			updated = created
		}
		return im.insert("stories", []string{"commitment_id", "story", "show_on_page", "created_at", "updated_at"}, id, s.Text, s.Public, ms(created), ms(updated))
	})
}

func (im *archiveImport) readObservations(tab archiveTable, f io.Reader) error {
	r, err := csvio.NewReader(f, func(slug string) bool { _, ok := im.indicators[slug]; return ok })
	return each(im, r, err, func(o csvio.Row) error {
		area, msg := im.area("area_code", o.AreaCode)
		if msg != "" {
			im.reject(o.Line, "%s", msg)
			return nil
		}
		if !im.ok() || im.indicators[o.Indicator] == 0 {
			return nil
		}
		return im.insert("observations", []string{"indicator_id", "area_id", "period", "numerator", "denominator", "value", "synthetic"},
			im.indicators[o.Indicator], area, dateText(o.Period), nullFloat(o.Numerator), nullFloat(o.Denominator), o.Value, o.Synthetic)
	})
}

func (im *archiveImport) readEnvelope(tab archiveTable, f io.Reader) error {
	return im.table(f, tab, func(rec *csvio.Record) error {
		e := gs.EnvelopeEntry{On: rec.Date("on"), Kind: rec.Text("kind"), Unit: rec.Text("unit"), Amount: rec.Float("amount"), Note: rec.Text("note")}
		rec.Check(e.Validate(), nil)
		at := rec.Time("created_at")
		if rec.Err() != nil || !im.ok() {
			return nil
		}
		if at.IsZero() {
			at = im.t.now
		}
		return im.insert("envelope_entries", []string{"campaign_id", "on_date", "kind", "unit", "amount", "note", "created_at"},
			im.campaignID, dateText(e.On), e.Kind, e.Unit, e.Amount, e.Note, ms(at))
	})
}

// auditArchive records an archive's import in the new campaign's log: what
// came in, counted, as for any import — never the people it holds.
func auditArchive(ctx context.Context, t *tx, rep *ArchiveReport) error {
	files := map[string]int64{}
	for _, f := range rep.Manifest.Files {
		files[f.Name] = f.Rows
	}
	areas := rep.AreasAdded
	if areas == nil {
		areas = []string{}
	}
	return t.audit(ctx, change{campaignID: rep.CampaignID, object: gs.AuditImport, verb: gs.AuditImport, label: "campaign archive",
		after: struct {
			File                 string           `json:"file"`
			Campaign             string           `json:"campaign"`
			ExportedAt           time.Time        `json:"exported_at"`
			Rows                 map[string]int64 `json:"rows"`
			AreasAdded           []string         `json:"areas_added"`
			OrganisationsAdded   int64            `json:"organisations_added"`
			OrganisationsMatched int64            `json:"organisations_matched"`
			PeopleAdded          int64            `json:"people_added"`
			PeopleMatched        int64            `json:"people_matched"`
		}{"campaign archive", rep.Slug, rep.Manifest.ExportedAt, files, areas, rep.OrganisationsAdded, rep.OrganisationsMatched,
			rep.PeopleAdded, rep.PeopleMatched}})
}
