package groundswell_test

import (
	"encoding/json"
	"fmt"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// An entry's changes are what a reader needs: every field of something
// created or deleted, only the fields that differ of something updated, in
// the object's order, written as text.
func TestAuditChanges(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after string
		want          string
	}{
		{"update", `{"title":"A","target":10,"retired":false,"ids":[1,2]}`, `{"title":"A","target":12,"retired":true,"ids":[1,2]}`,
			`[{target 10 12} {retired no yes}]`},
		{"create, empty fields left out", ``, `{"title":"Launch","note":"","due":null,"ids":[3,1]}`, `[{title  Launch} {ids  3, 1}]`},
		{"delete", `{"title":"Launch","amount":5000.5}`, ``, `[{title Launch } {amount 5000.5 }]`},
		{"a field that went", `{"a":"x","b":"y"}`, `{"a":"x"}`, `[{b y }]`},
		{"no change", `{"a":"x"}`, `{"a": "x"}`, `[]`},
		{"not an object", `[1]`, `{"a":1}`, `[{value [1] {"a":1}}]`},
	} {
		e := gs.AuditEntry{}
		if tc.before != "" {
			e.Before = json.RawMessage(tc.before)
		}
		if tc.after != "" {
			e.After = json.RawMessage(tc.after)
		}
		got := e.Changes()
		if got == nil {
			got = []gs.FieldChange{}
		}
		if s := fmt.Sprint(got); s != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, s, tc.want)
		}
	}
}

// What a user may do decides the role their changes are recorded in.
func TestActorFor(t *testing.T) {
	u := gs.User{ID: 3, Name: "Lee", Email: "lee@example.org", Role: gs.RoleMember}
	for _, tc := range []struct {
		a    *gs.Access
		want string
	}{
		{&gs.Access{User: gs.User{ID: 1, Role: gs.RoleOrganiser}, Leads: map[int64]bool{4: true}}, "organiser"},
		{&gs.Access{User: u, Leads: map[int64]bool{4: true}}, "group lead"},
		{&gs.Access{User: u, Represents: map[int64]bool{5: true}}, "organisation representative"},
		{&gs.Access{User: u, Leads: map[int64]bool{4: true}, Represents: map[int64]bool{5: true}}, "group lead, organisation representative"},
		{&gs.Access{User: u}, "member"},
		{nil, "system"},
	} {
		if got := gs.ActorFor(tc.a, "web"); got.Role != tc.want {
			t.Errorf("%+v: role %q, want %q", tc.a, got.Role, tc.want)
		}
	}
	if a := gs.ActorFor(&gs.Access{User: u, Leads: map[int64]bool{4: true}}, gs.ViaToken(9)); a.UserID != 3 || a.Email != u.Email || a.Via != "api token 9" || a.IsSystem() {
		t.Errorf("actor %+v", a)
	}
}
