package mail

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// reserved are the header fields compose writes itself, and the ones that
// would make the header disagree with the envelope. They cannot be set
// through Message.Headers.
var reserved = map[string]bool{
	"Date": true, "Message-Id": true, "From": true, "Sender": true, "To": true,
	"Cc": true, "Bcc": true, "Subject": true, "Return-Path": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"List-Unsubscribe": true, "List-Unsubscribe-Post": true,
}

// compose renders m as an RFC 5322 message in 7-bit ASCII with CRLF line
// ends, ready for SMTP DATA.
func compose(from *netmail.Address, m Message, now time.Time) ([]byte, error) {
	if err := check(m); err != nil {
		return nil, err
	}
	var h []field
	h = append(h,
		field{"Date", now.Format(time.RFC1123Z)},
		field{"Message-ID", messageID(from.Address)},
		field{"From", from.String()},
		field{"To", (&netmail.Address{Name: m.ToName, Address: m.To}).String()},
		field{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
	)
	if m.ListUnsubscribe != "" {
		h = append(h,
			field{"List-Unsubscribe", "<" + m.ListUnsubscribe + ">"},
			field{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
		)
	}
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		h = append(h, field{textproto.CanonicalMIMEHeaderKey(name), mime.QEncoding.Encode("utf-8", m.Headers[name])})
	}
	h = append(h, field{"MIME-Version", "1.0"})

	var body bytes.Buffer
	if m.HTML == "" {
		h = append(h,
			field{"Content-Type", "text/plain; charset=utf-8"},
			field{"Content-Transfer-Encoding", "quoted-printable"},
		)
		if err := writeQP(&body, m.Text); err != nil {
			return nil, err
		}
	} else {
		mw := multipart.NewWriter(&body)
		h = append(h, field{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})})
		// The plain-text part comes first: readers show the last part they
		// understand, so the richest alternative goes last (RFC 2046 §5.1.4).
		if err := writePart(mw, "text/plain; charset=utf-8", m.Text); err != nil {
			return nil, err
		}
		if err := writePart(mw, "text/html; charset=utf-8", m.HTML); err != nil {
			return nil, err
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
	}

	var out bytes.Buffer
	for _, f := range h {
		if err := f.writeTo(&out); err != nil {
			return nil, err
		}
	}
	out.WriteString("\r\n")
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// check refuses what cannot be sent safely, before anything is encoded.
func check(m Message) error {
	if m.To == "" {
		return fmt.Errorf("%w: no recipient address", ErrInvalid)
	}
	if err := checkAddress("recipient address", m.To); err != nil {
		return err
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fmt.Errorf("%w: no subject", ErrInvalid)
	}
	if m.Text == "" {
		return fmt.Errorf("%w: no plain-text body", ErrInvalid)
	}
	for _, f := range []field{{"recipient name", m.ToName}, {"subject", m.Subject}, {"List-Unsubscribe URL", m.ListUnsubscribe}} {
		if err := checkHeaderText(f.name, f.value); err != nil {
			return err
		}
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		return fmt.Errorf("%w: body is not valid UTF-8", ErrInvalid)
	}
	if m.ListUnsubscribe != "" {
		if err := checkUnsubscribeURL(m.ListUnsubscribe); err != nil {
			return err
		}
	}
	seen := make(map[string]bool, len(m.Headers))
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		v := m.Headers[name]
		if err := checkFieldName(name); err != nil {
			return err
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		if seen[key] {
			return fmt.Errorf("%w: header %s is given twice", ErrInvalid, key)
		}
		seen[key] = true
		if err := checkHeaderText("header "+name, v); err != nil {
			return err
		}
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("%w: header %s is empty", ErrInvalid, name)
		}
	}
	return nil
}

// checkAddress accepts a bare ASCII addr-spec ("a@example.org") and nothing
// else: no display name, no list, no line break.
func checkAddress(what, addr string) error {
	if err := checkHeaderText(what, addr); err != nil {
		return err
	}
	for i := 0; i < len(addr); i++ {
		if addr[i] >= utf8.RuneSelf {
			// A non-ASCII mailbox needs SMTPUTF8 end to end, which this
			// package does not promise.
			return fmt.Errorf("%w: %s %q is not ASCII", ErrInvalid, what, addr)
		}
	}
	a, err := netmail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return fmt.Errorf("%w: %s %q is not a single email address", ErrInvalid, what, addr)
	}
	return nil
}

// checkHeaderText refuses control characters, CR and LF above all: they are
// how a header value smuggles in a header of its own.
func checkHeaderText(what, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, what)
	}
	for _, r := range v {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return fmt.Errorf("%w: %s contains a line break or control character", ErrInvalid, what)
		}
	}
	return nil
}

// checkFieldName accepts an RFC 5322 field name that is not reserved.
func checkFieldName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: header with no name", ErrInvalid)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("%w: header name %q is not a valid field name", ErrInvalid, name)
		}
	}
	if reserved[textproto.CanonicalMIMEHeaderKey(name)] {
		return fmt.Errorf("%w: header %s is set by the mail package and cannot be overridden", ErrInvalid, name)
	}
	return nil
}

func checkUnsubscribeURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		strings.ContainsAny(raw, "<> \t\"") {
		return fmt.Errorf("%w: List-Unsubscribe URL %q is not an absolute http(s) URL", ErrInvalid, raw)
	}
	return nil
}

// messageID returns a new, globally unique Message-ID in the sender's domain.
func messageID(fromAddr string) string {
	domain := fromAddr[strings.LastIndexByte(fromAddr, '@')+1:]
	return "<" + rand.Text() + "@" + domain + ">"
}

func writePart(mw *multipart.Writer, contentType, body string) error {
	w, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	return writeQP(w, body)
}

// writeQP writes s quoted-printable; line ends in s, "\n" or "\r\n", become
// CRLF on the wire.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(s)); err != nil {
		return err
	}
	return qp.Close()
}

type field struct{ name, value string }

// maxLine is RFC 5322's hard limit on a line, without its CRLF.
const maxLine = 998

// writeTo writes the field folded at spaces to keep lines to 78 characters
// where it can (RFC 5322 §2.2.3). Folding only inserts CRLF before a space,
// so unfolding gives back the value exactly.
func (f field) writeTo(out *bytes.Buffer) error {
	var b strings.Builder
	b.WriteString(f.name)
	b.WriteString(":")
	lineLen := b.Len()
	for i, word := range strings.Split(f.value, " ") {
		// Fold before the first word only when that makes it fit, as it
		// does for a 75-character encoded word (RFC 2047's longest).
		if word != "" && lineLen+1+len(word) > 78 && (i > 0 || 1+len(word) <= 78) {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteString(" ")
		b.WriteString(word)
		lineLen += 1 + len(word)
		if lineLen > maxLine {
			return fmt.Errorf("%w: header %s has a line longer than %d characters", ErrInvalid, f.name, maxLine)
		}
	}
	b.WriteString("\r\n")
	out.WriteString(b.String())
	return nil
}
