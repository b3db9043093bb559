package jobs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/learnd/learnd/store"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m store.OutboxMail) error
}

// NewSender returns the sender for smtpURL (see Config.SMTPURL): SMTP, or the log when
// smtpURL is empty.
func NewSender(smtpURL, from string, tlsConfig *tls.Config, log *slog.Logger) (Sender, error) {
	if from == "" {
		from = DefaultFrom
	}
	if err := checkFrom(from); err != nil {
		return nil, err
	}
	if smtpURL == "" {
		return &logSender{log: log}, nil
	}
	s, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	s.from, s.tls = from, tlsConfig
	return s, nil
}

// logSender writes each message to the log instead of sending it (development).
type logSender struct{ log *slog.Logger }

func (s *logSender) Send(ctx context.Context, m store.OutboxMail) error {
	s.log.InfoContext(ctx, "mail (not sent: LEARND_SMTP_URL is unset)",
		"tenant", m.TenantID, "mail_id", m.ID, "kind", m.Kind, "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// smtpSender sends through an SMTP server, one connection per message.
type smtpSender struct {
	host       string
	port       int
	implicit   bool // smtps: TLS from the first byte; else STARTTLS when offered
	user, pass string
	from       string
	tls        *tls.Config
}

// sendTimeout bounds connecting and each SMTP command.
const sendTimeout = 30 * time.Second

func parseSMTPURL(raw string) (*smtpSender, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's errors repeat the URL, credentials and all.
		return nil, errors.New("jobs: LEARND_SMTP_URL is not a URL")
	}
	s := &smtpSender{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicit = 465, true
	default:
		return nil, fmt.Errorf("jobs: LEARND_SMTP_URL: scheme %q is not smtp or smtps", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("jobs: LEARND_SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("jobs: LEARND_SMTP_URL: bad port %q", p)
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("jobs: LEARND_SMTP_URL takes no path, query or fragment")
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return s, nil
}

func (s *smtpSender) Send(ctx context.Context, m store.OutboxMail) error {
	msg := mail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("sender %q: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return permanent(fmt.Errorf("recipient %q: %w", m.To, err))
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	msg.SetDate()
	// The same Message-ID on every attempt lets a receiver drop a duplicate (delivery is
	// at least once: a send can succeed just before its transaction fails).
	msg.SetMessageIDWithValue(m.ID.String() + "@" + domainOf(s.from))
	msg.SetGenHeader(mail.Header("X-Learnd-Kind"), m.Kind)

	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.tls != nil {
		tc = s.tls.Clone()
	}
	tc.ServerName = s.host
	opts := []mail.Option{mail.WithPort(s.port), mail.WithTimeout(sendTimeout), mail.WithTLSConfig(tc)}
	if s.implicit {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if s.user != "" {
		// The strongest mechanism the server offers; plain-text ones only over TLS.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.user), mail.WithPassword(s.pass))
	}
	c, err := mail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", s.host, s.port, err)
	}
	return nil
}

func domainOf(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok {
			return d
		}
	}
	return "learnd.local"
}

// permanentError is a failure that retrying cannot fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func permanent(err error) error { return permanentError{err} }

// Permanent reports whether err is a failure retrying cannot fix: a recipient or message
// the server refused with a 5xx reply, or an unusable recipient address. (A refused sender
// or login is the setup's fault, not the message's: those are retried.)
func Permanent(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return true
	}
	var se *mail.SendError
	if !errors.As(err, &se) || se.ErrorCode() < 500 {
		return false
	}
	switch se.Reason {
	case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
		return true
	}
	return false
}
