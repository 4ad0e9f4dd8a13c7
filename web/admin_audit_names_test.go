package web

import (
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// Every kind of object and every verb has a name for the pages: a new one
// would otherwise show as its code.
func TestAuditNamesCoverTheDomain(t *testing.T) {
	for _, o := range gs.AuditObjects {
		if auditObjectNames[o] == "" {
			t.Errorf("object %q has no name", o)
		}
	}
	for _, v := range gs.AuditVerbs {
		if auditVerbNames[v] == "" {
			t.Errorf("verb %q has no name", v)
		}
	}
}
