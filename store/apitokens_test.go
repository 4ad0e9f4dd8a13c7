package store_test

import (
	"context"
	"strings"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		u := gs.User{Email: "olu@example.org", Name: "Olu", Role: gs.RoleOrganiser, PasswordHash: "x"}
		must(t, st.CreateUser(ctx, &u))

		tok := gs.APIToken{CampaignID: f.Campaign.ID, UserID: u.ID, Name: " CRM sync ", Scope: gs.ScopeRead}
		secret, err := st.CreateAPIToken(ctx, &tok)
		must(t, err)
		if !strings.HasPrefix(secret, gs.APITokenPrefix) || len(secret) < 40 || tok.Name != "CRM sync" {
			t.Errorf("secret %q, name %q", secret, tok.Name)
		}
		got, who, err := st.APITokenBySecret(ctx, secret)
		if err != nil || got.ID != tok.ID || got.Scope != gs.ScopeRead || who.ID != u.ID {
			t.Fatalf("APITokenBySecret = %+v, %+v, %v", got, who, err)
		}
		if list, _ := st.APITokens(ctx, f.Campaign.ID); len(list) != 1 || list[0].LastUsedAt.IsZero() {
			t.Errorf("list %+v: want the token, with its use recorded", list)
		}
		for _, bad := range []string{"", secret + "x", "gsk_nope", strings.TrimPrefix(secret, gs.APITokenPrefix), strings.Repeat("gsk_", 100)} {
			if _, _, err := st.APITokenBySecret(ctx, bad); err != store.ErrBadAPIToken {
				t.Errorf("secret %.20q…: %v, want ErrBadAPIToken", bad, err)
			}
		}
		bad := gs.APIToken{CampaignID: f.Campaign.ID, UserID: u.ID, Name: "", Scope: "admin"}
		if _, err := st.CreateAPIToken(ctx, &bad); gs.ErrorFields(err)["name"] == "" || gs.ErrorFields(err)["scope"] == "" {
			t.Errorf("bad token: %v", err)
		}
		other := gs.Campaign{Title: "Other", Purpose: "x", StartsOn: gs.MustDate("2026-01-01"), Status: gs.CampaignLive}
		must(t, st.CreateCampaign(ctx, &other))
		if err := st.RevokeAPIToken(ctx, other.ID, tok.ID); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("revoked through another campaign: %v", err)
		}
		must(t, st.RevokeAPIToken(ctx, f.Campaign.ID, tok.ID))
		if _, _, err := st.APITokenBySecret(ctx, secret); err != store.ErrBadAPIToken {
			t.Errorf("a revoked token still works: %v", err)
		}
		if list, _ := st.APITokens(ctx, f.Campaign.ID); len(list) != 1 || !list[0].Revoked() {
			t.Errorf("after revoking: %+v", list)
		}
	})
}
