package groundswell_test

import (
	"slices"
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

func TestWebhookValidate(t *testing.T) {
	events := []string{gs.EventCommitmentCreated}
	for url, want := range map[string]string{
		"https://crm.example.org/hooks?team=7":    "",
		" https://crm.example.org:8443/hooks ":    "",
		"http://localhost:9000/hooks":             "",
		"http://127.0.0.1:9000/hooks":             "",
		"http://[::1]:9000/hooks":                 "",
		"":                                        "Enter the web address of the endpoint",
		"http://crm.example.org/hooks":            "Web address must start with https://",
		"http://10.0.0.7/hooks":                   "Web address must start with https://",
		"crm.example.org/hooks":                   "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell",
		"ftp://crm.example.org/":                  "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell",
		"https://crm example.org/":                "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell",
		"https://user:secret@crm.example.org/":    "Web address must not contain a user name or password",
		"https://crm.example.org/hooks#part":      "Web address must not contain a # part",
		"https://crm.example.org:99999/hooks":     "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell",
		"https://crm.example.org/\nX-Injected: 1": "Enter a web address in the correct format, like https://crm.example.org/hooks/groundswell",
	} {
		w := gs.Webhook{URL: url, Events: events}
		if got := gs.ErrorFields(w.Validate())["url"]; got != want {
			t.Errorf("%q: %q, want %q", url, got, want)
		}
	}

	w := gs.Webhook{URL: "https://crm.example.org/", Events: []string{gs.EventOrganisationJoined, gs.EventCommitmentCreated, gs.EventOrganisationJoined}}
	if err := w.Validate(); err != nil || !slices.Equal(w.Events, []string{gs.EventCommitmentCreated, gs.EventOrganisationJoined}) {
		t.Errorf("events %v, %v: want each once, in the list's order", w.Events, err)
	}
	for _, evs := range [][]string{nil, {"commitment.deleted"}} {
		w := gs.Webhook{URL: "https://crm.example.org/", Events: evs}
		if gs.ErrorFields(w.Validate())["events"] == "" {
			t.Errorf("events %v accepted", evs)
		}
	}
}
