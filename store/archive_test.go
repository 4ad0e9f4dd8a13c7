package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/csvio"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/mobilise"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// demoArchive exports the first campaign of a store holding the demo.
func demoArchive(t *testing.T, src *store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	m, err := src.ExportCampaign(ctx, demo.CampaignSlug, &b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Campaign != demo.CampaignSlug || len(m.Files) != len(store.ArchiveFiles())-1 {
		t.Fatalf("manifest = %+v", m)
	}
	return b.Bytes()
}

// archiveFiles reads an archive's files by name.
func archiveFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// comparable turns an archive's CSV files into records to compare across
// installations: action ids, which each installation gives its own, become
// the action's position in actions.csv.
func comparable(t *testing.T, files map[string][]byte) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for name, b := range files {
		if name == "manifest.json" {
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = recs
	}
	ordinal := map[string]string{}
	for i, rec := range out["actions.csv"][1:] {
		ordinal[rec[0]] = fmt.Sprint("action#", i+1)
	}
	for name, recs := range out {
		for _, col := range []string{"id", "action_id"} {
			i := slices.Index(recs[0], col)
			if i < 0 || (col == "id" && name != "actions.csv") {
				continue
			}
			for _, rec := range recs[1:] {
				if o, ok := ordinal[rec[i]]; ok {
					rec[i] = o
				}
			}
		}
	}
	return out
}

// TestArchive exports the demo campaign once, and imports it into fresh
// installations on both databases: as it is, and changed in ways that must
// be refused.
func TestArchive(t *testing.T) {
	src := openDemo(t)
	data := demoArchive(t, src)
	t.Run("round trip", func(t *testing.T) { testArchiveRoundTrip(t, src, data) })
	t.Run("refused", func(t *testing.T) { testArchiveRefused(t, data) })
}

func testArchiveRoundTrip(t *testing.T, src *store.Store, data []byte) {
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		ctx := context.Background()
		files := archiveFiles(t, data)
		if !strings.HasPrefix(string(files["people.csv"]), "email,name,profession,") {
			t.Errorf("people.csv starts %q", files["people.csv"][:40])
		}

		rep, err := dst.ImportCampaign(ctx, bytes.NewReader(data), int64(len(data)), store.ArchiveImportOptions{
			Reject: func(file string, line int, reason string) { t.Errorf("%s:%d: %s", file, line, reason) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Slug != demo.CampaignSlug || rep.PeopleAdded == 0 || rep.PeopleMatched != 0 || rep.OrganisationsAdded == 0 {
			t.Errorf("report = %+v", rep)
		}

		// Exported again from the new installation, every file is the
		// same: the import lost nothing the archive carries.
		var again bytes.Buffer
		if _, err := dst.ExportCampaign(ctx, demo.CampaignSlug, &again, nil); err != nil {
			t.Fatal(err)
		}
		want, got := comparable(t, files), comparable(t, archiveFiles(t, again.Bytes()))
		for _, name := range store.ArchiveFiles() {
			if name == "manifest.json" {
				continue
			}
			if len(want[name]) < 2 && name != "alliance_plan.csv" && name != "stories.csv" && name != "followups.csv" {
				t.Errorf("%s: the demo's archive has no rows", name)
			}
			if !reflect.DeepEqual(got[name], want[name]) {
				t.Errorf("%s differs after the round trip: %d rows, want %d", name, len(got[name]), len(want[name]))
			}
		}

		// What people see: the campaign's figures, its groups, and the
		// dashboard's series (from the rebuilt rollup).
		a, err := src.CampaignBySlug(ctx, demo.CampaignSlug)
		if err != nil {
			t.Fatal(err)
		}
		b, err := dst.CampaignBySlug(ctx, demo.CampaignSlug)
		if err != nil {
			t.Fatal(err)
		}
		if b.Title != a.Title || b.StartsOn != a.StartsOn || b.Status != a.Status || !b.Illustrative || !b.CreatedAt.Equal(a.CreatedAt) {
			t.Errorf("campaign = %+v, want %+v", b, a)
		}
		ca, err := src.CampaignCounts(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := dst.CampaignCounts(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ca != cb || ca.Commitments == 0 || ca.Relationships == 0 {
			t.Errorf("counts after import %+v, before %+v", cb, ca)
		}
		if ga, gb := groupFigures(t, src, a.ID), groupFigures(t, dst, b.ID); !reflect.DeepEqual(ga, gb) {
			t.Errorf("groups after import\n%v\nbefore\n%v", gb, ga)
		}
		da, err := src.RollupDays(ctx, a.ID, "total")
		if err != nil {
			t.Fatal(err)
		}
		db, err := dst.RollupDays(ctx, b.ID, "total")
		if err != nil {
			t.Fatal(err)
		}
		if len(da) == 0 || !reflect.DeepEqual(da, db) {
			t.Errorf("the dashboard's series differ: %d days after import, %d before", len(db), len(da))
		}
	})
}

// groupFigures are each group's figures and commitments by status, by slug.
func groupFigures(t *testing.T, st *store.Store, campaignID int64) map[string]string {
	t.Helper()
	ctx := context.Background()
	groups, err := st.Groups(ctx, campaignID)
	if err != nil {
		t.Fatal(err)
	}
	slugs := map[int64]string{}
	out := map[string]string{}
	for _, g := range groups {
		slugs[g.ID] = g.Slug
		out[g.Slug] = fmt.Sprintf("actions %d people %d commitments %d;", g.Actions, g.People, g.Commitments)
	}
	byStatus := map[string]map[string]int{}
	err = st.EachCommitment(ctx, campaignID, func(c mobilise.Commitment) error {
		s := slugs[c.GroupID]
		if byStatus[s] == nil {
			byStatus[s] = map[string]int{}
		}
		byStatus[s][c.Status]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for s, m := range byStatus {
		for _, status := range gs.CommitmentStatuses {
			out[s] += fmt.Sprintf(" %s %d", status, m[status])
		}
	}
	return out
}

// rewrite rebuilds an archive with change applied to its files; with
// manifest true the manifest's hashes and counts are made to match, as a
// careful tamperer would.
func rewrite(t *testing.T, data []byte, manifest bool, change func(files map[string][]byte)) []byte {
	t.Helper()
	files := archiveFiles(t, data)
	change(files)
	if manifest {
		var m store.Manifest
		if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
			t.Fatal(err)
		}
		for i, f := range m.Files {
			sum := sha256.Sum256(files[f.Name])
			m.Files[i].SHA256 = hex.EncodeToString(sum[:])
			recs, err := csv.NewReader(bytes.NewReader(files[f.Name])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			m.Files[i].Rows = int64(len(recs) - 1)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		files["manifest.json"] = b
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range store.ArchiveFiles() {
		b, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func testArchiveRefused(t *testing.T, data []byte) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		before := tableCounts(t, dst)
		for _, tc := range []struct {
			name     string
			archive  []byte
			opt      store.ArchiveImportOptions
			want     string   // in the error
			wantRows []string // bad rows reported, as "file:line: reason" prefixes
		}{
			{name: "a row changed", archive: rewrite(t, data, false, func(f map[string][]byte) {
				f["people.csv"] = bytes.Replace(f["people.csv"], []byte("@"), []byte("@@"), 1)
			}), want: "people.csv does not match its SHA-256 in manifest.json"},
			{name: "a file missing", archive: rewrite(t, data, false, func(f map[string][]byte) { delete(f, "stories.csv") }),
				want: "stories.csv is missing from the archive"},
			{name: "no manifest", archive: rewrite(t, data, false, func(f map[string][]byte) { delete(f, "manifest.json") }),
				want: "has no manifest.json"},
			{name: "not a zip", archive: []byte("email,name\n"), want: "not a campaign archive"},
			{name: "a newer format", archive: rewrite(t, data, false, func(f map[string][]byte) {
				f["manifest.json"] = bytes.Replace(f["manifest.json"], []byte(`"format_version": 1`), []byte(`"format_version": 2`), 1)
			}), want: "format version 2; this Groundswell reads version 1"},
			{name: "bad rows, hashes made to match", archive: rewrite(t, data, true, func(f map[string][]byte) {
				recs, err := csv.NewReader(bytes.NewReader(f["groups.csv"])).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				recs[1][4] = "lots" // the first group's target
				var b bytes.Buffer
				csv.NewWriter(&b).WriteAll(recs)
				f["groups.csv"] = b.Bytes()
				f["envelope.csv"] = append(f["envelope.csv"], []byte("2026-13-01,spent,GBP,-5,,\n")...)
			}), want: "bad rows", wantRows: []string{
				`groups.csv:2: target: "lots" is not a whole number`,
				`envelope.csv:59: on: "2026-13-01" is not a date in the form YYYY-MM-DD; amount: Amount must be a number more than 0, like 25000`,
			}},
			// One bad campaign row is one bad row: the records of the
			// people after it are still checked, not all refused too.
			{name: "a bad campaign row", archive: rewrite(t, data, true, func(f map[string][]byte) {
				recs, err := csv.NewReader(bytes.NewReader(f["campaign.csv"])).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				recs[1][slices.Index(recs[0], "status")] = "lively"
				var b bytes.Buffer
				csv.NewWriter(&b).WriteAll(recs)
				f["campaign.csv"] = b.Bytes()
			}), want: "bad rows", wantRows: []string{`campaign.csv:2: status: `}},
			{name: "a row over 1 MiB", archive: rewrite(t, data, true, func(f map[string][]byte) {
				f["people.csv"] = append(f["people.csv"], []byte("zoe@example.org,"+strings.Repeat("Z", 1<<20)+",,,,,,,,,,,\n")...)
			}), want: "people.csv cannot be read: line "},
			{name: "a zip bomb", archive: zipBomb(t, data), want: "unpacks to more than the 2 GiB"},
			{name: "the address is taken", archive: data, opt: store.ArchiveImportOptions{Slug: "taken"}, want: `"taken" exists here already`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.opt.Slug == "taken" {
					c := gs.Campaign{Slug: "taken", Title: "Taken", Purpose: "To be there.", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignDraft}
					if err := dst.CreateCampaign(ctx, &c); err != nil {
						t.Fatal(err)
					}
					before = tableCounts(t, dst)
				}
				var rows []string
				tc.opt.Reject = func(file string, line int, reason string) {
					rows = append(rows, fmt.Sprintf("%s:%d: %s", file, line, reason))
				}
				_, err := dst.ImportCampaign(ctx, bytes.NewReader(tc.archive), int64(len(tc.archive)), tc.opt)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want one saying %q", err, tc.want)
				}
				if tc.wantRows != nil && !errors.Is(err, store.ErrBadRows) {
					t.Errorf("err = %v, want ErrBadRows", err)
				}
				for _, w := range tc.wantRows {
					if !slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, w) }) {
						t.Errorf("bad rows %q\nhave none starting %q", rows, w)
					}
				}
				if len(rows) > len(tc.wantRows) {
					t.Errorf("bad rows %q, want only %d", rows, len(tc.wantRows))
				}
				if after := tableCounts(t, dst); !reflect.DeepEqual(after, before) {
					t.Errorf("something was written: %v, before %v", after, before)
				}
			})
		}
	})
}

// tableCounts counts what an import would add to.
func tableCounts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	ctx := context.Background()
	out := map[string]int{}
	cs, err := st.Campaigns(ctx, store.CampaignFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out["campaigns"] = len(cs)
	orgs, err := st.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out["organisations"] = len(orgs)
	areas, err := st.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out["areas"] = len(areas)
	// Every person, not only those of a campaign: an import that stored
	// people and no pledge of theirs would not show in a campaign's.
	var people int
	if err := st.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&people); err != nil {
		t.Fatal(err)
	}
	out["people"] = people
	return out
}

// zipBomb is the archive with people.csv claiming to unpack to 3 GiB: it
// is refused from its headers, before anything is unpacked.
func zipBomb(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		h := f.FileHeader
		if f.Name == "people.csv" {
			h.UncompressedSize64 = 3 << 30
		}
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestArchiveWithErasedPeople: a campaign some of whose people were erased
// exports and imports whole. Their rows carry only the placeholder email,
// no name and an impossible referral code; their pledges and invitations
// point at them. The import stores them erased again, and the campaign's
// figures and every file but the erased rows' new codes come back the same.
func TestArchiveWithErasedPeople(t *testing.T) {
	ctx := context.Background()
	src := openDemo(t)
	// An inviter and someone invited: erasing them leaves rows that
	// pledges and invitations point at from both ends.
	var b bytes.Buffer
	if _, err := src.ExportCampaign(ctx, demo.CampaignSlug, &b, nil); err != nil {
		t.Fatal(err)
	}
	rels, err := csv.NewReader(bytes.NewReader(archiveFiles(t, b.Bytes())["relationships.csv"])).ReadAll()
	if err != nil || len(rels) < 3 {
		t.Fatalf("the demo's invitations: %v, %v", rels, err)
	}
	erased := []string{rels[1][0], rels[2][1]}
	for _, email := range erased {
		if _, err := src.Erase(ctx, gs.EraseInput{Email: email, RequestedBy: gs.ErasedByRetention}); err != nil {
			t.Fatalf("erase %s: %v", email, err)
		}
	}
	b.Reset()
	if _, err := src.ExportCampaign(ctx, demo.CampaignSlug, &b, nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	files := archiveFiles(t, data)
	if n := bytes.Count(files["people.csv"], []byte("@"+gs.ErasedDomain)); n != len(erased) {
		t.Fatalf("people.csv has %d erased rows, want %d", n, len(erased))
	}

	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		rep, err := dst.ImportCampaign(ctx, bytes.NewReader(data), int64(len(data)), store.ArchiveImportOptions{
			Reject: func(file string, line int, reason string) { t.Errorf("%s:%d: %s", file, line, reason) },
		})
		if err != nil {
			t.Fatal(err)
		}
		a, err := src.CampaignBySlug(ctx, demo.CampaignSlug)
		must(t, err)
		ca, err := src.CampaignCounts(ctx, a.ID)
		must(t, err)
		cb, err := dst.CampaignCounts(ctx, rep.CampaignID)
		must(t, err)
		if ca != cb {
			t.Errorf("counts after import %+v, before %+v", cb, ca)
		}
		if ga, gb := groupFigures(t, src, a.ID), groupFigures(t, dst, rep.CampaignID); !reflect.DeepEqual(ga, gb) {
			t.Errorf("groups after import\n%v\nbefore\n%v", gb, ga)
		}

		var again bytes.Buffer
		if _, err := dst.ExportCampaign(ctx, demo.CampaignSlug, &again, nil); err != nil {
			t.Fatal(err)
		}
		// An erased row gets a new impossible code on import: random, as
		// the erasure's was.
		mask := func(files map[string][][]string) {
			recs := files["people.csv"]
			code := slices.Index(recs[0], "referral_code")
			for _, rec := range recs[1:] {
				if gs.IsErased(rec[0]) {
					if !strings.HasPrefix(rec[code], "erased-") || rec[1] != "" {
						t.Errorf("an erased row reads %q", rec)
					}
					rec[code] = "erased-…"
				}
			}
		}
		want, got := comparable(t, files), comparable(t, archiveFiles(t, again.Bytes()))
		mask(want)
		mask(got)
		for _, name := range store.ArchiveFiles() {
			if name != "manifest.json" && !reflect.DeepEqual(got[name], want[name]) {
				t.Errorf("%s differs after the round trip:\n%q\nwant\n%q", name, got[name], want[name])
			}
		}
		// Stored erased: nothing is held under the placeholder, no invite
		// link finds the row, and the erasure cannot be repeated on it.
		for _, rec := range got["people.csv"][1:] {
			if !gs.IsErased(rec[0]) {
				continue
			}
			if _, err := dst.Erase(ctx, gs.EraseInput{Email: rec[0], RequestedBy: gs.ErasedByRetention}); gs.ErrorCode(err) != gs.ENOTFOUND {
				t.Errorf("erasing an imported erased row again: %v, want nothing held", err)
			}
		}
	})
}

// TestPeopleFileWithErasedPeople: the people file of a campaign with erased
// people imports into another installation, the erased rows stored erased.
func TestPeopleFileWithErasedPeople(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t)
	f := storetest.Seed(t, src)
	pledgeConfirmed(t, src, f, "ivy@example.org", "Ivy Inviter", "")
	pledgeConfirmed(t, src, f, "erin@example.org", "Erin Erased", "")
	if _, err := src.Erase(ctx, gs.EraseInput{Email: "erin@example.org", RequestedBy: gs.ErasedByRetention}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := csvio.NewPeopleWriter(&b, csvio.Options{})
	must(t, err)
	must(t, src.ExportPeople(ctx, f.Campaign.ID, w.Write))
	must(t, w.Flush())

	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		storetest.Seed(t, dst)
		rep, refused := importPeople(t, dst, b.String())
		if len(refused) != 0 || rep.Inserted != 2 {
			t.Fatalf("import: %+v, refused %q; want both people added", rep, refused)
		}
		var erasedRows, named int
		must(t, dst.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE erased_at IS NOT NULL AND name = ''
			AND referral_code LIKE 'erased-%' AND show_on_wall = `+boolSQL(dst, false)+` AND contact_ok = `+boolSQL(dst, false)).Scan(&erasedRows))
		must(t, dst.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE erased_at IS NULL AND name = 'Ivy Inviter'`).Scan(&named))
		if erasedRows != 1 || named != 1 {
			t.Errorf("stored %d erased rows and %d named, want 1 of each", erasedRows, named)
		}
	})
}

// boolSQL is a boolean literal of the store's database.
func boolSQL(st *store.Store, v bool) string {
	switch {
	case st.Dialect() == "postgres" && v:
		return "TRUE"
	case st.Dialect() == "postgres":
		return "FALSE"
	case v:
		return "1"
	}
	return "0"
}
