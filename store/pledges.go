package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"

	gs "github.com/groundswell-health/groundswell"
)

// Pledge validates and stores a pledge in one transaction: the person (found
// by email, or created), the commitment, and — when the pledge came through an
// invite link — the relationship to the inviter.
//
// The duplicate rules are the database's: a person pledges to an action once
// (UNIQUE person_id, action_id), and a form's submission key is used once
// (UNIQUE submission_key). A second pledge by the same email to the same action
// is an ECONFLICT; the same form submitted again returns the first pledge with
// Replayed set.
//
// An existing person's details are not changed by a later pledge: anyone can
// type anyone's email into a public form, so only the person themself may
// change what is shown under their name.
func (s *Store) Pledge(ctx context.Context, in gs.PledgeInput) (gs.PledgeResult, error) {
	if err := in.Validate(); err != nil {
		return gs.PledgeResult{}, err
	}
	// Pledges are written in batches, one transaction per batch: see batch.go.
	return s.groupPledge(ctx, in)
}

func pledge(ctx context.Context, tx *pledgeTx, in gs.PledgeInput) (gs.PledgeResult, error) {
	var res gs.PledgeResult
	var campaignID int64
	var status string
	var retired bool
	var slug string
	err := tx.queryRow(ctx, `SELECT c.id, c.slug, c.status, a.retired FROM actions a
		JOIN stakeholder_groups g ON g.id = a.group_id JOIN campaigns c ON c.id = g.campaign_id
		WHERE a.id = ?`, in.ActionID).Scan(&campaignID, &slug, &status, &retired)
	if errors.Is(err, sql.ErrNoRows) || err == nil && in.CampaignSlug != "" && in.CampaignSlug != slug {
		return res, gs.Errorf(gs.ENOTFOUND, "There is no such action to pledge to. It may have been removed")
	} else if err != nil {
		return res, fmt.Errorf("find action %d: %w", in.ActionID, err)
	}
	if status != gs.CampaignLive || retired {
		return res, gs.Errorf(gs.ECONFLICT, "This action is not taking pledges at the moment")
	}

	// The references a browser sends back are checked here, where the
	// transaction sees the same data it writes.
	errs := gs.FieldErrors{}
	if !tx.exists(ctx, `SELECT 1 FROM areas WHERE id = ?`, in.AreaID) {
		errs.Add("area_id", "Select the area where you work or live")
	}
	if in.OrganisationID != 0 && !tx.exists(ctx, `SELECT 1 FROM organisations WHERE id = ?`, in.OrganisationID) {
		errs.Add("organisation_id", "Select an organisation from the list, or type its name")
	}
	var inviterID int64
	if in.ReferralCode != "" {
		err := tx.queryRow(ctx, `SELECT id FROM people WHERE referral_code = ?`, in.ReferralCode).Scan(&inviterID)
		if errors.Is(err, sql.ErrNoRows) {
			errs.Add("ref", gs.InvalidReferralMessage)
		} else if err != nil {
			return res, fmt.Errorf("find referral code: %w", err)
		}
	}
	if err := errs.Err(); err != nil {
		return res, err
	}

	key := any(nil)
	if in.SubmissionKey != "" {
		replay, keyUsed, err := replayedPledge(ctx, tx, in)
		if err != nil || replay.Replayed {
			return replay, err
		}
		if !keyUsed {
			key = in.SubmissionKey
		}
	}

	person, err := findOrCreatePerson(ctx, tx, in)
	if err != nil {
		return res, err
	}
	if inviterID == person.ID {
		inviterID = 0 // following your own invite link is not a relationship
	}
	channel := gs.ChannelWeb
	switch {
	case in.Channel != "":
		channel = in.Channel
	case inviterID != 0:
		channel = gs.ChannelInvite
	}
	c := gs.Commitment{
		PersonID: person.ID, ActionID: in.ActionID, CampaignID: campaignID, Status: gs.StatusPledged,
		WhyItMatters: in.WhyItMatters, Hours: in.HoursValue, OnBehalf: in.OnBehalf, Channel: channel, InvitedByID: inviterID,
		ReceiptToken: newToken(), CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	err = tx.queryRow(ctx, `INSERT INTO commitments (person_id, action_id, campaign_id, status, why, hours, on_behalf, channel, invited_by_id, receipt_token, submission_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		c.PersonID, c.ActionID, c.CampaignID, c.Status, c.WhyItMatters, c.Hours, c.OnBehalf, c.Channel, nullID(c.InvitedByID),
		c.ReceiptToken, key, ms(c.CreatedAt), ms(c.UpdatedAt)).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// The only conflict left possible is (person, action): a used
		// submission key was found above, in this same transaction, and
		// is not stored again.
		return res, &gs.Error{Code: gs.ECONFLICT, Message: "You have already pledged to this action. Thank you!",
			Fields: gs.FieldErrors{"email": "This email address has already pledged to this action"}}
	} else if err != nil {
		return res, fmt.Errorf("insert commitment: %w", err)
	}
	invited := false
	if inviterID != 0 {
		r, err := tx.exec(ctx, `INSERT INTO relationships (campaign_id, to_id, from_id, kind, created_at) VALUES (?, ?, ?, 'invited', ?)
			ON CONFLICT (campaign_id, to_id) DO NOTHING`, campaignID, person.ID, inviterID, ms(tx.now))
		if err != nil {
			return res, fmt.Errorf("insert relationship: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, fmt.Errorf("insert relationship: %w", err)
		}
		invited = n == 1
	}
	// Webhook events (webhook_events.go), in this pledge's savepoint: a
	// pledge rolled back sends nothing.
	if err := emitPledge(ctx, tx, c, invited); err != nil {
		return res, err
	}
	return gs.PledgeResult{Commitment: c, Person: person}, nil
}

// replayedPledge finds the pledge a form with this submission key already
// made, returned with Replayed set; keyUsed reports whether the key is taken.
// A key reused for a different email or action (the back button, then a
// change) is not a replay: the pledge is stored afresh, without the key.
func replayedPledge(ctx context.Context, tx *pledgeTx, in gs.PledgeInput) (res gs.PledgeResult, keyUsed bool, err error) {
	var email string
	var actionID int64
	err = tx.queryRow(ctx, `SELECT c.id, c.action_id, p.email FROM commitments c JOIN people p ON p.id = c.person_id WHERE c.submission_key = ?`,
		in.SubmissionKey).Scan(&res.Commitment.ID, &actionID, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return res, false, nil
	} else if err != nil {
		return res, false, fmt.Errorf("find submission: %w", err)
	}
	if email != in.Email || actionID != in.ActionID {
		if in.Channel == gs.ChannelAPI {
			// An API client reusing a key for another pledge has a bug to
			// hear about; a public form (whose key is the page's, and may be
			// reused from the back button) just makes a new pledge.
			return gs.PledgeResult{}, true, &gs.Error{Code: gs.ECONFLICT, Message: "This Idempotency-Key was used for another pledge",
				Fields: gs.FieldErrors{"submission": "Use a new key for each pledge; send the same key only to retry the same pledge"}}
		}
		return gs.PledgeResult{}, true, nil
	}
	rc, err := receipt(ctx, tx.tx, `c.id = ?`, res.Commitment.ID)
	if err != nil {
		return res, true, err
	}
	return gs.PledgeResult{Commitment: rc.Commitment, Person: rc.Person, Replayed: true}, true, nil
}

func findOrCreatePerson(ctx context.Context, tx *pledgeTx, in gs.PledgeInput) (gs.Person, error) {
	p := gs.Person{
		Email: in.Email, Name: in.Name, Profession: in.Profession, OrganisationID: in.OrganisationID,
		OrganisationName: in.OrganisationName, AreaID: in.AreaID, ShowOnWall: in.ShowOnWall, ContactOK: in.ContactOK,
		CreatedAt: tx.now,
	}
	if p.OrganisationID != 0 {
		p.OrganisationName = ""
	}
	// The consent choices are kept with the version of the words the form
	// showed (gs.ConsentVersion). Choices that came some other way (the API)
	// were not made on our words: version 0, no time.
	consentVersion, consentAt := 0, any(nil)
	if in.Channel == "" {
		consentVersion, consentAt = gs.ConsentVersion, ms(tx.now)
	}
	// A new referral code can collide with an existing one (50 random bits);
	// then nothing is inserted and the email is not found either: try again.
	for range 5 {
		p.ReferralCode = newReferralCode()
		err := tx.queryRow(ctx, `INSERT INTO people (email, name, profession, organisation_id, organisation_name, area_id, show_on_wall, contact_ok, referral_code, created_at, consent_version, consent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			p.Email, p.Name, p.Profession, nullID(p.OrganisationID), p.OrganisationName, nullID(p.AreaID),
			p.ShowOnWall, p.ContactOK, p.ReferralCode, ms(p.CreatedAt), consentVersion, consentAt).Scan(&p.ID)
		if err == nil {
			return p, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return p, fmt.Errorf("insert person: %w", err)
		}
		existing, err := scanPersonRow(tx.queryRow(ctx, `SELECT `+personColumns+` FROM people p WHERE p.email = ?`, p.Email))
		if err == nil {
			return existing, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return p, fmt.Errorf("find person: %w", err)
		}
	}
	return p, fmt.Errorf("insert person: no free referral code after 5 tries")
}

const personColumns = `p.id, p.email, p.name, p.profession, p.organisation_id, p.organisation_name, p.area_id, p.show_on_wall, p.contact_ok, p.referral_code, p.created_at`

func scanPerson(row interface{ Scan(...any) error }, p *gs.Person, extra ...any) error {
	return row.Scan(append([]any{&p.ID, &p.Email, &p.Name, &p.Profession, scanID{&p.OrganisationID}, &p.OrganisationName,
		scanID{&p.AreaID}, &p.ShowOnWall, &p.ContactOK, &p.ReferralCode, scanTime{&p.CreatedAt}}, extra...)...)
}

func scanPersonRow(row *sql.Row) (gs.Person, error) {
	var p gs.Person
	err := scanPerson(row, &p)
	return p, err
}

func exists(ctx context.Context, tx *tx, q string, args ...any) bool {
	var one int
	return tx.queryRow(ctx, q, args...).Scan(&one) == nil
}

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newToken returns 128 random bits as 26 lower-case base32 characters.
func newToken() string {
	return strings.ToLower(tokenEncoding.EncodeToString(randomBytes(16)))
}

func newReferralCode() string {
	return gs.ReferralCodeFrom(randomBytes(gs.ReferralCodeLength))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never returns an error; see crypto/rand.
	return b
}

const commitmentColumns = `c.id, c.person_id, c.action_id, c.campaign_id, c.status, c.why, c.hours, c.on_behalf, c.channel, c.invited_by_id, c.receipt_token, c.created_at, c.updated_at, c.confirmed_at`

func scanCommitment(row interface{ Scan(...any) error }, c *gs.Commitment, extra ...any) error {
	return row.Scan(append([]any{&c.ID, &c.PersonID, &c.ActionID, &c.CampaignID, &c.Status, &c.WhyItMatters, &c.Hours, &c.OnBehalf, &c.Channel,
		scanID{&c.InvitedByID}, &c.ReceiptToken, scanTime{&c.CreatedAt}, scanTime{&c.UpdatedAt}, scanNullTime{&c.ConfirmedAt}}, extra...)...)
}

// Receipt returns the pledge whose receipt token is given, with its person,
// action, group and campaign: what the confirmation page shows.
func (s *Store) Receipt(ctx context.Context, token string) (gs.Receipt, error) {
	var r gs.Receipt
	err := s.readTx(ctx, func(tx *tx) error {
		var err error
		r, err = receipt(ctx, tx, `c.receipt_token = ?`, token)
		return err
	})
	return r, err
}

func receipt(ctx context.Context, tx *tx, where string, arg any) (gs.Receipt, error) {
	var r gs.Receipt
	row := tx.queryRow(ctx, `SELECT `+commitmentColumns+`, `+personColumns+`, `+actionColumns+`, `+groupColumns+`
		FROM commitments c JOIN people p ON p.id = c.person_id JOIN actions a ON a.id = c.action_id
		JOIN stakeholder_groups g ON g.id = a.group_id WHERE `+where, arg)
	var p gs.Person
	var a gs.Action
	var g gs.Group
	err := scanCommitment(row, &r.Commitment,
		&p.ID, &p.Email, &p.Name, &p.Profession, scanID{&p.OrganisationID}, &p.OrganisationName,
		scanID{&p.AreaID}, &p.ShowOnWall, &p.ContactOK, &p.ReferralCode, scanTime{&p.CreatedAt},
		&a.ID, &a.GroupID, &a.Title, &a.Description, scanDate{&a.DueOn}, &a.Target, &a.Retired, &a.Position,
		&g.ID, &g.CampaignID, &g.Slug, &g.Name, &g.Description, &g.Goal, &g.Target, &g.Position)
	if err != nil {
		return r, notFound(err, "pledge")
	}
	r.Person, r.Action, r.Group = p, a, g
	if err := scanCampaign(tx.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ?`, g.CampaignID), &r.Campaign); err != nil {
		return r, fmt.Errorf("find campaign of pledge: %w", err)
	}
	return r, nil
}

// ReceiptByCommitment returns a pledge, its person, action, group and campaign.
func (s *Store) ReceiptByCommitment(ctx context.Context, commitmentID int64) (gs.Receipt, error) {
	var r gs.Receipt
	err := s.readTx(ctx, func(tx *tx) error {
		var err error
		r, err = receipt(ctx, tx, `c.id = ?`, commitmentID)
		return err
	})
	return r, err
}

// PersonByReferralCode returns the person who owns an invite link's code.
func (s *Store) PersonByReferralCode(ctx context.Context, code string) (gs.Person, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !gs.ValidReferralCode(code) {
		return gs.Person{}, gs.Errorf(gs.ENOTFOUND, "%s", gs.InvalidReferralMessage)
	}
	var p gs.Person
	err := scanPerson(s.read.QueryRowContext(ctx, s.d.bind(`SELECT `+personColumns+` FROM people p WHERE p.referral_code = ?`), code), &p)
	if errors.Is(err, sql.ErrNoRows) {
		return p, gs.Errorf(gs.ENOTFOUND, "%s", gs.InvalidReferralMessage)
	}
	return p, err
}

// PledgeWall returns the latest pledges to a group's actions by people who
// consented to be shown, newest first.
func (s *Store) PledgeWall(ctx context.Context, groupID int64, limit int) ([]gs.WallEntry, error) {
	var out []gs.WallEntry
	err := s.readTx(ctx, func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT p.name, p.profession, c.why, a.title, c.created_at
			FROM commitments c JOIN people p ON p.id = c.person_id JOIN actions a ON a.id = c.action_id
			WHERE a.group_id = ? AND p.show_on_wall AND c.status <> 'withdrawn' AND c.confirmed_at IS NOT NULL
			ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, groupID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e gs.WallEntry
			if err := rows.Scan(&e.Name, &e.Profession, &e.WhyItMatters, &e.ActionTitle, scanTime{&e.PledgedAt}); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("pledge wall of group %d: %w", groupID, err)
	}
	return out, nil
}
