package store

import "testing"

// SetRestoreStep has Restore call f at the points where a server started
// too early could slip in (restoreStep), until the test ends.
func SetRestoreStep(t testing.TB, f func(step string)) {
	restoreStep = f
	t.Cleanup(func() { restoreStep = func(string) {} })
}
