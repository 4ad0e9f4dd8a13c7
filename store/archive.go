package store

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
)

// A campaign archive is a zip of CSV files, one per kind of record, and a
// manifest.json that lists them with their row counts and SHA-256 hashes.
// It carries a whole campaign from one installation to another: its groups,
// actions, milestones, indicators and observations, alliance and envelope,
// and its people with their pledges, invitations, follow-up steps and
// stories. Records refer to each other by what identifies them anywhere —
// people by email, organisations by ODS code (or name), areas by code,
// groups and indicators by slug — except pledges, which name their action by
// its id in actions.csv, since two actions of a group may share a title.
//
// Not carried: organiser, lead and representative accounts (people appoint
// them again), sign-in and email links, the outbox, API tokens, and receipt
// links (each pledge gets a new one).

// ArchiveFormat and ArchiveVersion identify the archive format; a reader
// refuses a version newer than it knows.
const (
	ArchiveFormat  = "groundswell-campaign-archive"
	ArchiveVersion = 1
)

// Manifest is an archive's manifest.json.
type Manifest struct {
	Format             string         `json:"format"`
	FormatVersion      int            `json:"format_version"`
	GroundswellVersion string         `json:"groundswell_version"`
	SchemaVersion      int64          `json:"schema_version"`
	ExportedAt         time.Time      `json:"exported_at"`
	Campaign           string         `json:"campaign"`
	Files              []ManifestFile `json:"files"`
}

// ManifestFile is one file of an archive: its name, its rows (not counting
// the header) and the SHA-256 of its bytes, in hex.
type ManifestFile struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// archiveTable is one file of an archive: how to write it from a campaign,
// and how to read it into one (archive_import.go).
type archiveTable struct {
	name   string
	header []string
	// required are the columns an import needs; the others in header
	// are optional.
	required []string
	export   func(ex *archiveExport, w *csvio.Writer) error
	load     func(im *archiveImport, tab archiveTable, f io.Reader) error
}

// archiveTables are the files, in the order they are written and read: each
// refers only to files before it.
func archiveTables() []archiveTable {
	return []archiveTable{
		{name: "areas.csv", header: []string{"code", "name", "kind", "parent_code", "population"}, required: []string{"code", "name", "kind"},
			export: (*archiveExport).areas, load: (*archiveImport).readAreas},
		{name: "organisations.csv", header: csvio.OrganisationColumns, export: (*archiveExport).organisations, load: (*archiveImport).readOrganisations},
		{name: "campaign.csv", header: []string{"slug", "title", "purpose", "story", "starts_on", "ends_on", "status", "predecessor",
			"illustrative", "dashboard_signed_in_only", "created_at", "updated_at"}, required: []string{"slug", "title", "purpose", "starts_on", "status"},
			export: (*archiveExport).campaign, load: (*archiveImport).readCampaign},
		{name: "alliance.csv", header: []string{"organisation_ods_code", "organisation", "joined_on", "action_plan"}, required: []string{"joined_on"},
			export: (*archiveExport).alliance, load: (*archiveImport).readAlliance},
		{name: "alliance_plan.csv", header: []string{"organisation_ods_code", "organisation", "title", "due_on", "status", "created_at", "updated_at"},
			required: []string{"title", "due_on", "status"}, export: (*archiveExport).alliancePlan, load: (*archiveImport).readAlliancePlan},
		{name: "groups.csv", header: []string{"slug", "name", "description", "goal", "target", "position"}, required: []string{"slug", "name", "goal"},
			export: (*archiveExport).groups, load: (*archiveImport).readGroups},
		{name: "indicators.csv", header: []string{"slug", "name", "unit", "direction", "target", "definition", "source", "caveats"},
			required: []string{"slug", "name", "direction"}, export: (*archiveExport).indicators, load: (*archiveImport).readIndicators},
		{name: "actions.csv", header: []string{"id", "group", "title", "description", "due_on", "target", "retired", "position", "indicators"},
			required: []string{"id", "group", "title", "due_on"}, export: (*archiveExport).actions, load: (*archiveImport).readActions},
		{name: "milestones.csv", header: []string{"title", "on", "description"}, required: []string{"title", "on"},
			export: (*archiveExport).milestones, load: (*archiveImport).readMilestones},
		{name: "people.csv", header: csvio.PeopleColumns, export: (*archiveExport).people, load: (*archiveImport).readPeople},
		{name: "commitments.csv", header: csvio.CommitmentColumns, export: (*archiveExport).commitments, load: (*archiveImport).readCommitments},
		{name: "relationships.csv", header: []string{"from", "to", "kind", "created_at"}, required: []string{"from", "to", "created_at"},
			export: (*archiveExport).relationships, load: (*archiveImport).readRelationships},
		{name: "followups.csv", header: []string{"email", "action_id", "step", "due_on", "emailed", "created_at"},
			required: []string{"email", "action_id", "step", "due_on", "emailed", "created_at"}, export: (*archiveExport).followups, load: (*archiveImport).readFollowups},
		{name: "stories.csv", header: []string{"email", "action_id", "story", "show_on_page", "created_at", "updated_at"},
			required: []string{"email", "action_id", "story"}, export: (*archiveExport).stories, load: (*archiveImport).readStories},
		{name: "observations.csv", header: csvio.ObservationColumns, export: (*archiveExport).observations, load: (*archiveImport).readObservations},
		{name: "envelope.csv", header: []string{"on", "kind", "unit", "amount", "note", "created_at"}, required: []string{"on", "kind", "unit", "amount"},
			export: (*archiveExport).envelope, load: (*archiveImport).readEnvelope},
	}
}

// optionalColumns is all but the required columns.
func optionalColumns(all, required []string) []string {
	var out []string
	for _, c := range all {
		if !slices.Contains(required, c) {
			out = append(out, c)
		}
	}
	return out
}

// ArchiveFiles lists the files of an archive, in order, manifest.json last.
func ArchiveFiles() []string {
	var out []string
	for _, t := range archiveTables() {
		out = append(out, t.name)
	}
	return append(out, "manifest.json")
}

// groundswellVersion names the build: its module version and, when built
// from a repository, the commit.
func groundswellVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// ExportCampaign writes the archive of the campaign with the given slug to w,
// reading it in one read transaction: a consistent snapshot, one row at a
// time. progress, if not nil, is told each file's rows as they are written
// (every 1,000, and once the file is complete, with done true).
func (s *Store) ExportCampaign(ctx context.Context, slug string, w io.Writer, progress func(file string, rows int64, done bool)) (Manifest, error) {
	m := Manifest{Format: ArchiveFormat, FormatVersion: ArchiveVersion, GroundswellVersion: groundswellVersion(), Campaign: slug}
	if progress == nil {
		progress = func(string, int64, bool) {}
	}
	err := s.readTx(ctx, func(t *tx) error {
		m.ExportedAt = t.now.Truncate(time.Millisecond)
		ex := &archiveExport{ctx: ctx, t: t}
		if err := t.queryRow(ctx, `SELECT id FROM campaigns WHERE slug = ?`, slug).Scan(&ex.campaignID); err != nil {
			return notFound(err, "campaign "+slug)
		}
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&m.SchemaVersion); err != nil {
			return fmt.Errorf("read the schema version: %w", err)
		}
		zw := zip.NewWriter(w)
		for _, tab := range archiveTables() {
			f, err := ex.file(zw, tab, progress)
			if err != nil {
				return fmt.Errorf("write %s: %w", tab.name, err)
			}
			m.Files = append(m.Files, f)
		}
		mw, err := zw.Create("manifest.json")
		if err != nil {
			return err
		}
		enc := json.NewEncoder(mw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			return fmt.Errorf("write manifest.json: %w", err)
		}
		return zw.Close()
	})
	if err != nil {
		return Manifest{}, fmt.Errorf("export campaign %s: %w", slug, err)
	}
	return m, nil
}

// archiveExport is one archive being written, in its read transaction.
type archiveExport struct {
	ctx        context.Context
	t          *tx
	campaignID int64
	progress   func(rows int64)
}

// file writes one table into the zip, hashing its bytes as they go.
func (ex *archiveExport) file(zw *zip.Writer, tab archiveTable, progress func(string, int64, bool)) (ManifestFile, error) {
	zf, err := zw.Create(tab.name)
	if err != nil {
		return ManifestFile{}, err
	}
	h := sha256.New()
	w, err := csvio.NewWriter(io.MultiWriter(zf, h), tab.header, csvio.Options{})
	if err != nil {
		return ManifestFile{}, err
	}
	ex.progress = func(rows int64) {
		if rows%1000 == 0 {
			progress(tab.name, rows, false)
		}
	}
	if err := tab.export(ex, w); err != nil {
		return ManifestFile{}, err
	}
	if err := w.Flush(); err != nil {
		return ManifestFile{}, err
	}
	progress(tab.name, w.Rows(), true)
	return ManifestFile{Name: tab.name, Rows: w.Rows(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// write writes one record and reports progress.
func (ex *archiveExport) write(w *csvio.Writer, rec ...string) error {
	if err := w.Write(rec); err != nil {
		return err
	}
	ex.progress(w.Rows())
	return nil
}

// rows writes a row of the file for each row of a query, as strings.
func (ex *archiveExport) rows(w *csvio.Writer, q string, args []any, scan func(scan func(...any) error) ([]string, error)) error {
	return eachRow(ex.ctx, ex.t, q, args, func(sc func(...any) error) error {
		rec, err := scan(sc)
		if err != nil {
			return err
		}
		return ex.write(w, rec...)
	})
}

// areas writes the areas the campaign's records name, with their ancestors,
// each after its parent. Areas are few, so they are read whole.
func (ex *archiveExport) areas(w *csvio.Writer) error {
	type area struct {
		gs.Area
		depth int
	}
	all := map[int64]*area{}
	err := eachRow(ex.ctx, ex.t, `SELECT id, code, name, kind, parent_id, population FROM areas`, nil, func(scan func(...any) error) error {
		var a area
		if err := scan(&a.ID, &a.Code, &a.Name, &a.Kind, scanID{&a.ParentID}, &a.Population); err != nil {
			return err
		}
		all[a.ID] = &a
		return nil
	})
	if err != nil {
		return err
	}
	used := map[int64]bool{}
	cid := ex.campaignID
	err = eachRow(ex.ctx, ex.t, `SELECT area_id FROM people WHERE area_id IS NOT NULL AND id IN (`+campaignPeople+`)
		UNION SELECT area_id FROM organisations WHERE area_id IS NOT NULL AND id IN (`+campaignOrganisations+`)
		UNION SELECT o.area_id FROM observations o JOIN indicators i ON i.id = o.indicator_id WHERE i.campaign_id = ?`,
		campaignArgs(cid, 11), func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			for ; id != 0 && !used[id] && all[id] != nil; id = all[id].ParentID {
				used[id] = true
			}
			return nil
		})
	if err != nil {
		return err
	}
	var out []*area
	for id := range used {
		a := all[id]
		for p := a.ParentID; p != 0 && all[p] != nil && a.depth < len(all); p = all[p].ParentID {
			a.depth++
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *area) int {
		if a.depth != b.depth {
			return a.depth - b.depth
		}
		return strings.Compare(a.Code, b.Code)
	})
	for _, a := range out {
		parent := ""
		if p := all[a.ParentID]; p != nil {
			parent = p.Code
		}
		if err := ex.write(w, a.Code, a.Name, a.Kind, parent, csvio.FormatInt(a.Population)); err != nil {
			return err
		}
	}
	return nil
}

func (ex *archiveExport) organisations(w *csvio.Writer) error {
	return exportOrganisations(ex.ctx, ex.t, ex.campaignID, func(o csvio.Organisation) error {
		return ex.write(w, csvio.EncodeOrganisation(o)...)
	})
}

func (ex *archiveExport) campaign(w *csvio.Writer) error {
	return ex.rows(w, `SELECT c.slug, c.title, c.purpose, c.story, c.starts_on, c.ends_on, c.status, COALESCE(p.slug, ''),
			c.illustrative, c.dashboard_signed_in_only, c.created_at, c.updated_at
		FROM campaigns c LEFT JOIN campaigns p ON p.id = c.predecessor_id WHERE c.id = ?`, []any{ex.campaignID},
		func(scan func(...any) error) ([]string, error) {
			var c gs.Campaign
			var pred string
			err := scan(&c.Slug, &c.Title, &c.Purpose, &c.Story, scanDate{&c.StartsOn}, scanDate{&c.EndsOn}, &c.Status, &pred,
				&c.Illustrative, &c.DashboardSignedInOnly, scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt})
			return []string{c.Slug, c.Title, c.Purpose, c.Story, c.StartsOn.String(), c.EndsOn.String(), c.Status, pred,
				csvio.FormatBool(c.Illustrative), csvio.FormatBool(c.DashboardSignedInOnly), csvio.FormatTime(c.CreatedAt), csvio.FormatTime(c.UpdatedAt)}, err
		})
}

func (ex *archiveExport) alliance(w *csvio.Writer) error {
	return ex.rows(w, `SELECT o.ods_code, o.name, m.joined_on, m.action_plan FROM alliance_members m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.campaign_id = ? ORDER BY o.ods_code, o.name, o.id`, []any{ex.campaignID},
		func(scan func(...any) error) ([]string, error) {
			var ods, name, plan string
			var joined gs.Date
			err := scan(&ods, &name, scanDate{&joined}, &plan)
			return []string{ods, name, joined.String(), plan}, err
		})
}

func (ex *archiveExport) alliancePlan(w *csvio.Writer) error {
	return ex.rows(w, `SELECT o.ods_code, o.name, c.title, c.due_on, c.status, c.created_at, c.updated_at
		FROM alliance_commitments c JOIN organisations o ON o.id = c.organisation_id WHERE c.campaign_id = ? ORDER BY c.id`, []any{ex.campaignID},
		func(scan func(...any) error) ([]string, error) {
			var ods, name string
			var c gs.AllianceCommitment
			err := scan(&ods, &name, &c.Title, scanDate{&c.DueOn}, &c.Status, scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt})
			return []string{ods, name, c.Title, c.DueOn.String(), c.Status, csvio.FormatTime(c.CreatedAt), csvio.FormatTime(c.UpdatedAt)}, err
		})
}

func (ex *archiveExport) groups(w *csvio.Writer) error {
	return ex.rows(w, `SELECT slug, name, description, goal, target, position FROM stakeholder_groups WHERE campaign_id = ? ORDER BY position, id`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var g gs.Group
			err := scan(&g.Slug, &g.Name, &g.Description, &g.Goal, &g.Target, &g.Position)
			return []string{g.Slug, g.Name, g.Description, g.Goal, csvio.FormatInt(int64(g.Target)), csvio.FormatInt(int64(g.Position))}, err
		})
}

func (ex *archiveExport) indicators(w *csvio.Writer) error {
	return ex.rows(w, `SELECT slug, name, unit, direction, target, definition, source, caveats FROM indicators WHERE campaign_id = ? ORDER BY slug`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var i gs.Indicator
			var target sql.NullFloat64
			err := scan(&i.Slug, &i.Name, &i.Unit, &i.Direction, &target, &i.Definition, &i.Source, &i.Caveats)
			t := ""
			if target.Valid {
				t = csvio.FormatFloat(target.Float64)
			}
			return []string{i.Slug, i.Name, i.Unit, i.Direction, t, i.Definition, i.Source, i.Caveats}, err
		})
}

// actions writes each action with the slugs of the indicators it aims to
// move, space-separated; a campaign's actions are few enough to hold their
// links in memory.
func (ex *archiveExport) actions(w *csvio.Writer) error {
	links := map[int64][]string{}
	err := eachRow(ex.ctx, ex.t, `SELECT ai.action_id, i.slug FROM action_indicators ai JOIN indicators i ON i.id = ai.indicator_id
		JOIN actions a ON a.id = ai.action_id JOIN stakeholder_groups g ON g.id = a.group_id WHERE g.campaign_id = ? ORDER BY i.slug`,
		[]any{ex.campaignID}, func(scan func(...any) error) error {
			var id int64
			var slug string
			if err := scan(&id, &slug); err != nil {
				return err
			}
			links[id] = append(links[id], slug)
			return nil
		})
	if err != nil {
		return err
	}
	return ex.rows(w, `SELECT a.id, g.slug, a.title, a.description, a.due_on, a.target, a.retired, a.position
		FROM actions a JOIN stakeholder_groups g ON g.id = a.group_id WHERE g.campaign_id = ? ORDER BY g.position, g.id, a.position, a.id`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var a gs.Action
			var group string
			err := scan(&a.ID, &group, &a.Title, &a.Description, scanDate{&a.DueOn}, &a.Target, &a.Retired, &a.Position)
			return []string{csvio.FormatInt(a.ID), group, a.Title, a.Description, a.DueOn.String(), csvio.FormatInt(int64(a.Target)),
				csvio.FormatBool(a.Retired), csvio.FormatInt(int64(a.Position)), strings.Join(links[a.ID], " ")}, err
		})
}

func (ex *archiveExport) milestones(w *csvio.Writer) error {
	return ex.rows(w, `SELECT title, on_date, description FROM milestones WHERE campaign_id = ? ORDER BY on_date, id`, []any{ex.campaignID},
		func(scan func(...any) error) ([]string, error) {
			var m gs.Milestone
			err := scan(&m.Title, scanDate{&m.On}, &m.Description)
			return []string{m.Title, m.On.String(), m.Description}, err
		})
}

func (ex *archiveExport) people(w *csvio.Writer) error {
	return exportPeople(ex.ctx, ex.t, archivePeopleFrom, campaignArgs(ex.campaignID, 5), func(p csvio.Person) error {
		return ex.write(w, csvio.EncodePerson(p)...)
	})
}

func (ex *archiveExport) commitments(w *csvio.Writer) error {
	return exportCommitments(ex.ctx, ex.t, ex.campaignID, func(c csvio.Commitment) error {
		return ex.write(w, csvio.EncodeCommitment(c)...)
	})
}

func (ex *archiveExport) relationships(w *csvio.Writer) error {
	return ex.rows(w, `SELECT f.email, t.email, r.kind, r.created_at FROM relationships r
		JOIN people f ON f.id = r.from_id JOIN people t ON t.id = r.to_id WHERE r.campaign_id = ? ORDER BY r.created_at, t.email`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var from, to, kind string
			var at time.Time
			err := scan(&from, &to, &kind, scanTime{&at})
			return []string{from, to, kind, csvio.FormatTime(at)}, err
		})
}

func (ex *archiveExport) followups(w *csvio.Writer) error {
	return ex.rows(w, `SELECT p.email, c.action_id, f.step, f.due_on, f.emailed, f.created_at FROM followups f
		JOIN commitments c ON c.id = f.commitment_id JOIN people p ON p.id = c.person_id WHERE c.campaign_id = ?
		ORDER BY f.commitment_id, f.created_at, f.step, f.due_on`, []any{ex.campaignID},
		func(scan func(...any) error) ([]string, error) {
			var email, step string
			var action int64
			var due gs.Date
			var emailed bool
			var at time.Time
			err := scan(&email, &action, &step, scanDate{&due}, &emailed, scanTime{&at})
			return []string{email, csvio.FormatInt(action), step, due.String(), csvio.FormatBool(emailed), csvio.FormatTime(at)}, err
		})
}

func (ex *archiveExport) stories(w *csvio.Writer) error {
	return ex.rows(w, `SELECT p.email, c.action_id, s.story, s.show_on_page, s.created_at, s.updated_at FROM stories s
		JOIN commitments c ON c.id = s.commitment_id JOIN people p ON p.id = c.person_id WHERE c.campaign_id = ? ORDER BY s.commitment_id`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var email, story string
			var action int64
			var public bool
			var created, updated time.Time
			err := scan(&email, &action, &story, &public, scanTime{&created}, scanTime{&updated})
			return []string{email, csvio.FormatInt(action), story, csvio.FormatBool(public), csvio.FormatTime(created), csvio.FormatTime(updated)}, err
		})
}

func (ex *archiveExport) observations(w *csvio.Writer) error {
	return exportObservations(ex.ctx, ex.t, ex.campaignID, func(o csvio.Row) error {
		return ex.write(w, csvio.EncodeObservation(o)...)
	})
}

func (ex *archiveExport) envelope(w *csvio.Writer) error {
	return ex.rows(w, `SELECT on_date, kind, unit, amount, note, created_at FROM envelope_entries WHERE campaign_id = ? ORDER BY on_date, id`,
		[]any{ex.campaignID}, func(scan func(...any) error) ([]string, error) {
			var e gs.EnvelopeEntry
			var at time.Time
			err := scan(scanDate{&e.On}, &e.Kind, &e.Unit, &e.Amount, &e.Note, scanTime{&at})
			return []string{e.On.String(), e.Kind, e.Unit, csvio.FormatFloat(e.Amount), e.Note, csvio.FormatTime(at)}, err
		})
}
