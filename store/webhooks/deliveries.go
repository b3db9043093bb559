package webhooks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Attempt is one try of a delivery, as the attempts log shows it.
type Attempt struct {
	ID          uuid.UUID `gorm:"column:id"`
	EndpointID  uuid.UUID `gorm:"column:endpoint_id"`
	MessageID   uuid.UUID `gorm:"column:message_id"`
	EventType   string    `gorm:"column:event_type"`
	AttemptedAt time.Time `gorm:"column:attempted_at"`
	StatusCode  *int      `gorm:"column:status_code"`
	LatencyMS   int       `gorm:"column:latency_ms"`
	Error       *string   `gorm:"column:error"`
	Succeeded   bool      `gorm:"column:succeeded"`
}

const attemptCols = "id, endpoint_id, message_id, event_type, attempted_at, status_code, latency_ms, error, succeeded"

// AttemptPage is one page of an endpoint's attempts, newest first.
type AttemptPage struct {
	Items []Attempt
	Next  *store.TimeCursor // newest first
}

// Attempts returns a page of an endpoint's delivery attempts, newest first.
func (r *Repo) Attempts(ctx context.Context, endpointID uuid.UUID, limit int, after *store.TimeCursor) (AttemptPage, error) {
	var page AttemptPage
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		if err := store.QueryOne(t, `SELECT id FROM webhook_endpoints WHERE tenant_id = learnd_tenant() AND id = $1`, []any{endpointID}, &struct {
			ID uuid.UUID `gorm:"column:id"`
		}{}); err != nil {
			return err
		}
		args := store.Args{}
		sql := `SELECT ` + attemptCols + ` FROM webhook_attempts WHERE tenant_id = learnd_tenant() AND endpoint_id = ` + args.Add(endpointID)
		if after != nil {
			sql += ` AND (attempted_at, id) < (` + args.Add(after.At) + `, ` + args.Add(after.ID) + `)`
		}
		sql += ` ORDER BY attempted_at DESC, id DESC LIMIT ` + args.Add(limit+1)
		page.Items, page.Next, err = store.KeysetRecords(t, limit, sql, args, func(a *Attempt) store.TimeCursor { return store.TimeCursor{At: a.AttemptedAt, ID: a.ID} })
		return err
	})
	if err != nil {
		return AttemptPage{}, fmt.Errorf("list webhook attempts: %w", err)
	}
	return page, nil
}

// ErrEndpointDisabled means a message was to be redelivered to a disabled endpoint.
var ErrEndpointDisabled = errors.New("the webhook endpoint is disabled")

// Redeliver sends message messageID to endpoint endpointID again, as a new delivery with
// its own retries (the message keeps its id, so receivers can tell a repeat). The message
// must have gone to that endpoint before, and the endpoint must be enabled. It returns the
// new delivery's id.
func (r *Repo) Redeliver(ctx context.Context, endpointID, messageID uuid.UUID) (uuid.UUID, error) {
	id := uuid.Must(uuid.NewV7())
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var disabled *bool
		err := t.QueryRow(`WITH e AS (
  SELECT disabled_at IS NOT NULL AS disabled FROM webhook_endpoints WHERE tenant_id = learnd_tenant() AND id = $3
    AND EXISTS (SELECT 1 FROM webhook_deliveries WHERE tenant_id = learnd_tenant() AND endpoint_id = $3 AND message_id = $2)
), d AS (
  INSERT INTO webhook_deliveries (tenant_id, id, message_id, endpoint_id, created_at)
  SELECT learnd_tenant(), $1, $2, $3, $4 FROM e WHERE NOT e.disabled
)
SELECT (SELECT disabled FROM e)`, id, messageID, endpointID, store.Now()).Scan(&disabled)
		switch {
		case err != nil:
			return err
		case disabled == nil:
			return store.ErrNotFound
		case *disabled:
			return ErrEndpointDisabled
		}
		if err := t.Enqueue(store.JobWebhook, id); err != nil {
			return err
		}
		return t.Audit("webhook.redeliver", "webhook", typeid.Format(typeid.Webhook, endpointID), nil,
			map[string]string{"message": typeid.Format(typeid.Event, messageID)})
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("redeliver webhook message: %w", err)
	}
	return id, nil
}

// Deliveries is the delivery side, called by the job queue outside any request: it reads
// and records as the operator, scoped to the delivery's tenant.
type Deliveries struct{ st *store.Store }

// NewDeliveries returns the delivery side over st.
func NewDeliveries(st *store.Store) *Deliveries { return &Deliveries{st: st} }

// ErrDone means the delivery needs no (further) try: it succeeded or failed for good, or
// its endpoint is disabled.
var ErrDone = errors.New("webhook delivery done")

// Send is what one try of a delivery sends, and where.
type Send struct {
	TenantID   string
	DeliveryID uuid.UUID
	EndpointID uuid.UUID
	MessageID  uuid.UUID
	EventType  string
	URL        string
	Secrets    []string // the current secret, then a rotated one still in its overlap
	Body       []byte
}

// Load reads the delivery (tenant, id): ErrNotFound when it (or its endpoint) is gone,
// ErrDone when it needs no try (a delivery whose endpoint was disabled meanwhile is
// marked failed).
func (d *Deliveries) Load(ctx context.Context, tenant string, id uuid.UUID) (*Send, error) {
	s := &Send{TenantID: tenant, DeliveryID: id}
	done := false // committed, not an error: the transaction keeps what it marked
	err := d.st.AsOperator(ctx, tenant, func(t *store.Tx) error {
		var status, secret string
		var prev *string
		var prevUntil, disabled *time.Time
		var body string
		err := t.QueryRow(`SELECT d.status, d.endpoint_id, d.message_id, m.event_type, m.body, e.url, e.secret, e.previous_secret, e.previous_until, e.disabled_at
FROM webhook_deliveries d JOIN webhook_messages m ON m.tenant_id = d.tenant_id AND m.id = d.message_id
JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
WHERE d.tenant_id = $1 AND d.id = $2`, tenant, id).Scan(&status, &s.EndpointID, &s.MessageID, &s.EventType, &body, &s.URL, &secret, &prev, &prevUntil, &disabled)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != "pending" {
			done = true
			return nil
		}
		if disabled != nil { // the endpoint was disabled while this delivery waited: it ends failed
			done = true
			_, err := t.Exec(`UPDATE webhook_deliveries SET status = 'failed' WHERE tenant_id = $1 AND id = $2`, tenant, id)
			return err
		}
		s.Body = []byte(body)
		s.Secrets = []string{secret}
		if prev != nil && prevUntil != nil && prevUntil.After(store.Now()) {
			s.Secrets = append(s.Secrets, *prev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load webhook delivery: %w", err)
	}
	if done {
		return nil, fmt.Errorf("load webhook delivery: %w", ErrDone)
	}
	return s, nil
}

// Result is the outcome of one try.
type Result struct {
	At         time.Time
	StatusCode int // 0: no response
	Latency    time.Duration
	Err        string // "" when the receiver answered 2xx
}

// maxAttemptError bounds the error an attempt records.
const maxAttemptError = 1000

// Record logs one try of s. A success ends the delivery and clears the endpoint's failure
// count; a failed try that is final (no retry follows) fails the delivery and counts
// against the endpoint: after disableAfter consecutive failed deliveries the endpoint is
// disabled and the tenant's active owners are mailed. It reports whether it disabled the
// endpoint.
func (d *Deliveries) Record(ctx context.Context, s *Send, res Result, final bool, disableAfter int) (bool, error) {
	disabled := false
	err := d.st.AsOperator(ctx, s.TenantID, func(t *store.Tx) error {
		ok := res.Err == ""
		var code *int
		if res.StatusCode != 0 {
			code = &res.StatusCode
		}
		var msg *string
		if !ok {
			m := res.Err
			if len(m) > maxAttemptError {
				m = strings.ToValidUTF8(m[:maxAttemptError], "")
			}
			msg = &m
		}
		if _, err := t.Exec(`INSERT INTO webhook_attempts (tenant_id, id, delivery_id, endpoint_id, message_id, event_type, attempted_at, status_code, latency_ms, error, succeeded)
VALUES ($1, learnd_uuidv7(), $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			s.TenantID, s.DeliveryID, s.EndpointID, s.MessageID, s.EventType, res.At, code, int(res.Latency.Milliseconds()), msg, ok); err != nil {
			return err
		}
		status := "pending"
		switch {
		case ok:
			status = "succeeded"
		case final:
			status = "failed"
		}
		if _, err := t.Exec(`UPDATE webhook_deliveries SET attempts = attempts + 1, status = $3 WHERE tenant_id = $1 AND id = $2`, s.TenantID, s.DeliveryID, status); err != nil {
			return err
		}
		switch {
		case ok:
			_, err := t.Exec(`UPDATE webhook_endpoints SET failures = 0 WHERE tenant_id = $1 AND id = $2 AND failures > 0`, s.TenantID, s.EndpointID)
			return err
		case final:
			var err error
			disabled, err = failDelivery(t, s, disableAfter)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record webhook attempt: %w", err)
	}
	return disabled, nil
}

// failDelivery counts a failed delivery against its endpoint and disables the endpoint
// (mailing the tenant's active owners) when it has failed disableAfter times in a row.
func failDelivery(t *store.Tx, s *Send, disableAfter int) (bool, error) {
	reason := fmt.Sprintf("%d consecutive deliveries failed every attempt", disableAfter)
	var url string
	err := t.QueryRow(`UPDATE webhook_endpoints SET failures = failures + 1,
  disabled_at = CASE WHEN failures + 1 >= $3 THEN $4::timestamptz END, disabled_reason = CASE WHEN failures + 1 >= $3 THEN $5::text END
WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL RETURNING url`, s.TenantID, s.EndpointID, disableAfter, store.Now(), reason).Scan(&url)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // disabled already
	}
	if err != nil {
		return false, err
	}
	var off bool
	if err := t.QueryRow(`SELECT disabled_at IS NOT NULL FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`, s.TenantID, s.EndpointID).Scan(&off); err != nil || !off {
		return false, err
	}
	rows, err := t.Query(`SELECT email FROM users WHERE tenant_id = $1 AND role = 'owner' AND status = 'active' ORDER BY created_at, id`, s.TenantID)
	if err != nil {
		return false, err
	}
	owners, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return false, err
	}
	id := typeid.Format(typeid.Webhook, s.EndpointID)
	for _, to := range owners {
		if err := t.EnqueueMail(store.Mail{Kind: "webhook_disabled", To: to, Subject: "Webhook endpoint disabled: " + url,
			Body: fmt.Sprintf("learnd disabled the webhook endpoint %s (%s): %s.\n\nNo events are sent to it until it is enabled again (PATCH /api/v2/webhooks/endpoints/%s with {\"enabled\": true}); its attempts log is at GET /api/v2/webhooks/endpoints/%s/attempts.\n", id, url, reason, id, id)}); err != nil {
			return false, err
		}
	}
	return true, t.Audit("webhook.disable", "webhook", id, nil, map[string]string{"reason": reason})
}
