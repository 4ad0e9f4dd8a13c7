package store_test

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
	"github.com/groundswell-health/groundswell/store/storetest"
)

// messageRecorder records the emails a group message queues.
type messageRecorder struct {
	mu  sync.Mutex
	got []gs.GroupMessageRecipient
	err error
}

func (m *messageRecorder) enqueue(_ context.Context, _ *sql.Tx, r gs.GroupMessageRecipient) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	m.got = append(m.got, r)
	return nil
}

// TestGroupMessage: a lead's message is recorded with one email queued for
// each person with a confirmed pledge (not withdrawn) to the group who has
// not unsubscribed — once per person, whatever their pledges — and for no
// one else; the same form sent twice, even at once, is one message; and a
// message that cannot be queued, or that no one could receive, is not
// recorded.
func TestGroupMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newFollowupRig(t, st)
		lead := appoint(t, st, r.f.Group.ID, "lee@example.org")
		pledge := func(email string, action int, confirm bool) gs.Commitment {
			in := r.f.Pledge(email)
			in.ActionID = r.f.Actions[action].ID
			res, err := st.Pledge(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if confirm {
				storetest.Confirm(t, st, res.Commitment.ID)
			}
			return res.Commitment
		}
		pat := pledge("pat@example.org", 0, true)
		pledge("sam@example.org", 0, true)
		sam2 := pledge("sam@example.org", 1, true) // two pledges: one email, through the latest
		pledge("una@example.org", 0, false)        // not confirmed
		ulla := pledge("ulla@example.org", 0, true)
		unsub := r.links(ulla.ID, gs.TokenUnsubscribe)
		if _, _, err := st.Unsubscribe(ctx, unsub[0]); err != nil {
			t.Fatal(err)
		}
		wes := pledge("wes@example.org", 0, true)
		if err := st.SetOwnStatus(ctx, "wes@example.org", wes.ID, gs.StatusWithdrawn); err != nil {
			t.Fatal(err)
		}
		// Someone of another group.
		other := gs.Group{CampaignID: r.f.Campaign.ID, Name: "Carers", Goal: "Ask every time."}
		if err := st.CreateGroup(ctx, &other); err != nil {
			t.Fatal(err)
		}
		oa := gs.Action{GroupID: other.ID, Title: "Ask", DueOn: gs.MustDate("2027-05-01")}
		if err := st.CreateAction(ctx, &oa); err != nil {
			t.Fatal(err)
		}
		in := r.f.Pledge("olga@example.org")
		in.ActionID = oa.ID
		if res, err := st.Pledge(ctx, in); err != nil {
			t.Fatal(err)
		} else {
			storetest.Confirm(t, st, res.Commitment.ID)
		}

		aud, err := st.GroupMessageAudience(ctx, r.f.Group.ID)
		if err != nil || aud != (gs.MessageAudience{Recipients: 2, Unsubscribed: 1, Unconfirmed: 1}) {
			t.Fatalf("audience %+v, %v", aud, err)
		}

		msg := gs.GroupMessageInput{GroupID: r.f.Group.ID, Sender: lead, SenderRole: gs.SenderLead,
			Subject: "  Thank you  ", Body: "Thank you all.\r\n\r\nWe are at 40.", SubmissionKey: "key-0123456789abcdef"}

		// Nothing recorded when the emails cannot be queued.
		rec := &messageRecorder{err: errors.New("queue down")}
		if _, err := st.SendGroupMessage(ctx, msg, rec.enqueue); err == nil {
			t.Fatal("sent with a failing queue")
		}
		if msgs, _ := st.GroupMessages(ctx, r.f.Group.ID, 10); len(msgs) != 0 {
			t.Fatalf("recorded without its emails: %+v", msgs)
		}

		// Sent twice at once: one message, one email each.
		rec = &messageRecorder{}
		var wg sync.WaitGroup
		ids := make([]int64, 3)
		for i := range ids {
			wg.Go(func() {
				m, err := st.SendGroupMessage(ctx, msg, rec.enqueue)
				if err != nil {
					t.Error(err)
				}
				ids[i] = m.ID
			})
		}
		wg.Wait()
		if ids[0] == 0 || ids[0] != ids[1] || ids[1] != ids[2] {
			t.Fatalf("the same form sent at once made messages %v", ids)
		}
		var people []int64
		for _, g := range rec.got {
			people = append(people, g.PersonID)
			if g.MessageID != ids[0] {
				t.Errorf("email %+v of another message", g)
			}
		}
		if want := []int64{pat.PersonID, sam2.PersonID}; !slices.Equal(people, want) {
			t.Fatalf("emails to %v, want %v", people, want)
		}
		if rec.got[0].CommitmentID != pat.ID || rec.got[1].CommitmentID != sam2.ID {
			t.Errorf("emails through pledges %+v", rec.got)
		}
		m, err := st.GroupMessageByID(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != "Thank you" || m.Body != "Thank you all.\n\nWe are at 40." || m.Recipients != 2 || m.SenderID != lead.ID ||
			m.SenderName != lead.Name || m.SenderRole != gs.SenderLead || m.GroupID != r.f.Group.ID || !m.CreatedAt.Equal(r.now) {
			t.Errorf("message %+v", m)
		}

		// A second message, and the list, newest first.
		msg2 := msg
		msg2.Subject, msg2.SubmissionKey = "The clinic", ""
		m2, err := st.SendGroupMessage(ctx, msg2, rec.enqueue)
		if err != nil || m2.ID == m.ID {
			t.Fatalf("second message %+v, %v", m2, err)
		}
		msgs, err := st.GroupMessages(ctx, r.f.Group.ID, 10)
		if err != nil || len(msgs) != 2 || msgs[0].ID != m2.ID || msgs[1].ID != m.ID {
			t.Errorf("messages %+v, %v", msgs, err)
		}
		if len(rec.got) != 4 {
			t.Errorf("%d emails queued in all, want 4", len(rec.got))
		}

		// The same key for another group, or another message, is refused.
		wrong := msg
		wrong.GroupID = other.ID
		if _, err := st.SendGroupMessage(ctx, wrong, rec.enqueue); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("a key reused for another group: %v", err)
		}
		wrong = msg
		wrong.Body = "Something else."
		if _, err := st.SendGroupMessage(ctx, wrong, rec.enqueue); gs.ErrorCode(err) != gs.ECONFLICT {
			t.Errorf("a key reused for another message: %v", err)
		}

		// Bad input.
		bad := msg
		bad.Subject, bad.Body, bad.SubmissionKey = " ", "", "k2"
		err = bad.Validate()
		if f := gs.ErrorFields(err); f["subject"] != "Enter subject" || f["body"] != "Enter message" {
			t.Errorf("empty message: %v", err)
		}
		bad.Subject, bad.Body = strings.Repeat("s", gs.MaxMessageSubject+1), strings.Repeat("b", gs.MaxMessageBody+1)
		_, err = st.SendGroupMessage(ctx, bad, rec.enqueue)
		if f := gs.ErrorFields(err); !strings.Contains(f["subject"], "120 characters") || !strings.Contains(f["body"], "3000 characters") {
			t.Errorf("too long: %v", err)
		}
		bad.Subject, bad.Body = "Line\nbreak", strings.Repeat("b", gs.MaxMessageBody)
		if f := gs.ErrorFields(bad.Validate()); f["subject"] == "" || f["body"] != "" {
			t.Errorf("a subject with a line break, a body at the limit: %v", f)
		}

		// No one to send to; no such group.
		none := msg
		none.GroupID, none.SubmissionKey = other.ID, "key-other-group-0001"
		if _, err := st.SendGroupMessage(ctx, none, rec.enqueue); err != nil {
			t.Errorf("message to the other group: %v", err)
		}
		empty := gs.Group{CampaignID: r.f.Campaign.ID, Name: "Empty", Goal: "None yet."}
		if err := st.CreateGroup(ctx, &empty); err != nil {
			t.Fatal(err)
		}
		none.GroupID, none.SubmissionKey = empty.ID, ""
		if _, err := st.SendGroupMessage(ctx, none, rec.enqueue); !errors.Is(err, store.ErrNoRecipients) {
			t.Errorf("message to no one: %v", err)
		}
		none.GroupID = 99999
		if _, err := st.SendGroupMessage(ctx, none, rec.enqueue); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("message to no group: %v", err)
		}
		if _, err := st.GroupMessageByID(ctx, 99999); gs.ErrorCode(err) != gs.ENOTFOUND {
			t.Errorf("no message: %v", err)
		}
	})
}
