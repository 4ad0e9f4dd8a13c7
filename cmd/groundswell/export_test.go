package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
)

// cli runs the program with args, returning what it wrote.
func cli(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, env(), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// newDB makes a SQLite database, loaded with ds if it is not nil.
func newDB(t *testing.T, ds *gs.Dataset) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "groundswell.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ds != nil {
		if err := st.LoadDataset(context.Background(), ds); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestExportImportCampaignCLI(t *testing.T) {
	src, dst := newDB(t, demo.Generate()), newDB(t, nil)
	dir := t.TempDir()
	archive := filepath.Join(dir, "campaign.zip")
	_, stderr, err := cli("export", "campaign", demo.CampaignSlug, "--out", archive, "--db", src)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	// Not a terminal: a plain line per file.
	if !strings.Contains(stderr, "people.csv: exported ") || strings.Contains(stderr, "\r") {
		t.Errorf("stderr = %q, want plain progress lines", stderr)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(leftovers) != 0 {
		t.Errorf("left behind %v", leftovers)
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(store.ArchiveFiles()) {
		t.Errorf("archive holds %d files, want %d", len(zr.File), len(store.ArchiveFiles()))
	}
	zr.Close()

	stdout, stderr, err := cli("import", "campaign", archive, "--db", dst)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Imported campaign "+demo.CampaignSlug) || !strings.Contains(stdout, "already here (kept as they were)") {
		t.Errorf("stdout = %q", stdout)
	}
	// Twice: the address is taken, and nothing changes.
	_, _, err = cli("import", "campaign", archive, "--db", dst)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "exists here already: import this one under another (--slug NEW)") {
		t.Errorf("second import: err = %v (exit %d)", err, exitCode(err))
	}

	// A changed archive is refused, saying how.
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	zr2, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var tampered bytes.Buffer
	zw := zip.NewWriter(&tampered)
	for _, f := range zr2.File {
		if f.Name == "envelope.csv" {
			continue
		}
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		b := new(bytes.Buffer)
		b.ReadFrom(rc)
		rc.Close()
		w.Write(bytes.ReplaceAll(b.Bytes(), []byte("Carers"), []byte("carers")))
	}
	zw.Close()
	bad := filepath.Join(dir, "bad.zip")
	if err := os.WriteFile(bad, tampered.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = cli("import", "campaign", bad, "--db", newDB(t, nil), "--slug", "another")
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "envelope.csv is missing from the archive") ||
		!strings.Contains(err.Error(), "does not match its SHA-256") {
		t.Errorf("tampered: err = %v (exit %d)", err, exitCode(err))
	}
}

func TestExportImportFilesCLI(t *testing.T) {
	ds := demo.Generate()
	src := newDB(t, ds)
	// The same campaigns and actions, without the people and their pledges.
	bare := *ds
	bare.Organisations, bare.Alliance, bare.People, bare.Commitments, bare.Relationships, bare.Observations = nil, nil, nil, nil, nil, nil
	dst := newDB(t, &bare)
	dir := t.TempDir()
	t.Chdir(dir) // messages name the files as given

	// To standard output, with a byte-order mark for Excel.
	stdout, stderr, err := cli("export", "people", "--campaign", demo.CampaignSlug, "--bom", "--db", src)
	if err != nil {
		t.Fatalf("export people: %v\n%s", err, stderr)
	}
	if !strings.HasPrefix(stdout, "\ufeffemail,name,profession,") || !strings.Contains(stderr, "Exported people of "+demo.CampaignSlug) {
		t.Errorf("stdout starts %q; stderr %q", stdout[:min(40, len(stdout))], stderr)
	}
	for _, kind := range []string{"organisations", "people", "commitments"} {
		if _, stderr, err := cli("export", kind, "--campaign", demo.CampaignSlug, "--out", kind+".csv", "--db", src); err != nil {
			t.Fatalf("export %s: %v\n%s", kind, err, stderr)
		}
	}

	// Pledges before their people: every row refused, nothing stored.
	_, stderr, err = cli("import", "commitments", "commitments.csv", "--campaign", demo.CampaignSlug, "--db", dst)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "nothing was stored") ||
		!strings.Contains(stderr, "commitments.csv:2: email: no person has the email ") {
		t.Fatalf("commitments first: err = %v\n%s", err, stderr[:min(500, len(stderr))])
	}
	for _, kind := range []string{"organisations", "people", "commitments"} {
		args := []string{"import", kind, kind + ".csv", "--db", dst}
		if kind == "commitments" {
			args = append(args, "--campaign", demo.CampaignSlug)
		}
		stdout, stderr, err := cli(args...)
		if err != nil {
			t.Fatalf("import %s: %v\n%s", kind, err, stderr)
		}
		if !strings.Contains(stdout, "Imported ") || strings.Contains(stdout, "Imported 0 ") || !strings.Contains(stderr, kind+".csv: imported ") {
			t.Errorf("import %s: stdout %q, stderr %q", kind, stdout, stderr)
		}
	}
	// Exported again, the files are the same.
	for _, kind := range []string{"people", "commitments"} {
		again, _, err := cli("export", kind, "--campaign", demo.CampaignSlug, "--db", dst)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(kind + ".csv")
		if again != string(want) {
			t.Errorf("%s differ after export, import and export", kind)
		}
	}

	// Bad rows: all or nothing, or the good ones with the bad kept aside.
	in := "email,name,area_code,colour\nnew@example.org,New Person,,red\nbad,,,\nelse@example.org,Else,X99,\n"
	if err := os.WriteFile("new.csv", []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = cli("import", "people", "new.csv", "--db", dst)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "2 bad rows, listed above; nothing was stored") {
		t.Errorf("bad rows: err = %v", err)
	}
	for _, want := range []string{
		"new.csv: ignoring column(s) colour, which the format does not have",
		"new.csv:3: email: Enter an email address in the correct format, like name@example.com; name: Enter name",
		"new.csv:4: area_code: no area has the code X99: add it under Areas first",
	} {
		if !strings.Contains(stderr, want+"\n") {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	stdout, _, err = cli("import", "people", "new.csv", "--db", dst, "--keep-good", "--rejects", "rejects.csv")
	if err != nil || !strings.Contains(stdout, "Imported 1 person from new.csv") || !strings.Contains(stdout, "Skipped 2 bad rows") {
		t.Fatalf("keep-good: err %v, stdout %q", err, stdout)
	}
	rejects, _ := os.ReadFile("rejects.csv")
	want := "email,name,area_code,colour,line,reason\n" +
		"bad,,,,3,\"email: Enter an email address in the correct format, like name@example.com; name: Enter name\"\n" +
		"else@example.org,Else,X99,,4,area_code: no area has the code X99: add it under Areas first\n"
	if string(rejects) != want {
		t.Errorf("rejects =\n%s\nwant\n%s", rejects, want)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "people", "--db", src}, "export people needs --campaign SLUG"},
		{[]string{"export", "people", "--campaign", "nope", "--db", src}, `there is no campaign "nope"`},
		{[]string{"export", "campaign", demo.CampaignSlug, "--db", src}, "--out FILE.zip"},
		{[]string{"export", "things", "--db", src}, `nothing to export called "things"`},
		{[]string{"import", "commitments", "commitments.csv", "--db", dst}, "needs --campaign SLUG"},
		{[]string{"import", "people", "people.csv", "--campaign", "x", "--db", dst}, "takes no --campaign"},
		{[]string{"import", "campaign", "people.csv", "--db", dst}, "not a campaign archive"},
	} {
		if _, _, err := cli(tc.args...); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v (exit %d), want exit 2 naming %q", tc.args, err, exitCode(err), tc.want)
		}
	}
}
