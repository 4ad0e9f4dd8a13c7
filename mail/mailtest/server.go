// Package mailtest runs a real SMTP server inside a test, on 127.0.0.1, so
// that code which sends mail through mail.NewSMTP can be tested end to end:
// over TCP, optionally with STARTTLS or TLS and a login, and with the server
// refusing or gone when a test needs it to be.
//
// The server is strict where a lenient one would hide a fault: it refuses
// (554) a message that is not well-formed MIME, has a line longer than 998
// characters or a bare LF, or lacks a Date or From header.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/textproto"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/groundswell-health/groundswell/mail"
)

// Received is one message as the server accepted it.
type Received struct {
	From    string   // envelope sender (MAIL FROM)
	To      []string // envelope recipients (RCPT TO)
	Subject string   // decoded from RFC 2047
	Text    string   // the first text/plain part, decoded, with "\n" line ends
	HTML    string   // the first text/html part, decoded, with "\n" line ends
	Parts   []Part   // every leaf part in the order sent
	Headers textproto.MIMEHeader
	Raw     []byte // the message exactly as received
}

// Part is one leaf MIME part, decoded.
type Part struct {
	ContentType string // the media type alone, such as "text/plain"
	Body        string // decoded, with "\n" line ends
}

// Server is an SMTP server for one test. It is safe for concurrent use.
type Server struct {
	tb       testing.TB
	tlsMode  string // "none", "starttls" or "tls"
	username string
	password string
	mechs    []string
	tlsCfg   *tls.Config    // the server's certificate, when tlsMode is not "none"
	roots    *x509.CertPool // trusts that certificate

	mu       sync.Mutex
	addr     string
	msgs     []Received
	arrived  chan struct{} // closed, and replaced, when a message arrives
	down     bool
	dataCode int // when not 0, the reply to every end of DATA
	rejected map[string]bool
	srv      *smtp.Server  // nil while stopped
	ln       net.Listener  // nil while stopped
	served   chan struct{} // closed when srv.Serve returns
}

// An Option changes what NewServer starts.
type Option func(*Server)

// WithSTARTTLS makes the server offer STARTTLS, with a certificate that
// Config's RootCAs trusts, and refuse mail until the client has upgraded.
func WithSTARTTLS() Option { return func(s *Server) { s.tlsMode = "starttls" } }

// WithTLS makes the server speak TLS from the first byte, as on port 465.
func WithTLS() Option { return func(s *Server) { s.tlsMode = "tls" } }

// WithAuth makes the server require a login with this username and password
// before it takes mail. It offers the given SASL mechanisms, PLAIN and
// LOGIN when none are given.
func WithAuth(username, password string, mechanisms ...string) Option {
	return func(s *Server) {
		s.username, s.password = username, password
		s.mechs = mechanisms
		if len(s.mechs) == 0 {
			s.mechs = []string{"PLAIN", "LOGIN"}
		}
	}
}

// NewServer starts a server on 127.0.0.1 at a free port. It stops when the
// test and its subtests finish.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{tb: tb, tlsMode: "none", arrived: make(chan struct{}), rejected: map[string]bool{}}
	for _, opt := range opts {
		opt(s)
	}
	if s.tlsMode != "none" {
		s.tlsCfg, s.roots = selfSigned(tb)
	}
	if err := s.listen("127.0.0.1:0"); err != nil {
		tb.Fatalf("mailtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Addr is the server's host:port. It stays the same across Stop and Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Config is what mail.NewSMTP needs to send to this server.
func (s *Server) Config() mail.SMTPConfig {
	host, portStr, _ := net.SplitHostPort(s.Addr())
	port, _ := strconv.Atoi(portStr)
	return mail.SMTPConfig{
		Host:     host,
		Port:     port,
		Username: s.username,
		Password: s.password,
		From:     "Groundswell <noreply@groundswell.test>",
		TLS:      s.tlsMode,
		Timeout:  10 * time.Second,
		RootCAs:  s.roots,
	}
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// WaitFor waits until at least n messages have been accepted and returns all
// of them. If they have not arrived within timeout it fails the test with
// t.Fatalf, so call it from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		msgs, arrived := slices.Clone(s.msgs), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-arrived:
		case <-timer.C:
			t.Fatalf("mailtest: waited %s for %d messages; %d arrived", timeout, n, len(msgs))
			return nil
		}
	}
}

// SetDown makes the server answer every MAIL FROM with "451 4.3.0" (down
// true), as a server does when it cannot take mail for now, or take mail
// again (down false). Connections still succeed.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// RefuseData makes the server answer every message, once it has been
// sent in full, with this 4xx or 5xx code and discard it: 451 or 452 as when
// the server fails or runs out of room at the last moment, 554 or 552 as
// when it rejects the content. 0 makes it accept messages again.
func (s *Server) RefuseData(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataCode = code
}

// RejectRecipient makes the server refuse addr with "550 5.1.1", as it does
// for a mailbox that does not exist.
func (s *Server) RejectRecipient(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[addr] = true
}

// Stop closes the listener and every open connection, so that connecting
// is refused, as when the server is not running. Messages received so far
// are kept. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, served := s.srv, s.ln, s.served
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// Close the listener ourselves too: srv.Close misses one that Serve has
	// not registered yet.
	_ = ln.Close()
	_ = srv.Close()
	<-served
}

// Start listens again on the same address after Stop. It fails the test if
// the port has been taken meanwhile, so call it from the test's goroutine.
// Starting a running server does nothing.
func (s *Server) Start() {
	s.tb.Helper()
	s.mu.Lock()
	running, addr := s.srv != nil, s.addr
	s.mu.Unlock()
	if running {
		return
	}
	if err := s.listen(addr); err != nil {
		s.tb.Fatalf("mailtest: start again: %v", err)
	}
}

func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "mailtest.localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	// Plain-text AUTH is safe on loopback, and the sender allows it there.
	srv.AllowInsecureAuth = true
	switch s.tlsMode {
	case "starttls":
		srv.TLSConfig = s.tlsCfg
	case "tls":
		ln = tls.NewListener(ln, s.tlsCfg)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.srv, s.ln, s.served, s.addr = srv, ln, served, ln.Addr().String()
	return nil
}

// accept records m and wakes WaitFor.
func (s *Server) accept(m Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

func (s *Server) dataRefusal() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dataCode == 0 {
		return nil
	}
	return &smtp.SMTPError{Code: s.dataCode, EnhancedCode: smtp.EnhancedCode{s.dataCode / 100, 0, 0},
		Message: "mailtest: refused at end of DATA, as asked"}
}

func (s *Server) isRejected(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected[addr]
}
