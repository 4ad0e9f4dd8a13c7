package mailtest_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/textproto"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundswell-health/groundswell/mail"
	"github.com/groundswell-health/groundswell/mail/mailtest"
)

// rawSend speaks SMTP by hand so that a test can send bytes no well-behaved
// client would. It returns the server's reply to the end of DATA.
func rawSend(t *testing.T, addr, data string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	tp := textproto.NewReader(bufio.NewReader(conn))
	expect := func(code int) {
		t.Helper()
		if _, msg, err := tp.ReadResponse(code); err != nil {
			t.Fatalf("want %d, got %v %s", code, err, msg)
		}
	}
	expect(220)
	for _, step := range []struct {
		cmd  string
		code int
	}{{"EHLO test", 250}, {"MAIL FROM:<a@example.org>", 250}, {"RCPT TO:<b@example.org>", 250}, {"DATA", 354}} {
		fmt.Fprintf(conn, "%s\r\n", step.cmd)
		expect(step.code)
	}
	fmt.Fprintf(conn, "%s\r\n.\r\n", data)
	code, msg, err := tp.ReadResponse(0)
	if err != nil && code == 0 {
		t.Fatalf("reply to DATA: %v", err)
	}
	return fmt.Sprintf("%d %s", code, msg)
}

const header = "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nFrom: a@example.org\r\nTo: b@example.org\r\n"

func TestReceivedIsDecoded(t *testing.T) {
	srv := mailtest.NewServer(t)
	msg := header +
		"Subject: =?utf-8?b?Q2Fmw6kg4piV?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=inner\r\n\r\n" +
		"--inner\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"U2nDom4sCi5kb3QK\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>Si=C3=A2n</p>=\r\n<p>on</p>\r\n" +
		"--inner--\r\n" +
		"--outer\r\n" +
		"Content-Type: text/calendar; charset=utf-8\r\n\r\n" +
		"BEGIN:VCALENDAR\r\n" +
		"--outer--"
	if reply := rawSend(t, srv.Addr(), msg); !strings.HasPrefix(reply, "250") {
		t.Fatalf("server replied %s", reply)
	}
	r := srv.WaitFor(t, 1, time.Second)[0]
	if r.Subject != "Café ☕" {
		t.Errorf("Subject = %q", r.Subject)
	}
	if r.Text != "Siân,\n.dot\n" {
		t.Errorf("Text = %q", r.Text)
	}
	if r.HTML != "<p>Siân</p><p>on</p>" {
		t.Errorf("HTML = %q", r.HTML)
	}
	var types []string
	for _, p := range r.Parts {
		types = append(types, p.ContentType)
	}
	if got := strings.Join(types, " "); got != "text/plain text/html text/calendar" {
		t.Errorf("parts = %s", got)
	}
	if r.From != "a@example.org" || len(r.To) != 1 || r.To[0] != "b@example.org" {
		t.Errorf("envelope %q → %q", r.From, r.To)
	}
}

func TestRefusesMalformed(t *testing.T) {
	srv := mailtest.NewServer(t)
	for name, msg := range map[string]string{
		"bare LF":          header + "Subject: x\r\n\r\nline one\nline two",
		"bare CR":          header + "Subject: x\r\n\r\nline one\rline two",
		"long line":        header + "Subject: x\r\n\r\n" + strings.Repeat("x", 999),
		"no Date":          "From: a@example.org\r\nSubject: x\r\n\r\nbody",
		"no From":          "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nSubject: x\r\n\r\nbody",
		"latin-1 charset":  header + "Content-Type: text/plain; charset=iso-8859-1\r\n\r\nbody",
		"invalid UTF-8":    header + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=FF",
		"no boundary":      header + "Content-Type: multipart/alternative\r\n\r\nbody",
		"unknown encoding": header + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbody",
	} {
		if reply := rawSend(t, srv.Addr(), msg); !strings.HasPrefix(reply, "554") {
			t.Errorf("%s: server replied %s, want 554", name, reply)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d malformed messages recorded", n)
	}
}

func send(t *testing.T, srv *mailtest.Server, to string) error {
	t.Helper()
	s, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	return s.Send(context.Background(), mail.Message{To: to, Subject: "S", Text: "x"})
}

func TestStopStart(t *testing.T) {
	srv := mailtest.NewServer(t)
	addr := srv.Addr()
	if err := send(t, srv, "one@example.org"); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	srv.Stop() // stopping twice is harmless
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("a stopped server accepts connections")
	}
	if err := send(t, srv, "lost@example.org"); err == nil {
		t.Fatal("a stopped server took mail")
	}
	srv.Start()
	srv.Start() // starting twice is harmless
	if srv.Addr() != addr {
		t.Errorf("address changed from %s to %s", addr, srv.Addr())
	}
	if err := send(t, srv, "two@example.org"); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].To[0] != "one@example.org" || msgs[1].To[0] != "two@example.org" {
		t.Errorf("messages after a restart: %+v", msgs)
	}
}

func TestWaitForWakesOnArrival(t *testing.T) {
	srv := mailtest.NewServer(t)
	errc := make(chan error, 1)
	time.AfterFunc(50*time.Millisecond, func() { errc <- send(t, srv, "late@example.org") })
	start := time.Now()
	msgs := srv.WaitFor(t, 1, 10*time.Second)
	if len(msgs) != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("WaitFor returned %d messages after %s", len(msgs), time.Since(start))
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// fatalTB records Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func TestWaitForFailsTheTestOnTimeout(t *testing.T) {
	srv := mailtest.NewServer(t)
	fake := &fatalTB{TB: t}
	done := make(chan []mailtest.Received)
	go func() {
		defer close(done)
		done <- srv.WaitFor(fake, 1, 100*time.Millisecond)
	}()
	if msgs, returned := <-done; returned {
		t.Fatalf("WaitFor returned %d messages instead of failing", len(msgs))
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if !strings.Contains(fake.msg, "waited 100ms for 1 messages; 0 arrived") {
		t.Errorf("failure message = %q", fake.msg)
	}
}
