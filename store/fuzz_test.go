package store_test

import (
	"context"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// FuzzTokenLookups sends arbitrary strings to every lookup by a secret a
// request carries — API tokens, sessions, emailed links, receipts, referral
// codes — on a store holding one of each real kind. Whatever the string,
// the answer is "not found" (or "not recognised"), never another error:
// a malformed token must not reach the database as anything but a value,
// nor tell an attacker more than an unknown one does.
func FuzzTokenLookups(f *testing.F) {
	for _, s := range []string{"", "gsk_", "gsk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "' OR 1=1 --", "%", "_", "\x00", "0123456789",
		"abcdefghijklmnopqrstuvwxyz", "\u202e", "../../etc/passwd", "ＡＢＣ"} {
		f.Add(s)
	}
	st := storetest.Open(f)
	fx := storetest.Seed(f, st)
	ctx := context.Background()
	res, err := st.Pledge(ctx, fx.Pledge("asha@example.org"))
	if err != nil {
		f.Fatal(err)
	}
	u := gs.User{Email: "org@example.org", Name: "Org", Role: gs.RoleOrganiser, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		f.Fatal(err)
	}
	if _, err := st.CreateSession(ctx, u.ID, time.Hour); err != nil {
		f.Fatal(err)
	}
	if _, err := st.CreateAPIToken(ctx, &gs.APIToken{CampaignID: fx.Campaign.ID, UserID: u.ID, Name: "t", Scope: gs.ScopeRead}); err != nil {
		f.Fatal(err)
	}
	if _, err := st.IssueLinks(ctx, res.Commitment.ID, "asha@example.org", time.Hour, gs.TokenReportDone); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(what string, err error, want ...string) {
			t.Helper()
			code := gs.ErrorCode(err)
			for _, w := range want {
				if code == w {
					return
				}
			}
			t.Errorf("%s(%q): %v (code %q), want %v", what, s, err, code, want)
		}
		_, _, err := st.APITokenBySecret(ctx, s)
		check("APITokenBySecret", err, gs.EUNAUTHORIZED)
		_, err = st.SessionUser(ctx, s)
		check("SessionUser", err, gs.ENOTFOUND)
		_, err = st.FollowupLink(ctx, s)
		check("FollowupLink", err, gs.ENOTFOUND)
		_, err = st.DigestLink(ctx, s)
		check("DigestLink", err, gs.ENOTFOUND)
		_, err = st.Receipt(ctx, s)
		check("Receipt", err, gs.ENOTFOUND)
		_, err = st.PledgeByReceipt(ctx, s)
		check("PledgeByReceipt", err, gs.ENOTFOUND)
		_, err = st.Certificate(ctx, s)
		check("Certificate", err, gs.ENOTFOUND)
		_, err = st.PersonByReferralCode(ctx, s)
		check("PersonByReferralCode", err, gs.ENOTFOUND)
		_, _, err = st.SignInWithToken(ctx, s, time.Hour)
		check("SignInWithToken", err, gs.ENOTFOUND, gs.EUNAUTHORIZED)
	})
}
