package groundswell

import (
	"time"
	_ "time/tzdata" // Europe/London whatever the host has installed
)

// Zone is the time zone Groundswell counts days, weeks and months in:
// England's (UK time, with its summer time). A pledge at 00:30 on 1 April BST
// belongs to April, though it is still 31 March in UTC. The dashboards and
// the per-day rollups the store keeps share it, so they agree.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("groundswell: the embedded time zone database has no Europe/London: " + err.Error())
	}
	return loc
}()
