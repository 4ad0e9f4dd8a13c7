package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/store"
)

// Organisers register a campaign's webhook endpoints here, see what was
// delivered to each, and replay deliveries. An endpoint's signing secret is
// shown once, on the page that answers its creation (or rotation), like an
// API token's: Groundswell keeps it, to sign with, but never shows it again.

var webhookFields = []string{"url", "description", "events"}

// webhookRotationOverlap is how long the old secret keeps signing beside the
// new one after a rotation: time to change the receiver over.
const webhookRotationOverlap = 24 * time.Hour

var webhookEventOptions = []option{
	{gs.EventCommitmentCreated, "A pledge is made, before it is confirmed (commitment.created)"},
	{gs.EventCommitmentConfirmed, "A pledge is confirmed by the person who made it (commitment.confirmed)"},
	{gs.EventCommitmentDone, "A pledge is reported done (commitment.done)"},
	{gs.EventCommitmentLapsed, "A pledge lapses, or its owner could not do it (commitment.lapsed)"},
	{gs.EventPersonInvited, "Someone pledges through another person's invite link (person.invited)"},
	{gs.EventOrganisationJoined, "An organisation joins the campaign's alliance (organisation.joined)"},
}

// deliveryView is a delivery as the pages show it.
type deliveryView struct {
	gs.WebhookDelivery
	StatusName, StatusTag string
	Created, LastAttempt  string
	NextAttempt           string
	// Body is the payload, indented to be read.
	Body string
}

func viewDelivery(d gs.WebhookDelivery, endpointOff bool) deliveryView {
	v := deliveryView{WebhookDelivery: d, Created: moment(d.CreatedAt), LastAttempt: moment(d.LastAttemptAt), NextAttempt: moment(d.NextAttemptAt), Body: d.Payload}
	switch {
	case d.Status == gs.DeliveryDelivered:
		v.StatusName, v.StatusTag = "Delivered", "green"
	case d.Status == gs.DeliveryGivenUp:
		v.StatusName, v.StatusTag = "Given up", "red"
	case d.Status == gs.DeliverySending:
		// Its next_attempt_at is the claim's lease, not a plan.
		v.StatusName, v.StatusTag, v.NextAttempt = "Sending", "blue", ""
	case endpointOff && d.NextAttemptAt.IsZero():
		v.StatusName, v.StatusTag = "Paused", "grey"
	case d.Status == gs.DeliveryRetrying:
		v.StatusName, v.StatusTag = "Retrying", "orange"
	default:
		v.StatusName, v.StatusTag = "Waiting", "grey"
	}
	var b bytes.Buffer
	if json.Indent(&b, []byte(d.Payload), "", "  ") == nil {
		v.Body = b.String()
	}
	return v
}

// moment writes a time for the pages, to the minute, in UK time.
func moment(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(gs.Zone)
	return gs.DateOf(t).Long() + ", " + t.Format("15:04")
}

// webhookView is an endpoint with its latest deliveries.
type webhookView struct {
	gs.Webhook
	Created string
	Recent  []deliveryView
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, f *form) {
	hooks, err := s.store.Webhooks(r.Context(), c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]webhookView, len(hooks))
	for i, h := range hooks {
		ds, err := s.store.WebhookDeliveries(r.Context(), store.DeliveryFilter{CampaignID: c.ID, WebhookID: h.ID, Limit: 5})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		views[i] = webhookView{Webhook: h, Created: moment(h.CreatedAt)}
		for _, d := range ds {
			views[i].Recent = append(views[i].Recent, viewDelivery(d, h.Disabled()))
		}
	}
	s.render(w, r, status, "admin_webhooks", page{Title: "Webhooks – " + c.Title, Form: f, D: map[string]any{
		"Campaign": c, "Webhooks": views, "Events": webhookEventOptions,
	}})
}

func (s *Server) webhookList(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderWebhooks(w, r, http.StatusOK, c, newForm(webhookFields...))
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := parseForm(w, r, webhookFields...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hook := gs.Webhook{CampaignID: c.ID, URL: f.Get("url"), Description: f.Get("description"), Events: f.Values["events"]}
	secret, err := s.store.CreateWebhook(r.Context(), &hook)
	if err != nil {
		if gs.ErrorCode(err) != gs.EINVALID {
			s.fail(w, r, err)
			return
		}
		f.Fail(err)
		s.renderWebhooks(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	s.renderWebhookSecret(w, r, http.StatusCreated, c, hook, secret, false)
}

// renderWebhookSecret shows a secret, once, in the answer to the POST that
// made it, which no one can load again; the page must not be cached.
func (s *Server) renderWebhookSecret(w http.ResponseWriter, r *http.Request, status int, c gs.Campaign, hook gs.Webhook, secret string, rotated bool) {
	w.Header().Set("Cache-Control", "no-store")
	title := "Your new webhook endpoint"
	if rotated {
		title = "The endpoint's new secret"
	}
	s.render(w, r, status, "admin_webhooks_secret", page{Title: title, D: map[string]any{
		"Campaign": c, "Webhook": hook, "Secret": secret, "Rotated": rotated, "Overlap": "24 hours",
	}})
}

// adminWebhook finds the endpoint a path names, in the campaign it names.
func (s *Server) adminWebhook(r *http.Request) (gs.Campaign, gs.Webhook, error) {
	c, err := s.adminCampaign(r)
	if err != nil {
		return c, gs.Webhook{}, err
	}
	id, err := pathID(r, "webhook")
	if err != nil {
		return c, gs.Webhook{}, err
	}
	hook, err := s.store.Webhook(r.Context(), c.ID, id)
	return c, hook, err
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) {
	c, hook, err := s.adminWebhook(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ds, err := s.store.WebhookDeliveries(r.Context(), store.DeliveryFilter{CampaignID: c.ID, WebhookID: hook.ID, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]deliveryView, len(ds))
	for i, d := range ds {
		views[i] = viewDelivery(d, hook.Disabled())
	}
	s.render(w, r, http.StatusOK, "admin_webhooks_deliveries", page{Title: "Deliveries to " + hook.URL, D: map[string]any{
		"Campaign": c, "Webhook": hook, "Deliveries": views,
	}})
}

// changeWebhook makes a change to the endpoint the path names, and goes
// back to the campaign's webhooks.
func (s *Server) changeWebhook(w http.ResponseWriter, r *http.Request, change func(campaignID, id int64) error) {
	c, hook, err := s.adminWebhook(r)
	if err == nil {
		err = change(c.ID, hook.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+strconv.FormatInt(c.ID, 10)+"/webhooks", http.StatusSeeOther)
}

func (s *Server) webhookDisable(w http.ResponseWriter, r *http.Request) {
	s.changeWebhook(w, r, func(campaignID, id int64) error {
		return s.store.SetWebhookDisabled(r.Context(), campaignID, id, true)
	})
}

func (s *Server) webhookEnable(w http.ResponseWriter, r *http.Request) {
	s.changeWebhook(w, r, func(campaignID, id int64) error {
		return s.store.SetWebhookDisabled(r.Context(), campaignID, id, false)
	})
}

func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request) {
	s.changeWebhook(w, r, func(campaignID, id int64) error {
		return s.store.DeleteWebhook(r.Context(), campaignID, id)
	})
}

func (s *Server) webhookRotate(w http.ResponseWriter, r *http.Request) {
	c, hook, err := s.adminWebhook(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secret, err := s.store.RotateWebhookSecret(r.Context(), c.ID, hook.ID, webhookRotationOverlap)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderWebhookSecret(w, r, http.StatusOK, c, hook, secret, true)
}

func (s *Server) webhookReplay(w http.ResponseWriter, r *http.Request) {
	c, err := s.adminCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := pathID(r, "delivery")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.store.ReplayWebhookDelivery(r.Context(), c.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/campaigns/"+strconv.FormatInt(c.ID, 10)+"/webhooks/"+strconv.FormatInt(d.WebhookID, 10)+"#delivery-"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
}
