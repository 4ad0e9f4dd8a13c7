package storetest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/groundswell-health/groundswell/demo"
	"github.com/groundswell-health/groundswell/store"
)

// Many tests need a store holding the demo data set. Loading it is the
// costliest step of those tests (tens of seconds under the race detector),
// so a test binary loads it once, into a SQLite file that each test copies:
// the same data, and each test free to change its own copy.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// OpenDemo returns a store of its own, in a SQLite file, holding the demo
// data set; it is closed when the test ends. A package that uses it calls
// RemoveDemoTemplate from its TestMain.
func OpenDemo(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), DemoFile(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// DemoFile returns the path of a SQLite file of the test's own holding the
// demo data set, for a test that opens it itself.
func DemoFile(tb testing.TB) string {
	tb.Helper()
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
		tb.Fatalf("load the demo template: %v", demoTemplate.err)
	}
	b, err := os.ReadFile(filepath.Join(demoTemplate.dir, "demo.db"))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "demo.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// RemoveDemoTemplate removes the file OpenDemo copies; TestMain calls it
// when the package's tests have run.
func RemoveDemoTemplate() {
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
}
