package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// AuditQuery filters and pages the audit log (seed 003's get_audit_log).
type AuditQuery struct {
	Author   *uuid.UUID // the acting user
	From, To *time.Time // created_at window, both ends inclusive
	Limit    int
	Offset   int
}

// AuditLogEntry is one write recorded in the audit log.
type AuditLogEntry struct {
	ID         uuid.UUID
	CreatedAt  time.Time
	ActorID    *uuid.UUID
	AppID      *string
	KeyID      *uuid.UUID
	Surface    string
	Action     string
	TargetType string
	TargetID   *string
	Before     json.RawMessage // nil when none
	After      json.RawMessage // nil when none
	RequestID  *string
}

// AuditLogPage is one page of entries, newest first, and how many match in all.
type AuditLogPage struct {
	Entries []AuditLogEntry
	Total   int
}

const auditFilterSQL = `FROM audit_log
WHERE tenant_id = learnd_tenant()
  AND ($1::uuid IS NULL OR actor_id = $1)
  AND ($2::timestamptz IS NULL OR created_at >= $2)
  AND ($3::timestamptz IS NULL OR created_at <= $3)`

// AuditLog reads the caller's tenant's audit log, newest first (then by id descending).
func (s *Repo) AuditLog(ctx context.Context, q AuditQuery) (AuditLogPage, error) {
	var p AuditLogPage
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := t.QueryRow(`SELECT count(*) `+auditFilterSQL, q.Author, q.From, q.To).Scan(&p.Total); err != nil {
			return fmt.Errorf("count: %w", err)
		}
		rows, err := t.Query(auditColumnsSQL+`
`+auditFilterSQL+auditOrderSQL+`
LIMIT $4 OFFSET $5`, q.Author, q.From, q.To, q.Limit, q.Offset)
		if err != nil {
			return err
		}
		p.Entries, err = pgx.CollectRows(rows, scanAuditEntry)
		return err
	})
	if err != nil {
		return AuditLogPage{}, fmt.Errorf("audit log: %w", err)
	}
	return p, nil
}

// auditColumnsSQL selects the columns scanAuditEntry reads; auditFilterSQL follows it.
const auditColumnsSQL = `SELECT id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id`

// auditOrderSQL is the audit log's order: newest first, then by id descending.
const auditOrderSQL = `
ORDER BY created_at DESC, id DESC`

// scanAuditEntry scans a row of auditColumnsSQL.
func scanAuditEntry(row pgx.CollectableRow) (AuditLogEntry, error) {
	var e AuditLogEntry
	var before, after []byte
	err := row.Scan(&e.ID, &e.CreatedAt, &e.ActorID, &e.AppID, &e.KeyID, &e.Surface, &e.Action, &e.TargetType,
		&e.TargetID, &before, &after, &e.RequestID)
	if before != nil {
		e.Before = before
	}
	if after != nil {
		e.After = after
	}
	return e, err
}
