package mobilise

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDraw(t *testing.T) {
	g := mustAnalyse(t, inv("1>2 1>3 3>4 10>11"), nil)
	for _, c := range []struct {
		max     int
		ids     []int64
		parents []int
		cut     bool
		note    string
	}{
		{100, []int64{1, 2, 3, 4, 10, 11}, []int{-1, 0, 0, 2, -1, 4}, false, "showing all 6 people, in 2 invitation trees"},
		{6, []int64{1, 2, 3, 4, 10, 11}, []int{-1, 0, 0, 2, -1, 4}, false, "showing all 6 people, in 2 invitation trees"},
		// The second tree would fit in 5, but stopping keeps "the largest" true.
		{5, []int64{1, 2, 3, 4}, []int{-1, 0, 0, 2}, false, "showing 4 of 6 people: the largest of 2 invitation trees"},
		{3, []int64{1, 2, 3}, []int{-1, 0, 0}, true, "showing 3 of 6 people: those nearest the root of the largest invitation tree (4 people)"},
		{0, nil, nil, false, "showing none of 6 people"},
	} {
		d := g.Draw(c.max)
		var ids []int64
		var parents []int
		for _, n := range d.Nodes {
			ids = append(ids, n.PersonID)
			parents = append(parents, n.Parent)
		}
		if !reflect.DeepEqual(ids, c.ids) || !reflect.DeepEqual(parents, c.parents) || d.Cut != c.cut || d.Note != c.note {
			t.Errorf("draw %d: ids %v parents %v cut %v %q\nwant ids %v parents %v cut %v %q", c.max, ids, parents, d.Cut, d.Note, c.ids, c.parents, c.cut, c.note)
		}
	}
	if d := mustAnalyse(t, nil, nil).Draw(10); d.Note != "no invitations to show" || len(d.Nodes) != 0 {
		t.Errorf("empty: %+v", d)
	}
}

func TestDrawNote(t *testing.T) {
	edges := inv("1>2 3>4 5>6")
	g := mustAnalyse(t, edges, nil)
	if d := g.Draw(4); d.Note != "showing 4 of 6 people: the 2 largest of 3 invitation trees" || d.Trees != 2 || d.TreesTotal != 3 {
		t.Errorf("note %q, trees %d of %d", d.Note, d.Trees, d.TreesTotal)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 200000: "200,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestLayout(t *testing.T) {
	for _, c := range []struct {
		name   string
		parent []int
		want   []XY
	}{
		{"empty", nil, []XY{}},
		// 0 has children 1 and 2; 2 has child 3. Leaves 1 and 3 take the two
		// columns; 2 sits over its only child, 0 between its first and last.
		{"a tree", []int{-1, 0, 0, 2}, []XY{{0.5, 0}, {0.25, 0.5}, {0.75, 0.5}, {0.75, 1}}},
		{"two roots alone", []int{-1, -1}, []XY{{0.25, 0}, {0.75, 0}}},
		{"trees side by side", []int{-1, 0, -1, 2, 2}, []XY{{1.0 / 6, 0}, {1.0 / 6, 1}, {2.0 / 3, 0}, {0.5, 1}, {5.0 / 6, 1}}},
	} {
		got, err := Layout(c.parent)
		if err != nil || !closeXY(got, c.want) {
			t.Errorf("%s: %v %v, want %v", c.name, got, err, c.want)
		}
	}
	for _, bad := range [][]int{{0}, {-1, 2, 1}, {-2}} {
		if _, err := Layout(bad); err == nil || !strings.Contains(err.Error(), "must come before") {
			t.Errorf("layout %v: %v", bad, err)
		}
	}
}

func closeXY(a, b []XY) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i].X-b[i].X) > 1e-12 || math.Abs(a[i].Y-b[i].Y) > 1e-12 {
			return false
		}
	}
	return true
}
