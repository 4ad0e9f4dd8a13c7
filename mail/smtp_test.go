package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/mail/mailtest"
)

func newSender(t *testing.T, cfg mail.SMTPConfig) *mail.SMTPSender {
	t.Helper()
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

// sendOne sends m to srv and returns the one message that arrived.
func sendOne(t *testing.T, srv *mailtest.Server, m mail.Message) mailtest.Received {
	t.Helper()
	if err := newSender(t, srv.Config()).Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server has %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func TestSendBothPartsTextFirst(t *testing.T) {
	srv := mailtest.NewServer(t)
	long := strings.Repeat("Pledge to walk 10,000 steps a day. ", 8)
	m := mail.Message{
		To:      "sian@example.org",
		ToName:  "Siân Evans",
		Subject: "Confirm your pledge",
		Text: "Hello Siân,\n\nCafé ☕ at 10:00.\n.\n.a line that starts with a dot\n" +
			"From the start of a line\n" + long + "\ntrailing spaces   \n= signs = kept\n",
		HTML: "<p>Hello Siân,</p>\n<p>Café ☕ at 10:00.</p>\n<p>" + long + "</p>",
	}
	before := time.Now()
	r := sendOne(t, srv, m)

	if len(r.Parts) != 2 || r.Parts[0].ContentType != "text/plain" || r.Parts[1].ContentType != "text/html" {
		t.Fatalf("parts = %+v, want text/plain then text/html", r.Parts)
	}
	if r.Text != m.Text {
		t.Errorf("text body:\n got %q\nwant %q", r.Text, m.Text)
	}
	if r.HTML != m.HTML {
		t.Errorf("HTML body:\n got %q\nwant %q", r.HTML, m.HTML)
	}
	if ct := r.Headers.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if got := r.Headers.Get("MIME-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q", got)
	}
	if n := bytes.Count(r.Raw, []byte("Content-Transfer-Encoding: quoted-printable")); n != 2 {
		t.Errorf("%d quoted-printable parts, want 2", n)
	}
	if r.From != "noreply@groundswell.test" || len(r.To) != 1 || r.To[0] != m.To {
		t.Errorf("envelope from %q to %q", r.From, r.To)
	}
	date, err := netmail.ParseDate(r.Headers.Get("Date"))
	if err != nil || date.Before(before.Add(-time.Second)) || date.After(time.Now().Add(time.Second)) {
		t.Errorf("Date = %q (%v), want now", r.Headers.Get("Date"), err)
	}
	checkWire(t, r.Raw)
}

// checkWire checks what a strict receiver needs: 7-bit ASCII, lines within
// RFC 5322's recommended 78 characters (quoted-printable keeps to 76).
func checkWire(t *testing.T, raw []byte) {
	t.Helper()
	for i, b := range raw {
		if b >= 0x80 {
			t.Fatalf("byte %d of the message is 0x%x: not 7-bit", i, b)
		}
	}
	for n, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters: %q", n+1, len(line), line)
		}
	}
}

func TestPlainTextOnly(t *testing.T) {
	srv := mailtest.NewServer(t)
	r := sendOne(t, srv, mail.Message{To: "a@example.org", Subject: "Hi", Text: "Just text.\n"})
	if len(r.Parts) != 1 || r.Parts[0].ContentType != "text/plain" || r.Text != "Just text.\n" || r.HTML != "" {
		t.Errorf("parts = %+v", r.Parts)
	}
	if ct := r.Headers.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestUTF8HeadersRoundTrip(t *testing.T) {
	srv := mailtest.NewServer(t)
	cfg := srv.Config()
	cfg.From = "Grŵp Iechyd <noreply@groundswell.test>"
	longSubject := strings.Repeat("Café ☕ pledge, ", 12) + "done"
	for _, tc := range []struct{ name, subject string }{
		{"Siân Evans", "Café ☕ pledge"},
		{"O'Brien, Pat", "A plain ASCII subject"},
		{"Zoë \"Zo\" Brontë-Ngọc", longSubject},
		{"", strings.Repeat("word ", 40) + "end"},
	} {
		s := newSender(t, cfg)
		n := len(srv.Messages())
		m := mail.Message{To: "sian@example.org", ToName: tc.name, Subject: tc.subject, Text: "x"}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		r := srv.WaitFor(t, n+1, time.Second)[n]
		if r.Subject != tc.subject {
			t.Errorf("subject:\n got %q\nwant %q", r.Subject, tc.subject)
		}
		to, err := netmail.ParseAddress(r.Headers.Get("To"))
		if err != nil || to.Name != tc.name || to.Address != m.To {
			t.Errorf("To header %q parses as %+v (%v), want %q <%s>", r.Headers.Get("To"), to, err, tc.name, m.To)
		}
		from, err := netmail.ParseAddress(r.Headers.Get("From"))
		if err != nil || from.Name != "Grŵp Iechyd" || from.Address != "noreply@groundswell.test" {
			t.Errorf("From header %q parses as %+v (%v)", r.Headers.Get("From"), from, err)
		}
		checkWire(t, r.Raw)
	}
}

func TestListUnsubscribe(t *testing.T) {
	srv := mailtest.NewServer(t)
	const u = "https://groundswell.example.org/unsubscribe/4Q7TZ9XK2M?c=12&a=3"
	r := sendOne(t, srv, mail.Message{To: "a@example.org", Subject: "Reminder", Text: "x", ListUnsubscribe: u})
	if got := r.Headers.Get("List-Unsubscribe"); got != "<"+u+">" {
		t.Errorf("List-Unsubscribe = %q, want <%s>", got, u)
	}
	if got := r.Headers.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}

	srv = mailtest.NewServer(t)
	r = sendOne(t, srv, mail.Message{To: "a@example.org", Subject: "Confirm", Text: "x"})
	for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post"} {
		if v, ok := r.Headers[h]; ok {
			t.Errorf("%s = %q without ListUnsubscribe", h, v)
		}
	}
}

func TestExtraHeaders(t *testing.T) {
	srv := mailtest.NewServer(t)
	r := sendOne(t, srv, mail.Message{To: "a@example.org", Subject: "S", Text: "x", Headers: map[string]string{
		"Auto-Submitted":     "auto-generated",
		"x-groundswell-kind": "reminder",
	}})
	if got := r.Headers.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	if got := r.Headers.Get("X-Groundswell-Kind"); got != "reminder" {
		t.Errorf("X-Groundswell-Kind = %q", got)
	}
}

func TestMessageIDPresentAndUnique(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := newSender(t, srv.Config())
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Send(context.Background(), mail.Message{To: fmt.Sprintf("p%d@example.org", i), Subject: "S", Text: "x"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	msgs := srv.WaitFor(t, n, time.Second)
	format := regexp.MustCompile(`^<[A-Z2-7]{26}@groundswell\.test>$`)
	seen := map[string]bool{}
	for _, r := range msgs {
		id := r.Headers.Get("Message-Id")
		if !format.MatchString(id) {
			t.Errorf("Message-ID %q does not look like <random@groundswell.test>", id)
		}
		if seen[id] {
			t.Errorf("Message-ID %q used twice", id)
		}
		seen[id] = true
	}
}

func TestInvalidMessagesRefusedBeforeSending(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := newSender(t, srv.Config())
	ok := mail.Message{To: "a@example.org", Subject: "Hello", Text: "x"}
	for name, change := range map[string]func(*mail.Message){
		"CRLF in subject":          func(m *mail.Message) { m.Subject = "Hi\r\nBcc: x@evil.example" },
		"LF in subject":            func(m *mail.Message) { m.Subject = "Hi\nBcc: x@evil.example" },
		"CR in subject":            func(m *mail.Message) { m.Subject = "Hi\rBcc: x@evil.example" },
		"NUL in subject":           func(m *mail.Message) { m.Subject = "Hi\x00" },
		"CRLF in address":          func(m *mail.Message) { m.To = "a@example.org\r\nBcc: x@evil.example" },
		"two addresses":            func(m *mail.Message) { m.To = "a@example.org, x@evil.example" },
		"name in address":          func(m *mail.Message) { m.To = "Siân <a@example.org>" },
		"non-ASCII address":        func(m *mail.Message) { m.To = "siân@example.org" },
		"CRLF in name":             func(m *mail.Message) { m.ToName = "Siân\r\nBcc: x@evil.example" },
		"CRLF in header value":     func(m *mail.Message) { m.Headers = map[string]string{"X-Kind": "a\r\nBcc: x@evil.example"} },
		"CRLF in header name":      func(m *mail.Message) { m.Headers = map[string]string{"X-Kind\r\nBcc": "x@evil.example"} },
		"colon in header name":     func(m *mail.Message) { m.Headers = map[string]string{"Bcc: x@evil.example\r\nX": "y"} },
		"Bcc header":               func(m *mail.Message) { m.Headers = map[string]string{"bcc": "x@evil.example"} },
		"From header":              func(m *mail.Message) { m.Headers = map[string]string{"From": "ceo@example.org"} },
		"header given twice":       func(m *mail.Message) { m.Headers = map[string]string{"X-Kind": "a", "x-kind": "b"} },
		"CRLF in unsubscribe URL":  func(m *mail.Message) { m.ListUnsubscribe = "https://example.org/u\r\nBcc: x@evil.example" },
		"angle in unsubscribe URL": func(m *mail.Message) { m.ListUnsubscribe = "https://example.org/u>, <mailto:x@evil.example" },
		"non-http unsubscribe URL": func(m *mail.Message) { m.ListUnsubscribe = "javascript:alert(1)" },
		"relative unsubscribe URL": func(m *mail.Message) { m.ListUnsubscribe = "/unsubscribe/abc" },
		"no recipient":             func(m *mail.Message) { m.To = "" },
		"no subject":               func(m *mail.Message) { m.Subject = "  " },
		"no text":                  func(m *mail.Message) { m.Text = "" },
		"invalid UTF-8 body":       func(m *mail.Message) { m.HTML = "\xff" },
	} {
		m := ok
		change(&m)
		err := s.Send(context.Background(), m)
		if err == nil {
			t.Errorf("%s: sent", name)
			continue
		}
		if !errors.Is(err, mail.ErrInvalid) || !mail.IsPermanent(err) {
			t.Errorf("%s: error %v is not ErrInvalid and permanent", name, err)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%s: error message %q carries the line break on", name, err)
		}
	}
	if msgs := srv.Messages(); len(msgs) != 0 {
		t.Fatalf("the server received %d messages, the first:\n%s", len(msgs), msgs[0].Raw)
	}
	// The same sender still sends a good message.
	if err := s.Send(context.Background(), ok); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func TestServerDownIsTemporary(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := newSender(t, srv.Config())
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}

	srv.SetDown(true)
	err := s.Send(context.Background(), m)
	if err == nil {
		t.Fatal("Send to a server that is down succeeded")
	}
	if mail.IsPermanent(err) || !strings.Contains(err.Error(), "451") || !strings.Contains(err.Error(), "send mail to a@example.org") {
		t.Errorf("error = %v, want a temporary 451 naming the recipient", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived while the server was down", n)
	}

	srv.SetDown(false)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send once the server is back: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

func TestServerStoppedIsTemporary(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := newSender(t, srv.Config())
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}

	srv.Stop()
	err := s.Send(context.Background(), m)
	if err == nil {
		t.Fatal("Send to a stopped server succeeded")
	}
	if want := "send mail to a@example.org: dial " + srv.Addr() + ": "; !strings.HasPrefix(err.Error(), want) || mail.IsPermanent(err) {
		t.Errorf("error = %v, want a temporary error starting %q", err, want)
	}

	srv.Start()
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send after Start: %v", err)
	}
	srv.WaitFor(t, 1, time.Second)
}

func TestRejectedRecipientIsPermanent(t *testing.T) {
	srv := mailtest.NewServer(t)
	srv.RejectRecipient("gone@example.org")
	err := newSender(t, srv.Config()).Send(context.Background(), mail.Message{To: "gone@example.org", Subject: "S", Text: "x"})
	if err == nil || !mail.IsPermanent(err) || !strings.Contains(err.Error(), "RCPT TO: 550") {
		t.Fatalf("error = %v, want a permanent 550 at RCPT TO", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
}

func TestRefusedAtEndOfData(t *testing.T) {
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}
	for _, tc := range []struct {
		code      int
		permanent bool
	}{{451, false}, {452, false}, {554, true}, {552, true}} {
		srv := mailtest.NewServer(t)
		srv.RefuseData(tc.code)
		err := newSender(t, srv.Config()).Send(context.Background(), m)
		if err == nil {
			t.Errorf("%d: Send reported success", tc.code)
			continue
		}
		if mail.IsPermanent(err) != tc.permanent || !strings.Contains(err.Error(), fmt.Sprintf("end of DATA: %d", tc.code)) {
			t.Errorf("%d: error = %v, permanent %v; want permanent %v", tc.code, err, mail.IsPermanent(err), tc.permanent)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d: %d messages kept", tc.code, n)
		}
	}
}

// silentServer accepts connections, writes greeting (if any) and then says
// nothing more until the test ends.
func silentServer(t *testing.T, greeting string) mail.SMTPConfig {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			_, _ = c.Write([]byte(greeting))
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return mail.SMTPConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, From: "noreply@groundswell.test", TLS: "none"}
}

func TestDeadlines(t *testing.T) {
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}
	const limit = 300 * time.Millisecond
	for _, tc := range []struct {
		name     string
		greeting string
		timeout  time.Duration // SMTPConfig.Timeout
		ctx      func() (context.Context, context.CancelFunc)
		want     error
		wantText string
	}{
		{"ctx deadline, no greeting", "", time.Minute,
			func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), limit) },
			context.DeadlineExceeded, "greeting: context deadline exceeded"},
		{"ctx deadline, silent after greeting", "220 hello\r\n", time.Minute,
			func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), limit) },
			context.DeadlineExceeded, "EHLO: context deadline exceeded"},
		{"config timeout", "", limit,
			func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			context.DeadlineExceeded, "SMTP timeout of 300ms reached"},
		{"ctx cancelled", "", time.Minute,
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(limit, cancel)
				return ctx, cancel
			},
			context.Canceled, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := silentServer(t, tc.greeting)
			cfg.Timeout = tc.timeout
			s := newSender(t, cfg)
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			err := s.Send(ctx, m)
			elapsed := time.Since(start)
			if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.wantText) {
				t.Errorf("error = %v, want %v containing %q", err, tc.want, tc.wantText)
			}
			if elapsed < limit-10*time.Millisecond || elapsed > limit+time.Second {
				t.Errorf("Send returned after %s, want about %s", elapsed, limit)
			}
		})
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	srv := mailtest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newSender(t, srv.Config()).Send(ctx, mail.Message{To: "a@example.org", Subject: "S", Text: "x"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
}

func TestAuth(t *testing.T) {
	const user, password = "groundswell", "c0rrect-h0rse-Battery"
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}
	for _, mechs := range [][]string{{"PLAIN"}, {"LOGIN"}, {"CRAM-MD5", "LOGIN"}} {
		t.Run(strings.Join(mechs, "+"), func(t *testing.T) {
			srv := mailtest.NewServer(t, mailtest.WithAuth(user, password, mechs...))
			sendOne(t, srv, m)

			cfg := srv.Config()
			cfg.Username = ""
			cfg.Password = ""
			if err := newSender(t, cfg).Send(context.Background(), m); err == nil || mail.IsPermanent(err) {
				t.Errorf("without a login: error = %v, want a temporary refusal", err)
			}

			cfg = srv.Config()
			cfg.Password = "wrong-" + password
			err := newSender(t, cfg).Send(context.Background(), m)
			if err == nil || mail.IsPermanent(err) || !strings.Contains(err.Error(), "AUTH as groundswell: 535") {
				t.Errorf("wrong password: error = %v, want a temporary 535 at AUTH", err)
			}
			if err != nil && strings.Contains(err.Error(), password) {
				t.Errorf("error %q gives away the password", err)
			}
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("%d messages, want only the one sent with the right password", n)
			}
		})
	}

	t.Run("unsupported mechanism", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth(user, password, "CRAM-MD5"))
		err := newSender(t, srv.Config()).Send(context.Background(), m)
		if err == nil || !strings.Contains(err.Error(), `the server offers "CRAM-MD5"`) {
			t.Errorf("error = %v", err)
		}
	})
}

func TestTLS(t *testing.T) {
	m := mail.Message{To: "a@example.org", Subject: "S", Text: "x"}
	t.Run("starttls with login", func(t *testing.T) {
		// The server refuses MAIL FROM before STARTTLS, so delivery proves the upgrade.
		srv := mailtest.NewServer(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("u", "p"))
		sendOne(t, srv, m)
	})
	t.Run("implicit tls", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithTLS())
		sendOne(t, srv, m)
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithSTARTTLS())
		cfg := srv.Config()
		cfg.RootCAs = nil
		err := newSender(t, cfg).Send(context.Background(), m)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS: tls: failed to verify certificate") {
			t.Errorf("error = %v, want a certificate failure", err)
		}
	})
	t.Run("starttls not offered", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		cfg := srv.Config()
		cfg.TLS = "starttls"
		err := newSender(t, cfg).Send(context.Background(), m)
		if err == nil || !strings.Contains(err.Error(), "STARTTLS: the server does not offer it") {
			t.Errorf("error = %v, want a refusal to go on without TLS", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages sent in clear", n)
		}
	})
}

func TestNewSMTPChecksConfig(t *testing.T) {
	good := mail.SMTPConfig{Host: "smtp.example.org", From: "Groundswell <noreply@example.org>", Username: "u", Password: "hunter2-secret"}
	if _, err := mail.NewSMTP(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, tc := range []struct {
		change func(*mail.SMTPConfig)
		want   string
	}{
		{func(c *mail.SMTPConfig) { c.Host = "" }, "Host is empty"},
		{func(c *mail.SMTPConfig) { c.Host = "smtp.example.org:587" }, "Host \"smtp.example.org:587\" should not include a port"},
		{func(c *mail.SMTPConfig) { c.Port = 70000 }, "Port 70000 is not between 1 and 65535"},
		{func(c *mail.SMTPConfig) { c.TLS = "ssl" }, "TLS is \"ssl\""},
		{func(c *mail.SMTPConfig) { c.From = "" }, "From is empty"},
		{func(c *mail.SMTPConfig) { c.From = "Groundswell" }, "From \"Groundswell\" is not an address"},
		{func(c *mail.SMTPConfig) { c.From = "a@example.org\r\nBcc: x@evil.example" }, "From \"a@example.org\\r\\nBcc: x@evil.example\" contains a line break"},
		{func(c *mail.SMTPConfig) { c.Username = "" }, "Password is set but Username is empty"},
		{func(c *mail.SMTPConfig) { c.TLS = "none" }, "Username is set but TLS is \"none\""},
		{func(c *mail.SMTPConfig) { c.Timeout = -time.Second }, "Timeout -1s is negative"},
		{func(c *mail.SMTPConfig) { c.HelloName = "my host" }, "HelloName \"my host\""},
	} {
		cfg := good
		tc.change(&cfg)
		_, err := mail.NewSMTP(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want one containing %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), good.Password) {
			t.Errorf("error %q gives away the password", err)
		}
	}

	local := good
	local.Host, local.TLS = "127.0.0.1", "none"
	if _, err := mail.NewSMTP(local); err != nil {
		t.Errorf("login without TLS to localhost: %v", err)
	}
	_, err := mail.NewSMTP(mail.SMTPConfig{})
	for _, field := range []string{"Host", "From"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("empty config: error %v does not name %s", err, field)
		}
	}
}

func TestConfigHidesPassword(t *testing.T) {
	cfg := mail.SMTPConfig{Host: "smtp.example.org", Username: "u", Password: "hunter2-secret", From: "a@example.org"}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		slog.New(h).Info("smtp", "config", cfg)
	}
	fmt.Fprintf(&buf, "%v %+v %s %#v %v", cfg, cfg, cfg, cfg, &cfg)
	if strings.Contains(buf.String(), cfg.Password) {
		t.Errorf("the password shows in:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "smtp.example.org") {
		t.Errorf("the host is missing from:\n%s", buf.String())
	}
}
