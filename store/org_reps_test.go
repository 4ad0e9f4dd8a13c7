package store_test

import (
	"context"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

func TestAppointRepGivesAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)

		if _, err := st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "nope", Name: ""}); gs.ErrorCode(err) != gs.EINVALID {
			t.Fatalf("bad input: %v", err)
		}
		_, err := st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID + 100, Email: "rita@example.org", Name: "Rita Rep"})
		wantCode(t, err, gs.ENOTFOUND)

		u, err := st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: " Rita@Example.org ", Name: "Rita Rep"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "rita@example.org" || u.Role != gs.RoleMember {
			t.Errorf("user = %+v", u)
		}
		// Appointing again changes nothing.
		again, err := st.AppointRep(ctx, gs.AppointRepInput{OrganisationID: f.Org.ID, Email: "rita@example.org", Name: "Rita"})
		if err != nil || again.ID != u.ID {
			t.Fatalf("again: %v, user %d want %d", err, again.ID, u.ID)
		}
		reps, err := st.OrganisationReps(ctx, f.Org.ID)
		if err != nil || len(reps) != 1 || reps[0].ID != u.ID {
			t.Fatalf("reps = %+v, %v", reps, err)
		}
		a, err := st.Access(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if !a.Represents[f.Org.ID] || !a.RepresentsOrganisation(f.Org.ID) || a.RepresentsOrganisation(f.Org.ID+1) || len(a.Leads) != 0 {
			t.Errorf("access = %+v", a)
		}
		// A rep can sign in by link like a lead.
		if signin, err := st.SignInUser(ctx, "rita@example.org"); err != nil || signin.ID != u.ID {
			t.Errorf("sign-in user = %+v, %v", signin, err)
		}
	})
}

func TestAllianceCommitments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)

		bad := gs.AllianceCommitment{CampaignID: f.Campaign.ID, OrganisationID: f.Org.ID, Title: " "}
		err := st.CreateAllianceCommitment(ctx, &bad)
		if fe := gs.ErrorFields(err); fe["title"] == "" || fe["due_on"] == "" {
			t.Fatalf("bad item: %v", err)
		}
		c := gs.AllianceCommitment{CampaignID: f.Campaign.ID, OrganisationID: f.Org.ID,
			Title: "Audit antipsychotic prescribing in all our homes", DueOn: gs.MustDate("2027-01-31")}
		if err := st.CreateAllianceCommitment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.Status != gs.PlanPlanned {
			t.Errorf("created %+v", c)
		}
		early := gs.AllianceCommitment{CampaignID: f.Campaign.ID, OrganisationID: f.Org.ID, Title: "Train staff", DueOn: gs.MustDate("2026-09-30"), Status: gs.PlanInProgress}
		if err := st.CreateAllianceCommitment(ctx, &early); err != nil {
			t.Fatal(err)
		}
		list, err := st.AllianceCommitments(ctx, f.Campaign.ID, f.Org.ID)
		if err != nil || len(list) != 2 || list[0].ID != early.ID || list[1].DueOn != c.DueOn {
			t.Fatalf("list = %+v, %v", list, err)
		}

		c.Status, c.Title = gs.PlanDone, "Audited prescribing in all our homes"
		if err := st.UpdateAllianceCommitment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		got, err := st.AllianceCommitmentByID(ctx, c.ID)
		if err != nil || got.Status != gs.PlanDone || got.Title != c.Title || got.CampaignID != f.Campaign.ID {
			t.Fatalf("after update %+v, %v", got, err)
		}
		c.Status = "lapsed"
		if err := st.UpdateAllianceCommitment(ctx, &c); gs.ErrorFields(err)["status"] == "" {
			t.Errorf("unknown status: %v", err)
		}

		// Another organisation, not in the alliance: it has no plan there,
		// and cannot change this one's.
		other := gs.Organisation{Name: "Hilltop Care", Sector: "Care home"}
		if err := st.CreateOrganisation(ctx, &other); err != nil {
			t.Fatal(err)
		}
		outside := gs.AllianceCommitment{CampaignID: f.Campaign.ID, OrganisationID: other.ID, Title: "Something", DueOn: gs.MustDate("2027-01-01")}
		wantCode(t, st.CreateAllianceCommitment(ctx, &outside), gs.ECONFLICT)
		theirs := got
		theirs.OrganisationID, theirs.Status = other.ID, gs.PlanDropped
		wantCode(t, st.UpdateAllianceCommitment(ctx, &theirs), gs.ENOTFOUND)
		if got, _ := st.AllianceCommitmentByID(ctx, c.ID); got.Status != gs.PlanDone {
			t.Errorf("another organisation changed the item to %s", got.Status)
		}
		_, err = st.AllianceCommitmentByID(ctx, c.ID+100)
		wantCode(t, err, gs.ENOTFOUND)

		// Having left the alliance, the organisation keeps its record but
		// cannot change it.
		if err := st.LeaveAlliance(ctx, f.Campaign.ID, f.Org.ID); err != nil {
			t.Fatal(err)
		}
		got.Status = gs.PlanDropped
		wantCode(t, st.UpdateAllianceCommitment(ctx, &got), gs.ECONFLICT)
		if list, _ := st.AllianceCommitments(ctx, f.Campaign.ID, f.Org.ID); len(list) != 2 {
			t.Errorf("after leaving, %d items kept, want 2", len(list))
		}
		alliances, err := st.OrganisationAlliances(ctx, f.Org.ID)
		if err != nil || len(alliances) != 0 {
			t.Errorf("alliances after leaving = %+v, %v", alliances, err)
		}
	})
}

func TestOrganisationAlliances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		list, err := st.OrganisationAlliances(ctx, f.Org.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("alliances = %+v, %v", list, err)
		}
		if list[0].Campaign.ID != f.Campaign.ID || list[0].Campaign.Title != f.Campaign.Title || list[0].JoinedOn != gs.MustDate("2026-01-02") {
			t.Errorf("alliance = %+v", list[0])
		}
	})
}

func TestOrganisationStaffOnlyConsented(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		pledge := func(email, name string, contact bool, action int, confirm bool) {
			t.Helper()
			in := f.Pledge(email)
			in.Name, in.OrganisationID, in.ContactOK, in.ActionID = name, f.Org.ID, contact, f.Actions[action].ID
			res, err := st.Pledge(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if confirm {
				storetest.Confirm(t, st, res.Commitment.ID)
			}
		}
		pledge("cara@example.org", "Cara Consent", true, 0, true)
		pledge("cara@example.org", "Cara Consent", true, 1, true)
		pledge("nina@example.org", "Nina Noconsent", false, 0, true)
		pledge("una@example.org", "Una Unconfirmed", true, 0, false)
		// Someone of no organisation.
		in := f.Pledge("solo@example.org")
		in.ContactOK = true
		res, err := st.Pledge(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		storetest.Confirm(t, st, res.Commitment.ID)

		staff, err := st.OrganisationStaff(ctx, f.Org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(staff) != 1 {
			t.Fatalf("staff = %+v, want Cara only", staff)
		}
		m := staff[0]
		if m.Name != "Cara Consent" || m.Email != "cara@example.org" || m.Profession != "Community pharmacist" || len(m.Pledges) != 2 {
			t.Fatalf("staff member = %+v", m)
		}
		if p := m.Pledges[0]; p.ActionTitle != f.Actions[0].Title || p.Status != gs.StatusPledged || p.Campaign != f.Campaign.Title {
			t.Errorf("pledge = %+v", p)
		}
	})
}

func TestAllianceCommitmentValidate(t *testing.T) {
	long := make([]rune, 161)
	for i := range long {
		long[i] = 'a'
	}
	c := gs.AllianceCommitment{Title: string(long), DueOn: gs.MustDate("2027-01-01"), Status: "maybe", ID: 1}
	fe := gs.ErrorFields(c.Validate())
	if fe["title"] == "" || fe["status"] == "" || fe["due_on"] != "" {
		t.Errorf("errors = %v", fe)
	}
	ok := gs.AllianceCommitment{Title: " Train staff ", DueOn: gs.MustDate("2027-01-01")}
	if err := ok.Validate(); err != nil || ok.Title != "Train staff" || ok.Status != gs.PlanPlanned {
		t.Errorf("valid item: %v %+v", err, ok)
	}
}
