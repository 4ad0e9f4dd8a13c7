package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
)

// The archive and exchange tests each need a store holding the demo data.
// Loading it is the costliest step of those tests (tens of seconds under
// the race detector), so it is loaded once, into a SQLite file that each
// test copies: the same data, and each test free to change its own copy.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the demo template when the tests end.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
	os.Exit(code)
}

// openDemo returns a store of its own holding the demo data set.
func openDemo(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	demoTemplate.once.Do(func() {
		demoTemplate.dir, demoTemplate.err = os.MkdirTemp("", "groundswell-demo-template-")
		if demoTemplate.err != nil {
			return
		}
		st, err := store.Open(ctx, filepath.Join(demoTemplate.dir, "demo.db"))
		if err != nil {
			demoTemplate.err = err
			return
		}
		demoTemplate.err = st.LoadDataset(ctx, demo.Generate())
		if err := st.Close(); demoTemplate.err == nil {
			demoTemplate.err = err // closing checkpoints the log into the file
		}
	})
	if demoTemplate.err != nil {
		t.Fatalf("load the demo template: %v", demoTemplate.err)
	}
	b, err := os.ReadFile(filepath.Join(demoTemplate.dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
