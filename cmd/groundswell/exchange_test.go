package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
)

// An import's progress counts the rows of a file saved with a byte-order
// mark and quoted cells, as some spreadsheets save them, as the import
// reads it.
func TestImportCountRowsBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.csv")
	in := "\ufeff\"email\",\"name\"\n\"ann@example.org\",\"Ann\"\n\"bo@example.org\",\"Bo\"\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := countRows(path); n != 2 {
		t.Errorf("countRows = %d, want 2", n)
	}
}

// A people import says how many people already here it narrowed the
// consent of, rather than call them kept as they were.
func TestImportPeopleNarrowedCLI(t *testing.T) {
	db := newDB(t, demo.Generate())
	t.Chdir(t.TempDir())
	out, _, err := cli("export", "people", "--campaign", demo.CampaignSlug, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	var someone string
	for _, l := range lines[1:] {
		if strings.Contains(l, ",true,true,") { // on the wall, agreed to contact
			someone = strings.SplitN(l, ",", 2)[0]
			break
		}
	}
	if someone == "" {
		t.Fatal("no one in the demo agreed to contact")
	}
	in := "email,name,contact_ok\n" + someone + ",Someone,false\n"
	if err := os.WriteFile("optout.csv", []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := cli("import", "people", "optout.csv", "--db", db)
	if err != nil || !strings.Contains(stdout, "0 new, 0 already here (kept as they were), 1 already here whose consent the file narrowed") {
		t.Errorf("err %v, stdout %q, stderr %q", err, stdout, stderr)
	}
}
