package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// parse decodes raw as a MIME message, refusing what a careful receiving
// server or mail client would trip over.
func parse(raw []byte) (Received, error) {
	if err := checkLines(raw); err != nil {
		return Received{}, err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("header: %w", err)
	}
	h := textproto.MIMEHeader(msg.Header)
	for _, name := range []string{"Date", "From"} {
		if h.Get(name) == "" {
			return Received{}, fmt.Errorf("no %s header", name)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		return Received{}, fmt.Errorf("subject: %w", err)
	}
	parts, err := parseBody(h, msg.Body)
	if err != nil {
		return Received{}, err
	}
	r := Received{Subject: subject, Parts: parts, Headers: h, Raw: raw}
	for _, p := range parts {
		switch {
		case p.ContentType == "text/plain" && r.Text == "":
			r.Text = p.Body
		case p.ContentType == "text/html" && r.HTML == "":
			r.HTML = p.Body
		}
	}
	return r, nil
}

// checkLines enforces RFC 5322 §2.1.1 and §2.3: CRLF line ends only, and
// no line longer than 998 characters.
func checkLines(raw []byte) error {
	for n, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		body, ok := bytes.CutSuffix(line, []byte("\r\n"))
		if !ok && bytes.HasSuffix(line, []byte("\n")) {
			return fmt.Errorf("line %d ends in a bare LF", n+1)
		}
		if bytes.IndexByte(body, '\r') >= 0 {
			return fmt.Errorf("line %d has a bare CR", n+1)
		}
		if len(body) > 998 {
			return fmt.Errorf("line %d is %d characters long; the limit is 998", n+1, len(body))
		}
	}
	return nil
}

// parseBody returns the leaf parts of an entity, depth first.
func parseBody(h textproto.MIMEHeader, body io.Reader) ([]Part, error) {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("Content-Type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if params["boundary"] == "" {
			return nil, fmt.Errorf("%s without a boundary", mediaType)
		}
		mr := multipart.NewReader(body, params["boundary"])
		var parts []Part
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", mediaType, err)
			}
			sub, err := parseBody(p.Header, p)
			if err != nil {
				return nil, err
			}
			parts = append(parts, sub...)
		}
		if len(parts) == 0 {
			return nil, fmt.Errorf("%s with no parts", mediaType)
		}
		return parts, nil
	}

	if cs := strings.ToLower(params["charset"]); strings.HasPrefix(mediaType, "text/") && cs != "utf-8" && cs != "us-ascii" {
		return nil, fmt.Errorf("%s in charset %q; mailtest reads only utf-8 and us-ascii", mediaType, cs)
	}
	r := body
	switch cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit", "binary":
	default:
		return nil, fmt.Errorf("%s: unknown Content-Transfer-Encoding %q", mediaType, cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: decode: %w", mediaType, err)
	}
	if strings.HasPrefix(mediaType, "text/") && !utf8.Valid(b) {
		return nil, fmt.Errorf("%s: not valid UTF-8 once decoded", mediaType)
	}
	return []Part{{ContentType: mediaType, Body: strings.ReplaceAll(string(b), "\r\n", "\n")}}, nil
}
