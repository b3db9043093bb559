package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/learnd/learnd/store/assignments"
)

// The LMS sweep: a periodic job that renews certificates (re-assigns their courses before
// they expire) and escalates overdue assignments to the learners' managers
// (assignments.Repo.Sweep). Each certificate and assignment is handled once, whichever
// replica's sweep gets to it.

// DefaultLMSSweepInterval is how often the LMS sweep runs when Config sets no interval.
const DefaultLMSSweepInterval = 10 * time.Minute

// LMSSweepArgs is the periodic LMS sweep.
type LMSSweepArgs struct{}

// Kind implements river.JobArgs.
func (LMSSweepArgs) Kind() string { return "lms_sweep" }

// InsertOpts implements river.JobArgsWithInsertOpts: one attempt (the next period is the
// retry). Two sweeps at once are safe: each certificate and assignment is locked (SKIP
// LOCKED) and marked in the transaction that handles it.
func (LMSSweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 1}
}

// lmsSweepWorker runs the sweep as at now().
type lmsSweepWorker struct {
	river.WorkerDefaults[LMSSweepArgs]
	repo *assignments.Repo
	now  func() time.Time
	log  *slog.Logger
}

func (w *lmsSweepWorker) Work(ctx context.Context, _ *river.Job[LMSSweepArgs]) error {
	r, err := w.repo.Sweep(ctx, w.now())
	if err != nil {
		w.log.Error("lms sweep failed", "err", err)
		return err
	}
	if r.Recertified+r.Escalated > 0 {
		w.log.Info("lms sweep", "tenants", r.Tenants, "recertified", r.Recertified, "escalated", r.Escalated)
	}
	return nil
}
