package followup

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"strconv"
	texttemplate "text/template"
	"time"

	gs "github.com/groundswell-health/groundswell"
	"github.com/groundswell-health/groundswell/mail"
)

//go:embed templates
var templateFS embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.New("").ParseFS(templateFS, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.New("").ParseFS(templateFS, "templates/*.html"))
)

// emailData is what the email templates receive.
type emailData struct {
	Name, Campaign, Group, Action, DueOn, Link, Within string
	// Organisation is the organisation an invitation to represent names.
	Organisation string

	// Follow-up emails (sweep.go).
	DaysLeft string // "in 14 days", "tomorrow"
	CloseOn  string // the date an unanswered pledge will be closed
	// One-click links; empty when the email has none of that kind.
	DoneLink, NotYetLink, CantLink, ReviveLink string
	UnsubscribeLink                            string
}

// confirmationMessage composes the email that confirms a pledge. It is about
// the person's own pledge, so it goes without contact consent; like every
// email it still carries an unsubscribe link.
func confirmationMessage(rc gs.Receipt, link, unsubscribe string, within time.Duration) (mail.Message, error) {
	if link == "" || link[0] == '/' {
		return mail.Message{}, errNoBaseURL
	}
	d := emailData{Name: rc.Person.Name, Campaign: rc.Campaign.Title, Group: rc.Group.Name, Action: rc.Action.Title,
		DueOn: rc.Action.DueOn.Long(), Link: link, Within: days(within), UnsubscribeLink: unsubscribe}
	msg, err := compose("confirmation", rc.Person, "Confirm your pledge: "+rc.Action.Title, d)
	msg.ListUnsubscribe = unsubscribe
	return msg, err
}

// compose renders the text and HTML parts of an email from the templates
// named name.txt and name.html.
func compose(name string, to gs.Person, subject string, d emailData) (mail.Message, error) {
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, name+".txt", d); err != nil {
		return mail.Message{}, err
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html", d); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: to.Email, ToName: to.Name, Subject: subject, Text: text.String(), HTML: html.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated"}}, nil
}

// days writes a duration in whole days: "7 days".
func days(d time.Duration) string {
	n := int(d.Round(24*time.Hour) / (24 * time.Hour))
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}
