// Package mail composes and sends Groundswell's email.
//
// A Message is plain data: one recipient, a subject, a plain-text body and an
// optional HTML body. A Sender delivers it. The SMTP sender promises:
//
//   - a well-formed RFC 5322 message in 7-bit ASCII: UTF-8 subjects and
//     display names are RFC 2047 encoded, bodies are quoted-printable, and the
//     plain-text part comes first in a multipart/alternative body;
//   - no header injection: a carriage return, line feed or other control
//     character in any header value is refused with ErrInvalid before a
//     connection is made;
//   - one-click unsubscribe (RFC 8058) when Message.ListUnsubscribe is set;
//   - the context is honoured throughout: dialling, TLS, and every SMTP reply;
//   - a nil error only once the server has accepted the message, so a caller
//     that retries on error loses nothing (it may, rarely, send twice);
//   - errors name the recipient and the step that failed, and never contain
//     the password.
package mail

import (
	"context"
	"errors"
)

// Message is one email to one person.
type Message struct {
	To      string // the address alone: "siân@example.org" is refused, "sian@example.org" is fine
	ToName  string // display name, may be empty or non-ASCII
	Subject string // required; may be non-ASCII
	Text    string // the plain-text body; required
	HTML    string // the HTML body; when empty the message is plain text only

	// ListUnsubscribe is an absolute http or https URL that unsubscribes the
	// recipient with a single POST (RFC 8058), or "".
	ListUnsubscribe string

	// Headers are extra header fields, such as "Auto-Submitted" or
	// "X-Groundswell-Kind". Values are unstructured text (RFC 2047 encoded
	// when non-ASCII). Fields the package writes itself cannot be set here.
	Headers map[string]string
}

// Sender delivers messages. Send returns nil only once the message has been
// accepted for delivery.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalid is wrapped by every error about a Message that cannot be sent
// as it is, whatever the server: a missing field, a line break in a header.
var ErrInvalid = errors.New("invalid message")

// permanentError marks an error that sending the same message again will
// repeat.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err means that trying the same message again
// will fail the same way: the message is invalid, or the server refused the
// recipient or the message itself with a 5xx reply. Everything else — a
// server that is down or slow, a 4xx reply, a refused login or sender — may
// succeed later, so a job queue should retry it.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalid) {
		return true
	}
	var p *permanentError
	return errors.As(err, &p)
}
