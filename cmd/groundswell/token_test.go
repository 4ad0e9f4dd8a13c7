package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestTokenAdd(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "tokens.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	f := storetest.Seed(t, st)
	st.Close()
	if err := run(ctx, []string{"user", "add", "--organiser", "--email", "olu@example.org", "--name", "Olu", "--db", db}, env(),
		strings.NewReader("a long enough passphrase\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	args := []string{"token", "add", "--campaign", f.Campaign.Slug, "--email", "Olu@example.org", "--name", "Load test", "--scope", "write", "--db", db}
	if err := run(ctx, args, env(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	secret := strings.TrimSpace(out.String())
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok, u, err := st.APITokenBySecret(ctx, secret)
	if err != nil || tok.Scope != gs.ScopeWrite || tok.CampaignID != f.Campaign.ID || u.Email != "olu@example.org" || tok.Name != "Load test" {
		t.Errorf("the printed secret gives %+v %+v %v", tok, u, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "add", "--campaign", "nope", "--email", "olu@example.org", "--name", "X"}, `no campaign "nope"`},
		{[]string{"token", "add", "--campaign", f.Campaign.Slug, "--email", "someone@example.org", "--name", "X"}, "is not an organiser"},
		{[]string{"token", "add", "--campaign", f.Campaign.Slug, "--email", "olu@example.org", "--name", "X", "--scope", "admin"}, "what the token may do"},
		{[]string{"token", "add", "--campaign", f.Campaign.Slug, "--email", "olu@example.org"}, "Enter"},
		{[]string{"token"}, "usage: groundswell token add"},
	} {
		err := run(ctx, append(tc.args, "--db", db), env(), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}
