// Package jobs runs learnd's background work on a PostgreSQL-backed job queue
// (riverqueue/river): jobs survive restarts and are shared by every replica.
//
// It delivers the mail outbox and webhook events (webhook.go), runs AI course generation
// (generate.go) and the periodic LMS sweep: recertification and overdue escalation
// (lms_sweep.go). A change that
// sends mail writes the message to mail_outbox and, through the store's job queue
// (Runner.Enqueue), inserts its delivery job in the same tenant transaction, so
// message and job commit or roll back with the change. The mail worker claims the
// message, sends it through SMTP (or, without an SMTP URL, writes it to the log), and
// marks it sent; a failed attempt is recorded on the message and retried by the queue
// with backoff. A periodic sweep queues messages that were written without a queue.
//
// Jobs inserted from a tenant transaction (role learnd_app) must carry the tenant in a
// "tenant_id" argument: row-level security on river_job admits only those.
package jobs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
)

// Queue names.
const (
	QueueMail    = "mail"
	QueueDefault = river.QueueDefault
)

// Defaults.
const (
	DefaultFrom          = "learnd <no-reply@learnd.local>"
	DefaultSweepInterval = time.Minute
	DefaultSweepAge      = 5 * time.Minute
)

// Config configures a Runner.
type Config struct {
	// DatabaseURL is the database holding the queue; the Runner opens its own pool on it.
	DatabaseURL string
	// SMTPURL is where mail goes: smtp://[user:pass@]host[:port] (port 587 by default;
	// STARTTLS when the server offers it; the credentials only over TLS) or
	// smtps://[user:pass@]host[:port] (implicit TLS, port 465 by default). Empty: messages
	// are written to the log and marked sent (development).
	SMTPURL string
	// From is the sender of every message; DefaultFrom when empty.
	From string
	// TLSConfig verifies the SMTP server (nil: the system roots).
	TLSConfig *tls.Config
	// Workers is how many jobs of each queue this process works at once. Zero makes an
	// insert-only Runner: it queues jobs (Enqueue) but works none, and Start does
	// nothing; another process works them.
	Workers int
	// SweepInterval is how often the sweep looks for unqueued messages
	// (DefaultSweepInterval when zero); SweepAge is how old such a message must be
	// (DefaultSweepAge when zero).
	SweepInterval time.Duration
	SweepAge      time.Duration
	// Logger receives the queue's and the workers' logs (and, without SMTPURL, the
	// messages).
	Logger *slog.Logger
	// Generator writes the courses of generation jobs; nil: this process works no
	// generation jobs (it still queues them; another replica works them). Materials
	// gives them their source-material sessions' chunks.
	Generator ai.Generator
	Materials Materials
	// GenerationTimeout bounds one attempt of a generation job (DefaultGenerationTimeout
	// when zero).
	GenerationTimeout time.Duration
	// LMSSweepInterval is how often the LMS sweep (recertification, overdue escalation;
	// lms_sweep.go) runs (DefaultLMSSweepInterval when zero); Clock is the instant it
	// sweeps as at (time.Now when nil; tests move it forward).
	LMSSweepInterval time.Duration
	Clock            func() time.Time
	// RescueStuckJobsAfter is how long a job may run before the queue considers its worker
	// dead (a killed process) and runs it again; a job is rescued only once it has also
	// run longer than its own timeout (mail two minutes, generation GenerationTimeout).
	// DefaultRescueAfter when zero.
	RescueStuckJobsAfter time.Duration
	// WebhookRetryDelays are the waits before each retry of a failed webhook delivery
	// (DefaultWebhookRetryDelays when empty); the try after the last is final.
	// WebhookTimeout bounds one try (DefaultWebhookTimeout when zero).
	// WebhookDisableAfter is how many deliveries in a row may fail every try before their
	// endpoint is disabled (DefaultWebhookDisableAfter when zero).
	WebhookRetryDelays  []time.Duration
	WebhookTimeout      time.Duration
	WebhookDisableAfter int
	// WebhookPrivateNetworks lets deliveries reach loopback, link-local and private
	// addresses (development and tests; LEARND_WEBHOOK_PRIVATE_NETWORKS).
	WebhookPrivateNetworks bool
}

// Runner is the job queue: its client, its connection pool and its workers.
type Runner struct {
	client     *river.Client[pgx.Tx]
	pool       *pgxpool.Pool
	log        *slog.Logger
	working    bool
	generating bool
	started    bool
}

// New prepares the queue on cfg.DatabaseURL (whose schema store.Migrate has migrated)
// with workers delivering st's mail outbox. It starts nothing: install Enqueue with
// st.SetJobQueue, then Start.
func New(ctx context.Context, st *store.Store, cfg Config) (*Runner, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.From == "" {
		cfg.From = DefaultFrom
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	if cfg.SweepAge <= 0 {
		cfg.SweepAge = DefaultSweepAge
	}
	if cfg.GenerationTimeout <= 0 {
		cfg.GenerationTimeout = DefaultGenerationTimeout
	}
	if cfg.RescueStuckJobsAfter <= 0 {
		cfg.RescueStuckJobsAfter = DefaultRescueAfter
	}
	if len(cfg.WebhookRetryDelays) == 0 {
		cfg.WebhookRetryDelays = DefaultWebhookRetryDelays
	}
	if cfg.WebhookTimeout <= 0 {
		cfg.WebhookTimeout = DefaultWebhookTimeout
	}
	if cfg.WebhookDisableAfter <= 0 {
		cfg.WebhookDisableAfter = DefaultWebhookDisableAfter
	}
	if cfg.LMSSweepInterval <= 0 {
		cfg.LMSSweepInterval = DefaultLMSSweepInterval
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Workers < 0 {
		return nil, errors.New("jobs: workers must not be negative")
	}
	if cfg.Generator != nil && cfg.RescueStuckJobsAfter <= cfg.GenerationTimeout {
		return nil, fmt.Errorf("jobs: the rescue delay (%s) must exceed the generation timeout (%s)", cfg.RescueStuckJobsAfter, cfg.GenerationTimeout)
	}
	sender, err := NewSender(cfg.SMTPURL, cfg.From, cfg.TLSConfig, cfg.Logger)
	if err != nil {
		return nil, err
	}
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("jobs: database: %w", err)
	}
	// Each mail delivery holds a connection while it sends; the queue needs a few more
	// (its listener, fetches, completions, maintenance).
	pc.MaxConns = int32(2*cfg.Workers + 4)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("jobs: database: %w", err)
	}
	// The default timeout of a job whose worker sets none (the sweep); river requires it not
	// to exceed the rescue delay.
	rc := &river.Config{Logger: cfg.Logger, RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		JobTimeout: min(river.JobTimeoutDefault, cfg.RescueStuckJobsAfter)}
	if cfg.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, &mailWorker{st: st, send: sender, log: cfg.Logger})
		river.AddWorker(workers, &sweepWorker{st: st, age: cfg.SweepAge, log: cfg.Logger})
		river.AddWorker(workers, newWebhookWorker(st, cfg))
		river.AddWorker(workers, &lmsSweepWorker{repo: assignments.New(st), now: cfg.Clock, log: cfg.Logger})
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			QueueMail:    {MaxWorkers: cfg.Workers},
			QueueDefault: {MaxWorkers: cfg.Workers},
			QueueWebhook: {MaxWorkers: cfg.Workers},
		}
		if cfg.Generator != nil {
			river.AddWorker(workers, &generateWorker{st: st, gen: cfg.Generator, materials: cfg.Materials,
				timeout: cfg.GenerationTimeout, log: cfg.Logger})
			rc.Queues[QueueAI] = river.QueueConfig{MaxWorkers: cfg.Workers}
		}
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return SweepMailArgs{}, nil },
				&river.PeriodicJobOpts{ID: "mail_sweep", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.LMSSweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return LMSSweepArgs{}, nil },
				&river.PeriodicJobOpts{ID: "lms_sweep", RunOnStart: true}),
		}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Runner{client: client, pool: pool, log: cfg.Logger, working: cfg.Workers > 0, generating: cfg.Workers > 0 && cfg.Generator != nil}, nil
}

// Enqueue inserts job in tx, the transaction that asks for it: a mail delivery on the
// mail queue, a course generation on the AI queue (a store.JobQueue: install it with
// store.SetJobQueue).
func (r *Runner) Enqueue(ctx context.Context, tx pgx.Tx, job store.Job) error {
	var args river.JobArgs
	switch job.Kind {
	case store.JobMail:
		args = MailArgs{TenantID: job.TenantID, ID: job.ID}
	case store.JobGeneration:
		args = GenerateCourseArgs{TenantID: job.TenantID, ID: job.ID}
	case store.JobWebhook:
		args = WebhookArgs{TenantID: job.TenantID, ID: job.ID}
	default:
		return fmt.Errorf("queue: unknown job kind %q", job.Kind)
	}
	if _, err := r.client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("queue %s: %w", job.Kind, err)
	}
	return nil
}

var _ store.JobQueue = (*Runner)(nil).Enqueue

// Start starts working jobs in the background (nothing for an insert-only Runner). The
// workers run until Stop; ctx only bounds starting.
func (r *Runner) Start(ctx context.Context) error {
	if !r.working {
		return nil
	}
	// Cancelling the context given to river's Start would stop it hard (cancelling jobs
	// mid-send); Stop stops it gracefully instead.
	if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	r.started = true
	queues := []string{QueueMail, QueueDefault, QueueWebhook}
	if r.generating {
		queues = append(queues, QueueAI)
	}
	r.log.Info("job workers started", "queues", queues)
	return nil
}

// Stop stops fetching jobs and waits for running ones to finish; when ctx ends first, it
// cancels them and waits a little more. Then it closes the Runner's pool.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.pool.Close()
	if !r.started {
		return nil
	}
	err := r.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		r.log.Warn("job workers did not stop in time; cancelling running jobs")
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = r.client.StopAndCancel(hctx)
	}
	if err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	r.log.Info("job workers stopped")
	return nil
}

// checkFrom validates a sender address.
func checkFrom(from string) error {
	if _, err := mail.ParseAddress(from); err != nil {
		return fmt.Errorf("jobs: mail sender %q: %w", from, err)
	}
	return nil
}
