package main

import (
	"os"
	"testing"
)

// TestMain turns the public forms' minimum fill time off for the servers
// the tests start as programs of their own (they inherit this environment):
// the tests send forms back at once, as no person could. A test that checks
// the fill time passes --min-fill-time, which wins. (Tests that call run
// get the same from env.)
func TestMain(m *testing.M) {
	os.Setenv("GROUNDSWELL_MIN_FILL_TIME", "0s")
	os.Exit(m.Run())
}
