package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

// deadlineRecorder is a response that records the write deadlines set on it.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadlines = append(d.deadlines, t)
	return nil
}

// A download rolls its write deadline forward as it streams, a bounded
// window at a time, and not at every write.
func TestExportWriteDeadline(t *testing.T) {
	rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
	tw := newTrackingWriter(rec)
	start := time.Now()
	for range 100 {
		if _, err := tw.Write([]byte("a,b\n")); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.deadlines) != 1 {
		t.Fatalf("deadlines %v, want one for 100 writes at once", rec.deadlines)
	}
	if d := rec.deadlines[0]; d.Before(start.Add(exportWriteWindow)) || d.After(time.Now().Add(exportWriteWindow)) {
		t.Errorf("deadline %v, want a window of %v from the write", d, exportWriteWindow)
	}
	tw.extended = tw.extended.Add(-exportDeadlineEvery) // as if a while ago
	if _, err := tw.Write([]byte("c,d\n")); err != nil {
		t.Fatal(err)
	}
	if len(rec.deadlines) != 2 || !rec.deadlines[1].After(rec.deadlines[0]) {
		t.Errorf("deadlines %v, want one rolled forward", rec.deadlines)
	}
	if rec.Body.Len() != 101*4 || !tw.wrote {
		t.Errorf("wrote %d bytes", rec.Body.Len())
	}
}
