package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// JobKind names the work a queued job does.
type JobKind string

// The kinds of job a transaction queues.
const (
	JobMail       JobKind = "mail"       // deliver an outbox message
	JobGeneration JobKind = "generation" // generate a course
)

// Job is work a transaction queues: its kind and the row it is about.
type Job struct {
	Kind     JobKind
	TenantID string
	ID       uuid.UUID
}

// JobQueue inserts job in tx, the transaction that asks for it (the job queue's insert,
// River's InsertTx), so the work and the change commit or roll back together.
type JobQueue func(ctx context.Context, tx pgx.Tx, job Job) error

// ErrNoJobQueue means work was queued on a store without a job queue.
var ErrNoJobQueue = errors.New("no job queue")

// SetJobQueue installs the job queue: the one way a transaction queues work (Tx.Enqueue).
// Without one, mail stays in the outbox until a sweep delivers it, and nothing else can
// be queued.
func (s *Store) SetJobQueue(q JobQueue) { s.jobs = q }

// HasJobQueue reports whether work can be queued.
func (s *Store) HasJobQueue() bool { return s.jobs != nil }

// Enqueue queues work about row id in this transaction.
func (t *Tx) Enqueue(kind JobKind, id uuid.UUID) error {
	if t.s.jobs == nil {
		return ErrNoJobQueue
	}
	if err := t.s.jobs(t.ctx, t.PG(), Job{Kind: kind, TenantID: t.p.TenantID, ID: id}); err != nil {
		return fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return nil
}
