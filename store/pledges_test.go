package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func counts(t *testing.T, st *store.Store, campaignID int64) gs.CampaignCounts {
	t.Helper()
	c, err := st.CampaignCounts(context.Background(), campaignID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := gs.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestPledgeStoresPersonAndCommitment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)

		in := f.Pledge("  Asha.Patel@Example.org ")
		in.Hours = "2.5"
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Person.Email != "asha.patel@example.org" {
			t.Errorf("email stored as %q, want it trimmed and lower-cased", res.Person.Email)
		}
		if !gs.ValidReferralCode(res.Person.ReferralCode) {
			t.Errorf("referral code %q is not valid", res.Person.ReferralCode)
		}
		rc, err := st.Receipt(ctx, res.Commitment.ReceiptToken)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Commitment.Status != gs.StatusPledged || rc.Commitment.Hours != 2.5 || rc.Commitment.Channel != gs.ChannelWeb {
			t.Errorf("commitment = %+v", rc.Commitment)
		}
		if rc.Action.ID != f.Actions[0].ID || rc.Campaign.ID != f.Campaign.ID || rc.Group.ID != f.Group.ID {
			t.Errorf("receipt points at action %d group %d campaign %d", rc.Action.ID, rc.Group.ID, rc.Campaign.ID)
		}
		// Unconfirmed, it is shown apart; confirmed, it counts.
		if c := counts(t, st, f.Campaign.ID); c.People != 0 || c.Commitments != 0 || c.Awaiting != 1 || c.Organisations != 1 {
			t.Errorf("before confirmation, counts = %+v", c)
		}
		storetest.Confirm(t, st, res.Commitment.ID)
		if c := counts(t, st, f.Campaign.ID); c.People != 1 || c.Commitments != 1 || c.Done != 0 || c.Awaiting != 0 {
			t.Errorf("after confirmation, counts = %+v", c)
		}
	})
}

func TestPledgeTwiceToSameActionIsAConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		if _, err := st.Pledge(ctx, f.Pledge("asha@example.org")); err != nil {
			t.Fatal(err)
		}
		// The same address typed differently is the same person.
		_, err := st.Pledge(ctx, f.Pledge("ASHA@example.org"))
		wantCode(t, err, gs.ECONFLICT)
		if gs.ErrorFields(err)["email"] == "" {
			t.Errorf("conflict does not name the email field: %v", err)
		}
		if c := counts(t, st, f.Campaign.ID); c.Awaiting != 1 {
			t.Errorf("after duplicate, counts = %+v", c)
		}

		// A second action is a second commitment of the same person, whose
		// stored details a stranger's form cannot change.
		in := f.Pledge("asha@example.org")
		in.ActionID = f.Actions[1].ID
		in.Name = "Someone Else"
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Person.Name != "Asha Patel" {
			t.Errorf("second pledge changed the person's name to %q", res.Person.Name)
		}
		if c := counts(t, st, f.Campaign.ID); c.Awaiting != 2 {
			t.Errorf("counts = %+v, want 2 commitments", c)
		}
		rc, err := st.Receipt(ctx, res.Commitment.ReceiptToken)
		if err != nil || rc.Person.Email != "asha@example.org" {
			t.Errorf("second commitment's person = %+v, %v", rc.Person, err)
		}
	})
}

func TestPledgeSubmittedTwiceMakesOnePledge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		in := f.Pledge("asha@example.org")
		in.SubmissionKey = "form-key-1"
		first, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		second, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatalf("replayed form: %v", err)
		}
		if !second.Replayed || second.Commitment.ReceiptToken != first.Commitment.ReceiptToken {
			t.Errorf("replay = %+v, want the first pledge back", second)
		}
		// The same form key sent back with a different email (back button, then
		// a change) is a new pledge, not a replay.
		other := in
		other.Email = "ben@example.org"
		third, err := st.Pledge(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if third.Replayed || third.Person.Email != "ben@example.org" {
			t.Errorf("reused key with another email = %+v", third)
		}
		if c := counts(t, st, f.Campaign.ID); c.Awaiting != 2 {
			t.Errorf("commitments = %d, want 2", c.Awaiting)
		}
	})
}

func TestPledgeConcurrentDuplicatesMakeOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.Pledge(ctx, f.Pledge("same@example.org"))
				mu.Lock()
				defer mu.Unlock()
				switch gs.ErrorCode(err) {
				case "":
					ok++
				case gs.ECONFLICT:
					conflicts++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || conflicts != 39 {
			t.Errorf("%d succeeded and %d conflicted, want 1 and 39", ok, conflicts)
		}
		if c := counts(t, st, f.Campaign.ID); c.Awaiting != 1 {
			t.Errorf("counts = %+v", c)
		}
	})
}

func TestPledgeBadInputStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		long := make([]byte, 101)
		for i := range long {
			long[i] = 'a'
		}
		cases := []struct {
			name  string
			edit  func(*gs.PledgeInput)
			code  string
			field string
		}{
			{"empty name", func(p *gs.PledgeInput) { p.Name = "  " }, gs.EINVALID, "name"},
			{"long name", func(p *gs.PledgeInput) { p.Name = string(long) }, gs.EINVALID, "name"},
			{"control character", func(p *gs.PledgeInput) { p.Name = "Asha\x00" }, gs.EINVALID, "name"},
			{"empty email", func(p *gs.PledgeInput) { p.Email = "" }, gs.EINVALID, "email"},
			{"invalid email", func(p *gs.PledgeInput) { p.Email = "asha@example" }, gs.EINVALID, "email"},
			{"email with name", func(p *gs.PledgeInput) { p.Email = "Asha <asha@example.org>" }, gs.EINVALID, "email"},
			{"empty profession", func(p *gs.PledgeInput) { p.Profession = "" }, gs.EINVALID, "profession"},
			{"no area", func(p *gs.PledgeInput) { p.AreaID = 0 }, gs.EINVALID, "area_id"},
			{"unknown area", func(p *gs.PledgeInput) { p.AreaID = 9999 }, gs.EINVALID, "area_id"},
			{"unknown organisation", func(p *gs.PledgeInput) { p.OrganisationID = 9999 }, gs.EINVALID, "organisation_id"},
			{"hours not a number", func(p *gs.PledgeInput) { p.Hours = "lots" }, gs.EINVALID, "hours"},
			{"hours negative", func(p *gs.PledgeInput) { p.Hours = "-1" }, gs.EINVALID, "hours"},
			{"hours NaN", func(p *gs.PledgeInput) { p.Hours = "NaN" }, gs.EINVALID, "hours"},
			{"malformed referral", func(p *gs.PledgeInput) { p.ReferralCode = "not-a-code" }, gs.EINVALID, "ref"},
			{"unknown referral", func(p *gs.PledgeInput) { p.ReferralCode = "ZZZZZZZZZZ" }, gs.EINVALID, "ref"},
			{"unknown action", func(p *gs.PledgeInput) { p.ActionID = 9999 }, gs.ENOTFOUND, ""},
			{"action of another campaign", func(p *gs.PledgeInput) { p.CampaignSlug = "another-campaign" }, gs.ENOTFOUND, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := f.Pledge("asha@example.org")
				tc.edit(&in)
				_, err := st.Pledge(ctx, in)
				wantCode(t, err, tc.code)
				if tc.field != "" && gs.ErrorFields(err)[tc.field] == "" {
					t.Errorf("no message for field %q: %v", tc.field, err)
				}
				if c := counts(t, st, f.Campaign.ID); c.Awaiting != 0 || c.Commitments != 0 {
					t.Errorf("bad input stored something: %+v", c)
				}
			})
		}
	})
}

func TestPledgeToClosedCampaignOrRetiredActionIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		retired := f.Actions[1]
		retired.Retired = true
		if err := st.UpdateAction(ctx, &retired); err != nil {
			t.Fatal(err)
		}
		in := f.Pledge("asha@example.org")
		in.ActionID = retired.ID
		_, err := st.Pledge(ctx, in)
		wantCode(t, err, gs.ECONFLICT)

		c := f.Campaign
		c.Status = gs.CampaignClosed
		if err := st.UpdateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		_, err = st.Pledge(ctx, f.Pledge("asha@example.org"))
		wantCode(t, err, gs.ECONFLICT)
		if n := counts(t, st, f.Campaign.ID).Awaiting; n != 0 {
			t.Errorf("commitments = %d, want 0", n)
		}
	})
}

func TestPledgeThroughInviteRecordsRelationship(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		inviter, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		in := f.Pledge("ben@example.org")
		in.ReferralCode = " " + inviter.Person.ReferralCode + " "
		invited, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if invited.Commitment.InvitedByID != inviter.Person.ID || invited.Commitment.Channel != gs.ChannelInvite {
			t.Errorf("invited commitment = %+v, want invited by %d via invite", invited.Commitment, inviter.Person.ID)
		}
		if n := counts(t, st, f.Campaign.ID).Relationships; n != 1 {
			t.Errorf("relationships = %d, want 1", n)
		}

		// Following your own link is not a relationship.
		self := f.Pledge("asha@example.org")
		self.ActionID = f.Actions[1].ID
		self.ReferralCode = inviter.Person.ReferralCode
		res, err := st.Pledge(ctx, self)
		if err != nil {
			t.Fatal(err)
		}
		if res.Commitment.InvitedByID != 0 || res.Commitment.Channel != gs.ChannelWeb {
			t.Errorf("self-invite recorded: %+v", res.Commitment)
		}
		// A person is invited into a campaign once: the first invitation wins.
		carl, err := st.Pledge(ctx, f.Pledge("carl@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		again := f.Pledge("ben@example.org")
		again.ActionID = f.Actions[1].ID
		again.ReferralCode = carl.Person.ReferralCode
		if _, err := st.Pledge(ctx, again); err != nil {
			t.Fatal(err)
		}
		if n := counts(t, st, f.Campaign.ID).Relationships; n != 1 {
			t.Errorf("relationships = %d, want still 1", n)
		}
		p, err := st.PersonByReferralCode(ctx, inviter.Person.ReferralCode)
		if err != nil || p.ID != inviter.Person.ID {
			t.Errorf("PersonByReferralCode = %+v, %v", p, err)
		}
		_, err = st.PersonByReferralCode(ctx, "<script>")
		wantCode(t, err, gs.ENOTFOUND)
	})
}

func TestPledgeWallShowsOnlyConsentedPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		shown := f.Pledge("asha@example.org")
		hidden := f.Pledge("ben@example.org")
		hidden.Name = "Ben Hidden"
		hidden.ShowOnWall = false
		unconfirmed := f.Pledge("carl@example.org")
		unconfirmed.Name = "Carl Unconfirmed"
		if _, err := st.Pledge(ctx, unconfirmed); err != nil {
			t.Fatal(err)
		}
		for _, in := range []gs.PledgeInput{shown, hidden} {
			res, err := st.Pledge(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			storetest.Confirm(t, st, res.Commitment.ID)
		}
		wall, err := st.PledgeWall(ctx, f.Group.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		// Not Ben, who did not consent, nor Carl, whose pledge is not
		// confirmed: anyone can type anyone's name and email into a form.
		if len(wall) != 1 || wall[0].Name != "Asha Patel" || wall[0].WhyItMatters == "" || wall[0].ActionTitle != f.Actions[0].Title {
			t.Errorf("wall = %+v, want only Asha", wall)
		}
		actions, err := st.Actions(ctx, f.Group.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if actions[0].Pledged != 2 || actions[1].Pledged != 0 {
			t.Errorf("pledged counts = %d, %d; want 2, 0", actions[0].Pledged, actions[1].Pledged)
		}
	})
}

func TestConfirmationLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		res, err := st.Pledge(ctx, f.Pledge("asha@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		token, err := st.IssueToken(ctx, gs.TokenConfirm, res.Commitment.ID, "asha@example.org", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.ConfirmPledge(ctx, token+"x")
		wantCode(t, err, gs.ENOTFOUND)
		rc, err := st.ConfirmPledge(ctx, token)
		if err != nil || !rc.Commitment.Confirmed() {
			t.Fatalf("confirm = %+v, %v", rc.Commitment, err)
		}
		// Following the link again is harmless and says it is confirmed.
		again, err := st.ConfirmPledge(ctx, token)
		if err != nil || !again.Commitment.ConfirmedAt.Equal(rc.Commitment.ConfirmedAt) {
			t.Errorf("second confirm = %+v, %v", again.Commitment, err)
		}

		// An expired link changes nothing.
		other, err := st.Pledge(ctx, f.Pledge("ben@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		late, err := st.IssueToken(ctx, gs.TokenConfirm, other.Commitment.ID, "ben@example.org", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		st.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
		_, err = st.ConfirmPledge(ctx, late)
		wantCode(t, err, gs.ECONFLICT)
		if c := counts(t, st, f.Campaign.ID); c.Commitments != 1 || c.Awaiting != 1 {
			t.Errorf("counts = %+v, want 1 confirmed and 1 awaiting", c)
		}
		// A token for another purpose does not confirm.
		st.Now = time.Now
		wrong, _ := st.IssueToken(ctx, "other", other.Commitment.ID, "", time.Hour)
		_, err = st.ConfirmPledge(ctx, wrong)
		wantCode(t, err, gs.ENOTFOUND)
	})
}
