package store_test

import (
	"os"
	"testing"

	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestMain removes the demo template (storetest.OpenDemo) when the tests end.
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.RemoveDemoTemplate()
	os.Exit(code)
}

// openDemo returns a store of its own holding the demo data set.
func openDemo(t *testing.T) *store.Store {
	t.Helper()
	return storetest.OpenDemo(t)
}
