package groundswell_test

import (
	"testing"

	gs "github.com/groundswell-health/groundswell"
)

// consentDigests pins the words of every version of the consent wording.
// People's records say which version they agreed to, so a version's words
// must never change: to change the wording, add a version (and its digest
// here) and raise gs.ConsentVersion.
var consentDigests = map[int]string{
	1: "8dcfd59f1547f045",
}

func TestConsentWordingIsVersioned(t *testing.T) {
	if got := gs.CurrentConsent().Version; got != gs.ConsentVersion {
		t.Fatalf("the current wording is version %d, but ConsentVersion is %d", got, gs.ConsentVersion)
	}
	for v := 1; v <= gs.ConsentVersion; v++ {
		w, ok := gs.ConsentWordingOf(v)
		if !ok || w.Version != v {
			t.Fatalf("version %d: %+v, %v", v, w, ok)
		}
		if want, pinned := consentDigests[v]; !pinned || w.Digest() != want {
			t.Errorf("the words of consent version %d changed (digest %s, pinned %q): "+
				"people agreed to the old words; add a new version instead, raise ConsentVersion, and pin its digest here", v, w.Digest(), want)
		}
	}
	if _, ok := gs.ConsentWordingOf(0); ok {
		t.Error("version 0 (no wording kept) has words")
	}
	if _, ok := gs.ConsentWordingOf(gs.ConsentVersion + 1); ok {
		t.Error("a version after the current one has words")
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]int{"730d": 730, "365": 365, " off ": 0} {
		if got, err := gs.ParseRetention(in); err != nil || got != want {
			t.Errorf("ParseRetention(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0d", "-3d", "two years", "2y"} {
		if _, err := gs.ParseRetention(in); gs.ErrorCode(err) != gs.EINVALID || gs.ErrorMessage(err) == "" {
			t.Errorf("ParseRetention(%q): %v, want a message asking for days", in, err)
		}
	}
}

func TestErasedAddresses(t *testing.T) {
	if !gs.IsErased("erased-abc@"+gs.ErasedDomain) || gs.IsErased("ann@example.org") || gs.IsErased("ann@"+gs.ErasedDomain+".example.org") {
		t.Error("IsErased tells erased placeholders from addresses wrongly")
	}
}
