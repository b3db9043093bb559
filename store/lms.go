package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/learnd/learnd/auth"
)

// TenantTable returns a query on an LMS-core table (seed 003) scoped to the caller's tenant: the
// one way to build a query on those tables. They are not application-scoped (an
// Application's key acts as its user over the whole tenant; its app_id is recorded in the
// audit log). Raw SQL that GORM cannot express filters every table by
// tenant_id = learnd_tenant(), the function the row-level-security policies use.
func (t *Tx) TenantTable(name string) *gorm.DB {
	return t.db.Table(name).Where(name+".tenant_id = ?", t.p.TenantID)
}

type requestIDKey struct{}

// WithRequestID returns a copy of ctx carrying the request id the audit log records.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func RequestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// Audit records a write in the audit log, in the write's own transaction: actor, app,
// key, surface, action ("course.publish"), target and the before/after views (nil for
// none; any value encoding/json can marshal). The row travels with the COMMIT, in the
// same round trip (Tx.end), so auditing costs no round trip of its own; the write and its
// audit row commit or roll back together.
func (t *Tx) Audit(action, targetType, targetID string, before, after any) error {
	vals, err := t.auditValues(action, targetType, targetID, before, after)
	if err != nil {
		return err
	}
	t.pending = append(t.pending, queued{sql: auditInsertSQL, args: vals})
	return nil
}

// AuditFrom is Audit for a write that carries its audit row in its own statement: it
// returns the INSERT of the row, for a data-modifying CTE, as a SELECT over from (one row
// when the write wrote, none when it did not, so the audit is written exactly when the
// write is). Its values are Audit's, added to args, the statement's parameters; afterSQL,
// when not nil, returns the SQL of the after view given the placeholder of the view Go
// built (to add what only the statement knows, such as a field computed from the written
// row).
func (t *Tx) AuditFrom(action, targetType, targetID string, before, after any, from string, args *Args, afterSQL func(string) string) (string, error) {
	vals, err := t.auditValues(action, targetType, targetID, before, after)
	if err != nil {
		return "", err
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = args.Add(v)
	}
	if afterSQL != nil {
		ph[auditAfterColumn] = afterSQL(ph[auditAfterColumn])
	}
	return `INSERT INTO audit_log (` + auditColumns + `) SELECT ` + strings.Join(ph, ", ") + ` FROM ` + from, nil
}

// auditValues are the values of an audit row, in auditColumns order.
func (t *Tx) auditValues(action, targetType, targetID string, before, after any) ([]any, error) {
	b, err := auditJSON(before)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", action, err)
	}
	a, err := auditJSON(after)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", action, err)
	}
	var actor *uuid.UUID
	if t.p.PersonID != uuid.Nil {
		actor = &t.p.PersonID
	}
	var app, rid *string
	if t.p.AppID != "" {
		app = &t.p.AppID
	}
	var keyID *uuid.UUID
	if t.p.KeyID != "" {
		if u, err := ParseKeyID(t.p.KeyID); err == nil {
			keyID = &u
		}
	}
	if r := RequestIDFrom(t.ctx); r != "" {
		rid = &r
	}
	surface := t.p.Surface
	if surface == "" {
		surface = auth.SurfaceAPI
	}
	if t.pg == nil && !t.write {
		return nil, fmt.Errorf("audit %s: %w", action, errReadOnly)
	}
	return []any{t.p.TenantID, uuid.Must(uuid.NewV7()), Now(), actor, app, keyID, surface, action, targetType, targetID, b, a, rid}, nil
}

// auditColumns are an audit row's columns; the after view is the 12th (auditAfterColumn).
const (
	auditColumns     = `tenant_id, id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id`
	auditAfterColumn = 11
)

// auditInsertSQL writes one audit row.
const auditInsertSQL = `INSERT INTO audit_log (` + auditColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`

func auditJSON(v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage: // a view written as JSON already (store/learning's auditView)
		if x == nil {
			return nil, errors.New("the audit view could not be encoded")
		}
		return x, nil
	}
	return json.Marshal(v)
}

// Mail is one outbound message.
type Mail struct {
	Kind    string // email_change, assignment, reminder
	To      string
	Subject string
	Body    string
}

// EnqueueMail writes m to the outbox in the current transaction and queues its delivery
// (without a job queue, the outbox sweep delivers it).
func (t *Tx) EnqueueMail(m Mail) error {
	id := uuid.Must(uuid.NewV7())
	_, err := t.Exec(`INSERT INTO mail_outbox (tenant_id, id, kind, to_addr, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.p.TenantID, id, m.Kind, m.To, m.Subject, m.Body, Now())
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	if t.s.HasJobQueue() {
		return t.Enqueue(JobMail, id)
	}
	return nil
}
