package web

import "time"

// SetFormClock replaces the clock the public forms' fill time is read by,
// so a test can let time pass without waiting.
func (s *Server) SetFormClock(now func() time.Time) { s.guard.now = now }
