package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// MailMaxAttempts is how often a message's delivery is tried before the queue gives up
// (with river's backoff, attempt⁴ seconds: over about four hours).
const MailMaxAttempts = 10

// MailArgs is the delivery job of one outbox message.
type MailArgs struct {
	TenantID string    `json:"tenant_id"`
	ID       uuid.UUID `json:"id"`
}

// Kind implements river.JobArgs.
func (MailArgs) Kind() string { return "mail" }

// InsertOpts implements river.JobArgsWithInsertOpts: one live job per message, so the
// sweep never doubles a queued delivery.
func (MailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, MaxAttempts: MailMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// mailWorker delivers one outbox message.
type mailWorker struct {
	river.WorkerDefaults[MailArgs]
	st   *store.Store
	send Sender
	log  *slog.Logger
}

// Timeout bounds one attempt (a slow SMTP server), beyond the sender's own timeouts.
func (w *mailWorker) Timeout(*river.Job[MailArgs]) time.Duration { return 2 * time.Minute }

// Work sends the message. A failed attempt is recorded on the message by the store and
// returned, so the queue retries it with backoff; a refusal by the server (5xx) or a
// message that no longer exists cancels the job; a message another worker is sending
// right now is looked at again later.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[MailArgs]) error {
	a := job.Args
	err := w.st.DeliverMail(ctx, a.TenantID, a.ID, w.send.Send)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		w.log.Warn("mail to deliver does not exist", "tenant", a.TenantID, "mail_id", typeid.Format(typeid.Mail, a.ID))
		return river.JobCancel(err)
	case errors.Is(err, store.ErrMailBusy):
		return river.JobSnooze(time.Minute)
	case Permanent(err):
		w.log.Error("mail refused", "tenant", a.TenantID, "mail_id", typeid.Format(typeid.Mail, a.ID), "err", err)
		return river.JobCancel(err)
	}
	w.log.Warn("mail delivery failed; will retry", "tenant", a.TenantID, "mail_id", typeid.Format(typeid.Mail, a.ID), "attempt", job.Attempt, "err", err)
	return err
}

// SweepMailArgs is the periodic job that queues messages written without a queue.
type SweepMailArgs struct{}

// Kind implements river.JobArgs.
func (SweepMailArgs) Kind() string { return "mail_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (SweepMailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, MaxAttempts: 1}
}

// sweepBatch bounds the messages one sweep queues.
const sweepBatch = 500

// sweepWorker queues a delivery job for every unsent message older than age that was
// never attempted; messages that already have a live job are skipped (MailArgs is unique).
type sweepWorker struct {
	river.WorkerDefaults[SweepMailArgs]
	st  *store.Store
	age time.Duration
	log *slog.Logger
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepMailArgs]) error {
	refs, err := w.st.UnattemptedMail(ctx, time.Now().Add(-w.age), sweepBatch)
	if err != nil || len(refs) == 0 {
		return err
	}
	params := make([]river.InsertManyParams, len(refs))
	for i, r := range refs {
		params[i] = river.InsertManyParams{Args: MailArgs{TenantID: r.TenantID, ID: r.ID}}
	}
	res, err := river.ClientFromContext[pgx.Tx](ctx).InsertMany(ctx, params)
	if err != nil {
		return err
	}
	queued := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			queued++
		}
	}
	if queued > 0 {
		w.log.Info("queued unsent mail", "count", queued)
	}
	return nil
}
