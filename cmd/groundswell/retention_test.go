package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestRetentionCommand: --report says who is past the retention period and
// which campaigns they were in, erasing no one; --apply erases them, with
// the same erasure as a request; bad settings are refused, naming the flag.
func TestRetentionCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "retention.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// A campaign that ended in 2020, and a pledge made while it ran.
	st.Now = func() time.Time { return time.Date(2019, 6, 1, 12, 0, 0, 0, time.UTC) }
	f := storetest.Seed(t, st)
	c := f.Campaign
	c.StartsOn, c.EndsOn = gs.MustDate("2019-01-01"), gs.MustDate("2020-01-31")
	if err := st.UpdateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	res, err := st.Pledge(ctx, f.Pledge("ann@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Confirm(t, st, res.Commitment.ID)
	st.Close()

	var out strings.Builder
	if err := run(ctx, []string{"retention", "--report", "--db", db}, env(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Retention period: 730 days", "Past it: 1 person, with 1 pledge and 0 invitations",
		"Test call to action (" + c.Slug + "), ended 31 January 2020: 1", "Nothing has been erased"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	held := func() bool {
		t.Helper()
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = st.SubjectAccess(ctx, "ann@example.org")
		return err == nil
	}
	if !held() {
		t.Fatal("--report erased someone")
	}

	out.Reset()
	if err := run(ctx, []string{"retention", "--apply", "--db", db}, env(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Erased 1 person.") || held() {
		t.Errorf("--apply: %s; still held: %v", out.String(), held())
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"retention"}, "give --report"},
		{[]string{"retention", "--report", "--apply"}, "give --report"},
		{[]string{"retention", "--report", "--retain-after-campaign", "2y"}, "--retain-after-campaign"},
		{[]string{"retention", "--report", "--retain-after-campaign", "off"}, "is off"},
	} {
		err := run(ctx, append(tc.args, "--db", db), env(), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}

// TestPrivacySettings: serve reads the retention period, the privacy
// contact and the forms' minimum fill time from flags or the environment,
// and refuses a bad one naming it.
func TestPrivacySettings(t *testing.T) {
	c, err := parseConfig("serve", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.privacy; p.RetainDays != 730 || p.MinFillTime != 3*time.Second || p.ConfirmWithin != c.confirmWithin {
		t.Errorf("defaults = %+v", p)
	}
	c, err = parseConfig("serve", []string{"--retain-after-campaign", "off", "--min-fill-time", "0s"},
		env("GROUNDSWELL_PRIVACY_CONTACT", "NHS Example, dpo@example.nhs.uk"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.privacy; p.RetainDays != 0 || p.MinFillTime != 0 || p.Contact != "NHS Example, dpo@example.nhs.uk" {
		t.Errorf("set = %+v", p)
	}
	for _, args := range [][]string{{"--retain-after-campaign", "two years"}, {"--min-fill-time", "5m"}, {"--min-fill-time", "soon"}} {
		if _, err := parseConfig("serve", args, env(), io.Discard); err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("%v: %v, want an error naming the flag", args, err)
		}
	}
}
