package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// SMTPConfig says how to reach an SMTP submission server or relay.
type SMTPConfig struct {
	Host string
	Port int // 0 means 587 for "starttls", 465 for "tls", 25 for "none"

	// Username and Password log in with AUTH PLAIN, or LOGIN when that is
	// all the server offers. An empty Username means no login.
	Username, Password string

	// From is the sender, "Groundswell <noreply@example.org>" or a bare
	// address. It is also the envelope sender, and its domain names the
	// Message-IDs.
	From string

	// TLS is "starttls" (the default when empty: upgrade a plain connection,
	// and fail if the server cannot), "tls" (TLS from the first byte, as on
	// port 465) or "none" (only for a relay on a trusted network or
	// localhost).
	TLS string

	// Timeout bounds one Send from dial to the server's last reply; the
	// caller's context may cut it shorter. 0 means 30 seconds.
	Timeout time.Duration

	HelloName string         // the name given in EHLO; "" means "localhost"
	RootCAs   *x509.CertPool // certificate authorities to trust; nil means the system's
}

// String describes c with the password hidden, so that a config printed
// with %v or %+v, or logged, does not give it away.
func (c SMTPConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "[hidden]"
	}
	return fmt.Sprintf("{Host:%s Port:%d Username:%s Password:%s From:%s TLS:%s Timeout:%s HelloName:%s}",
		c.Host, c.Port, c.Username, pw, c.From, c.TLS, c.Timeout, c.HelloName)
}

// GoString is String for %#v.
func (c SMTPConfig) GoString() string { return "mail.SMTPConfig" + c.String() }

// LogValue is the config as log/slog records it: without the password.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("username", c.Username),
		slog.Bool("password_set", c.Password != ""),
		slog.String("from", c.From),
		slog.String("tls", c.TLS),
		slog.Duration("timeout", c.Timeout),
	)
}

// SMTPSender sends each message on a new connection to an SMTP server.
// It is safe for concurrent use.
type SMTPSender struct {
	cfg     SMTPConfig
	from    *netmail.Address
	addr    string // host:port
	timeout error  // the cause recorded when cfg.Timeout runs out
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTP checks cfg, fills in its defaults and returns a sender. It does not
// connect: a wrong password or an unreachable server shows up at Send.
func NewSMTP(cfg SMTPConfig) (*SMTPSender, error) {
	from, err := cfg.normalise()
	if err != nil {
		return nil, err
	}
	return &SMTPSender{
		cfg:     cfg,
		from:    from,
		addr:    net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		timeout: fmt.Errorf("SMTP timeout of %s reached: %w", cfg.Timeout, context.DeadlineExceeded),
	}, nil
}

// normalise fills in defaults and reports every problem at once, each
// naming its field.
func (c *SMTPConfig) normalise() (*netmail.Address, error) {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	switch {
	case c.Host == "":
		bad("Host is empty")
	case strings.ContainsAny(c.Host, " \t\r\n/@"):
		bad("Host %q is not a host name or IP address", c.Host)
	case strings.Contains(c.Host, ":") && net.ParseIP(c.Host) == nil:
		bad("Host %q should not include a port: set Port instead", c.Host)
	}

	if c.TLS == "" {
		c.TLS = "starttls"
	}
	defaultPort := map[string]int{"starttls": 587, "tls": 465, "none": 25}
	if _, ok := defaultPort[c.TLS]; !ok {
		bad("TLS is %q; want \"starttls\", \"tls\" or \"none\"", c.TLS)
	}
	if c.Port == 0 {
		c.Port = defaultPort[c.TLS]
	}
	if c.Port < 1 || c.Port > 65535 {
		bad("Port %d is not between 1 and 65535", c.Port)
	}

	var from *netmail.Address
	if c.From == "" {
		bad("From is empty")
	} else if err := checkHeaderText("From", c.From); err != nil {
		bad("From %q contains a line break or control character", c.From)
	} else if a, err := netmail.ParseAddress(c.From); err != nil {
		bad("From %q is not an address such as \"Groundswell <noreply@example.org>\"", c.From)
	} else if err := checkAddress("From", a.Address); err != nil {
		bad("From %q: the address must be ASCII", c.From)
	} else {
		from = a
	}

	if c.Password != "" && c.Username == "" {
		bad("Password is set but Username is empty")
	}
	if c.Username != "" && c.TLS == "none" && !isLocalhost(c.Host) {
		bad("Username is set but TLS is \"none\": the password would cross the network unencrypted; use \"starttls\" or \"tls\"")
	}
	if strings.ContainsAny(c.Username, "\r\n") {
		bad("Username contains a line break")
	}
	if strings.ContainsAny(c.HelloName, " \t\r\n") {
		bad("HelloName %q is not a host name", c.HelloName)
	}
	if c.HelloName == "" {
		c.HelloName = "localhost"
	}

	if c.Timeout < 0 {
		bad("Timeout %s is negative", c.Timeout)
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}

	if len(probs) > 0 {
		return nil, fmt.Errorf("invalid SMTP config: %s", strings.Join(probs, "; "))
	}
	return from, nil
}

// Send composes m and delivers it on a new connection. It returns nil only
// after the server has accepted the message.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if err := s.send(ctx, m); err != nil {
		return fmt.Errorf("send mail to %s: %w", printable(m.To), err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, m Message) error {
	raw, err := compose(s.from, m, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, s.cfg.Timeout, s.timeout)
	defer cancel()

	conn, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("dial %s: %w", s.addr, ctxCause(ctx, err))
	}
	defer conn.Close()
	// A deadline in the past unblocks whatever read or write is under way,
	// and every later one, as soon as ctx is done.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := s.converse(ctx, conn, m.To, raw); err != nil {
		return fmt.Errorf("%s: %w", s.addr, err)
	}
	return nil
}

func (s *SMTPSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if s.cfg.TLS == "tls" {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", s.addr)
	}
	return d.DialContext(ctx, "tcp", s.addr)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

// converse runs one SMTP transaction on conn. Each error names the step;
// one caused by ctx ending says so rather than "i/o timeout".
func (s *SMTPSender) converse(ctx context.Context, conn net.Conn, to string, raw []byte) error {
	fail := func(step string, err error) error {
		return fmt.Errorf("%s: %w", step, ctxCause(ctx, err))
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return fail("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.cfg.HelloName); err != nil {
		return fail("EHLO", err)
	}
	if s.cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("STARTTLS: the server does not offer it")
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fail("STARTTLS", err)
		}
	}
	if s.cfg.Username != "" {
		if err := s.auth(c); err != nil {
			return fail("AUTH as "+s.cfg.Username, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fail("MAIL FROM", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fail("RCPT TO", permanentIf5xx(err))
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", permanentIf5xx(err))
	}
	if _, err := w.Write(raw); err != nil {
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("end of DATA", permanentIf5xx(err))
	}
	// The message is accepted. A failed QUIT must not make the caller send
	// it again.
	_ = c.Quit()
	return nil
}

// auth logs in with PLAIN, or LOGIN when the server offers only that.
func (s *SMTPSender) auth(c *smtp.Client) error {
	ok, offered := c.Extension("AUTH")
	if !ok {
		return errors.New("the server does not offer AUTH")
	}
	mechs := strings.Fields(strings.ToUpper(offered))
	for _, m := range mechs {
		if m == "PLAIN" {
			return c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host))
		}
	}
	for _, m := range mechs {
		if m == "LOGIN" {
			return c.Auth(&loginAuth{username: s.cfg.Username, password: s.cfg.Password, host: s.cfg.Host})
		}
	}
	return fmt.Errorf("the server offers %q; this sender speaks PLAIN and LOGIN", offered)
}

// loginAuth is the LOGIN mechanism, obsolete but all that some services
// (Microsoft 365 among them) offer.
type loginAuth struct {
	username, password, host string
	step                     int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	// The same guard as smtp.PlainAuth: never send a password in clear
	// except to this machine.
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(_ []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	switch a.step {
	case 1:
		return []byte(a.username), nil
	case 2:
		return []byte(a.password), nil
	}
	return nil, errors.New("unexpected third LOGIN challenge")
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// permanentIf5xx marks a 5xx reply as permanent: the server will refuse the
// same recipient or message again.
func permanentIf5xx(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &permanentError{err}
	}
	return err
}

// ctxCause replaces an I/O error caused by the context ending (a timeout on
// the connection deadline it set, a cancelled dial) with the context's cause.
// A permanent refusal stands, whenever the context ended.
func ctxCause(ctx context.Context, err error) error {
	if ctx.Err() != nil && !IsPermanent(err) {
		return context.Cause(ctx)
	}
	return err
}

// printable quotes s if it holds anything that could forge a log line.
func printable(s string) string {
	if checkHeaderText("", s) != nil {
		return strconv.Quote(s)
	}
	return s
}
