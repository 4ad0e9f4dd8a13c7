package followup

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/riverqueue/river"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// TestNothingGoesToAnErasedPerson: emails queued for someone before they
// were erased — the confirmation of a pledge, the report-back request, a
// lead's message, a sign-in link — are not sent once their jobs run, while
// the same emails to someone else go.
func TestNothingGoesToAnErasedPerson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, st)
		fu := New(st, nil, Config{BaseURL: "http://groundswell.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

		type queued struct {
			confirmed, waiting int64 // a confirmed pledge, and one awaiting its confirmation email
			user               int64
		}
		people := map[string]*queued{}
		for _, email := range []string{"ann@example.org", "bob@example.org"} {
			q := &queued{}
			in := f.Pledge(email)
			res, err := st.Pledge(ctx, in)
			must(t, err)
			storetest.Confirm(t, st, res.Commitment.ID)
			q.confirmed = res.Commitment.ID
			in.ActionID = f.Actions[1].ID
			res, err = st.Pledge(ctx, in)
			must(t, err)
			q.waiting = res.Commitment.ID
			u, err := st.SignInUser(ctx, email)
			must(t, err)
			q.user = u.ID
			people[email] = q
		}
		lead, err := st.AppointLead(ctx, gs.AppointLeadInput{GroupID: f.Group.ID, Email: "lee@example.org", Name: "Lee Lead"})
		must(t, err)
		var recipients []gs.GroupMessageRecipient
		_, err = st.SendGroupMessage(ctx, gs.GroupMessageInput{GroupID: f.Group.ID, Sender: lead, SenderRole: gs.SenderLead, Subject: "News", Body: "Thank you all."},
			func(_ context.Context, _ *sql.Tx, r gs.GroupMessageRecipient) error {
				recipients = append(recipients, r)
				return nil
			})
		must(t, err)

		if _, err := st.Erase(ctx, gs.EraseInput{Email: "ann@example.org", RequestedBy: gs.ErasedByPerson}); err != nil {
			t.Fatal(err)
		}

		// The jobs queued before the erasure run now.
		var ids []int64
		for _, q := range people {
			ids = append(ids, q.waiting)
		}
		must(t, (&confirmationsWorker{f: fu}).Work(ctx, &river.Job[SendConfirmations]{Args: SendConfirmations{CommitmentIDs: ids}}))
		for _, q := range people {
			must(t, fu.sendFollowup(ctx, SendFollowup{CommitmentID: q.confirmed, Step: gs.StepReport, DueOn: f.Actions[0].DueOn.String()}))
			must(t, (&signInWorker{f: fu}).Work(ctx, &river.Job[SendSignInLink]{Args: SendSignInLink{UserID: q.user}}))
		}
		for _, r := range recipients {
			must(t, fu.sendGroupMessage(ctx, SendGroupMessage{MessageID: r.MessageID, PersonID: r.PersonID, CommitmentID: r.CommitmentID}))
		}

		msgs, err := st.Messages(ctx, 100)
		must(t, err)
		var toBob []string
		for _, m := range msgs {
			switch {
			case m.ToEmail == "bob@example.org":
				toBob = append(toBob, m.Kind)
			case m.ToEmail != "lee@example.org":
				t.Errorf("an email went to %q (%s: %s)", m.ToEmail, m.Kind, m.Subject)
			}
		}
		if got := strings.Join(toBob, ","); len(toBob) != 4 {
			t.Errorf("Bob got %s; want the confirmation, the report request, the group message and the sign-in link", got)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
