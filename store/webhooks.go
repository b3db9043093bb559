package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The webhook events of the catalogue (openapi/lms/webhooks.yaml): what Tx.Emit accepts
// and what an endpoint's filter may name.
const (
	EventAssignmentCreated   = "assignment.created"
	EventAssignmentCompleted = "assignment.completed"
	EventAssignmentOverdue   = "assignment.overdue"
	EventCoursePublished     = "course.published"
	EventCertificateIssued   = "certificate.issued"
	EventCertificateExpiring = "certificate.expiring"
	EventUserCreated         = "user.created"
	EventUserBanned          = "user.banned"
	EventGenerationCompleted = "generation.completed"
	EventGenerationFailed    = "generation.failed"
)

// Events lists every webhook event type.
var Events = []string{EventAssignmentCreated, EventAssignmentCompleted, EventAssignmentOverdue,
	EventCoursePublished, EventCertificateIssued, EventCertificateExpiring, EventUserCreated,
	EventUserBanned, EventGenerationCompleted, EventGenerationFailed}

// IsEvent reports whether name is a webhook event type.
func IsEvent(name string) bool { return slices.Contains(Events, name) }

// JobWebhook delivers one webhook message to one endpoint (a webhook_deliveries row).
const JobWebhook JobKind = "webhook"

// WebhookPayload is the body every endpoint receives (Standard Webhooks' shape).
type WebhookPayload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// Emit writes a webhook event to the outbox in this transaction, the one that causes it:
// the message (its body as it will be signed and sent: {"type", "timestamp", "data"}),
// one delivery per enabled endpoint of the tenant whose filter admits the event, and
// each delivery's job, so the event commits or rolls back with its cause. data is any
// value encoding/json can marshal; ids in it are TypeIDs, as the API shows them. A tenant
// without endpoints pays one statement and queues nothing.
func (t *Tx) Emit(event string, data any) error {
	if !IsEvent(event) {
		return fmt.Errorf("emit %s: unknown webhook event", event)
	}
	now := Now()
	body, err := json.Marshal(WebhookPayload{Type: event, Timestamp: now, Data: data})
	if err != nil {
		return fmt.Errorf("emit %s: %w", event, err)
	}
	rows, err := t.Query(emitSQL, t.p.TenantID, uuid.Must(uuid.NewV7()), event, string(body), now)
	if err != nil {
		return fmt.Errorf("emit %s: %w", event, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("emit %s: %w", event, err)
	}
	if !t.s.HasJobQueue() {
		return nil // a process without a job queue (a command, a test): the deliveries stay pending until redelivered (POST …/redeliver)
	}
	for _, id := range ids {
		if err := t.Enqueue(JobWebhook, id); err != nil {
			return fmt.Errorf("emit %s: %w", event, err)
		}
	}
	return nil
}

// PurgeWebhooks deletes the webhook messages of every tenant older than 30 days (the
// retention the purge policies of migration 00051 admit), with their deliveries and
// attempts, and returns how many messages went.
func (s *Store) PurgeWebhooks(ctx context.Context) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		if _, err := t.Exec(ctx, idemPurgeOn); err != nil {
			return err
		}
		tag, err := t.Exec(ctx, `DELETE FROM webhook_messages WHERE created_at < now() - interval '30 days'`)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge webhook messages: %w", err)
	}
	return n, nil
}

// emitSQL writes the message and its deliveries in one statement and returns the
// deliveries' ids; the message is written only when an endpoint wants it.
const emitSQL = `WITH e AS (
  SELECT id FROM webhook_endpoints
  WHERE tenant_id = $1 AND disabled_at IS NULL AND (cardinality(events) = 0 OR $3 = ANY(events))
), m AS (
  INSERT INTO webhook_messages (tenant_id, id, event_type, body, created_at)
  SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM e)
  RETURNING id
)
INSERT INTO webhook_deliveries (tenant_id, id, message_id, endpoint_id, created_at)
SELECT $1, learnd_uuidv7(), m.id, e.id, $5 FROM m CROSS JOIN e
RETURNING id`
