package store

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The delivery side of the mail outbox (written by enqueueMail in lms.go). The delivery job
// runs outside any tenant: its transactions run as learnd_app with learnd.mailer = 'on',
// which the outbox's mailer_select / mailer_update policies admit for every tenant's
// messages, and nothing else.

// ErrMailBusy means another delivery holds the message (it is being sent right now).
var ErrMailBusy = errors.New("mail is being delivered by another worker")

// OutboxMail is one outbox message as its delivery sees it.
type OutboxMail struct {
	TenantID  string
	ID        uuid.UUID
	Kind      string
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	Attempts  int // delivery attempts before this one
}

// MailRef names one outbox message.
type MailRef struct {
	TenantID string
	ID       uuid.UUID
}

// maxMailError bounds the last_error recorded for a failed attempt.
const maxMailError = 2000

const mailerSQL = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.mailer', 'on', true)`

// asMailer runs fn in one transaction as the row-level-security role with the mailer
// setting on (and no tenant).
func (s *Store) asMailer(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, mailerSQL); err != nil {
			return fmt.Errorf("scope mailer transaction: %w", err)
		}
		return fn(tx)
	})
}

// DeliverMail delivers the outbox message (tenantID, id) with send, at most once at a time:
// it claims the unsent message (a row lock held while send runs, so a concurrent delivery
// of the same message gets ErrMailBusy), calls send, and in the same transaction marks the
// message sent, or records the failed attempt (attempts, last_error) and returns send's
// error wrapped. A message already sent is not sent again (nil); an unknown one is
// ErrNotFound.
func (s *Store) DeliverMail(ctx context.Context, tenantID string, id uuid.UUID, send func(context.Context, OutboxMail) error) error {
	var sendErr error
	err := s.asMailer(ctx, func(tx pgx.Tx) error {
		m := OutboxMail{TenantID: tenantID, ID: id}
		err := tx.QueryRow(ctx, `SELECT kind, to_addr, subject, body, created_at, attempts FROM mail_outbox
WHERE tenant_id = $1 AND id = $2 AND sent_at IS NULL FOR UPDATE SKIP LOCKED`, tenantID, id).
			Scan(&m.Kind, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &m.Attempts)
		if errors.Is(err, pgx.ErrNoRows) {
			return unclaimable(ctx, tx, tenantID, id)
		}
		if err != nil {
			return err
		}
		if sendErr = send(ctx, m); sendErr != nil {
			_, err = tx.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $3 WHERE tenant_id = $1 AND id = $2`,
				tenantID, id, truncate(sendErr.Error(), maxMailError))
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = NULL, sent_at = $3 WHERE tenant_id = $1 AND id = $2`,
			tenantID, id, Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("deliver mail: %w", err)
	}
	if sendErr != nil {
		return fmt.Errorf("deliver mail: %w", sendErr)
	}
	return nil
}

// unclaimable says why no unsent, unlocked message (tenantID, id) was found: nil when it
// was sent already, ErrMailBusy when another delivery holds it, else ErrNotFound.
func unclaimable(ctx context.Context, tx pgx.Tx, tenantID string, id uuid.UUID) error {
	var sent bool
	err := tx.QueryRow(ctx, `SELECT sent_at IS NOT NULL FROM mail_outbox WHERE tenant_id = $1 AND id = $2`, tenantID, id).Scan(&sent)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case sent:
		return nil
	}
	return ErrMailBusy
}

// UnattemptedMail lists up to limit unsent messages of every tenant, oldest first, that
// were written before before and never attempted: messages written without a job queue,
// or whose job was lost. (A message whose delivery was attempted belongs to its job's
// retries.)
func (s *Store) UnattemptedMail(ctx context.Context, before time.Time, limit int) ([]MailRef, error) {
	var out []MailRef
	err := s.asMailer(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tenant_id, id FROM mail_outbox
WHERE sent_at IS NULL AND attempts = 0 AND created_at < $1 ORDER BY created_at, id LIMIT $2`, before, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MailRef, error) {
			var m MailRef
			err := r.Scan(&m.TenantID, &m.ID)
			return m, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("unattempted mail: %w", err)
	}
	return out, nil
}

// mailView is a sent message in the audit log (its body is not recorded).
type mailView struct {
	Kind    string `json:"kind"`
	To      string `json:"to"`
	Subject string `json:"subject"`
}

// SendMail queues a message from the caller's tenant through the outbox, in one audited
// transaction (mail.send): an operator's message, such as a test of the mail setup. Kind
// defaults to "message".
func (s *Store) SendMail(ctx context.Context, m Mail) error {
	var bad []FieldError
	if a, err := mail.ParseAddress(m.To); err != nil || a.Address != strings.TrimSpace(m.To) {
		bad = append(bad, FieldError{Pointer: "/to", Detail: "must be one email address"})
	}
	if strings.TrimSpace(m.Subject) == "" {
		bad = append(bad, FieldError{Pointer: "/subject", Detail: "must not be empty"})
	}
	if bad != nil {
		return &ValidationError{Fields: bad}
	}
	if m.Kind == "" {
		m.Kind = "message"
	}
	err := s.InTenant(ctx, func(t *Tx) error {
		if err := t.EnqueueMail(m); err != nil {
			return err
		}
		return t.Audit("mail.send", "mail", m.To, nil, mailView{Kind: m.Kind, To: m.To, Subject: m.Subject})
	})
	if err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

// utf8Start reports whether b begins a UTF-8 sequence (is not a continuation byte).
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
