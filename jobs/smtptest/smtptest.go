// Package smtptest runs a real SMTP server (emersion/go-smtp) inside a test: it accepts
// mail on 127.0.0.1, keeps every delivered message (decoded: subject, text body), and can
// refuse on demand (a temporary 451 for the next messages, a permanent 550 for an
// address). Optionally it speaks STARTTLS with a fresh self-signed certificate and
// requires AUTH PLAIN.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape the server.
type Options struct {
	// TLS makes the server offer STARTTLS with a self-signed certificate for 127.0.0.1
	// (ClientTLS trusts it); AUTH is then offered only after STARTTLS.
	TLS bool
	// Username and Password, when set, are required (AUTH PLAIN) before MAIL.
	Username, Password string
}

// Message is one delivered message.
type Message struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Header  mail.Header
	Subject string // decoded
	Body    string // decoded text
	Raw     []byte
}

// Server is a running SMTP server.
type Server struct {
	// URL is the server as LEARND_SMTP_URL, credentials included.
	URL  string
	Addr string

	opts      Options
	clientTLS *tls.Config

	mu       sync.Mutex
	msgs     []Message
	attempts int // DATA commands received, refused ones included
	failNext int
	failCode int
	reject   map[string]bool
	changed  chan struct{} // closed and replaced on every change
}

// Start runs a server for the test; it is closed at cleanup.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s := &Server{opts: o, reject: map[string]bool{}, changed: make(chan struct{})}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 1 << 20
	srv.AllowInsecureAuth = !o.TLS
	if o.TLS {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.clientTLS = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.Addr = ln.Addr().String()
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if o.Username != "" {
		u.User = url.UserPassword(o.Username, o.Password)
	}
	s.URL = u.String()
	return s
}

// ClientTLS is a client configuration that trusts the server's certificate (nil without
// Options.TLS).
func (s *Server) ClientTLS() *tls.Config { return s.clientTLS }

// FailNext refuses the next n messages at DATA with code (4xx: temporary, 5xx: permanent).
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failCode = n, code
}

// Reject refuses recipient addr permanently (550).
func (s *Server) Reject(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject[strings.ToLower(addr)] = true
}

// Messages returns the messages delivered so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Attempts is how many messages clients tried to deliver (refused ones included).
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Wait waits until at least n messages were delivered and returns them all; it fails the
// test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("smtptest: %d message(s) delivered after %v, want %d", got, timeout, n)
		}
	}
}

// WaitFor waits until a message to addr was delivered and returns the first one.
func (s *Server) WaitFor(t testing.TB, addr string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		for _, m := range s.msgs {
			for _, to := range m.To {
				if strings.EqualFold(to, addr) {
					s.mu.Unlock()
					return m
				}
			}
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("smtptest: no message to %s after %v", addr, timeout)
		}
	}
}

// notify wakes waiters; the caller holds mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) {
	if s.opts.Username != "" {
		return &authSession{session: session{srv: s}}, nil
	}
	return &session{srv: s, authed: true}, nil
}

type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	if !c.authed {
		return smtp.ErrAuthRequired
	}
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.srv.mu.Lock()
	bad := c.srv.reject[strings.ToLower(to)]
	c.srv.mu.Unlock()
	if bad {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	c.to = append(c.to, to)
	return nil
}

func (c *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.failNext > 0 {
		s.failNext--
		s.notify()
		class := s.failCode / 100
		return &smtp.SMTPError{Code: s.failCode, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: "refused by the test server"}
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: err.Error()}
	}
	m.From, m.To = c.from, append([]string(nil), c.to...)
	s.msgs = append(s.msgs, m)
	s.notify()
	return nil
}

func (c *session) Reset()        { c.from, c.to = "", nil }
func (c *session) Logout() error { return nil }

type authSession struct{ session }

func (c *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (c *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != c.srv.opts.Username || password != c.srv.opts.Password {
			return errors.New("invalid username or password")
		}
		c.authed = true
		return nil
	}), nil
}

// parse decodes a single-part text message (what learnd sends).
func parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("parse message: %w", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("parse subject: %w", err)
	}
	var body io.Reader = msg.Body
	switch strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Message{}, fmt.Errorf("decode body: %w", err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	return Message{Header: msg.Header, Subject: subject, Body: text, Raw: raw}, nil
}

// newlineStripper drops CR and LF (base64 bodies are wrapped).
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, b := range p[:k] {
		if b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool trusting it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
