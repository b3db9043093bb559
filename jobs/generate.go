package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// Course generation (issue 4). POST /api/v2/ai/courses/generate writes a generation_jobs
// row and, in the same tenant transaction, a river job (GenerateCourseArgs) through
// Runner.Enqueue. Any replica working the "ai" queue picks it up: the worker
// loads the row, acts as the requester (tenant, person, role, key, application and surface
// of the original request, so row-level security and the audit log see them), marks the
// job running, asks the Generator for a course (with the session's chunks and a retriever
// when the request named a source-material session), validates it, and stores it as a
// draft course owned by the requester while marking the job completed, in one transaction.
//
// Durability: a job whose worker dies (a killed server) stays "running" in river until
// river's rescuer retries it, once it has been running longer than both the client's
// RescueStuckJobsAfter and the worker's timeout (Config.RescueStuckJobsAfter,
// Config.GenerationTimeout; LEARND_JOB_RESCUE_AFTER and LEARND_AI_JOB_TIMEOUT) — then the
// leader replica's rescuer (every 30 s) reschedules it and any replica runs it again.

// GenerationMaxAttempts is how often a generation is tried (a failed model call, a timeout,
// a rescue after a crash) before the job is marked failed.
const GenerationMaxAttempts = 3

// Generation defaults.
const (
	DefaultGenerationTimeout = 5 * time.Minute
	DefaultRescueAfter       = 6 * time.Minute
)

// QueueAI is the queue of generation jobs.
const QueueAI = "ai"

// GenerateCourseArgs is the job of one generation request (a generation_jobs row).
type GenerateCourseArgs struct {
	TenantID string    `json:"tenant_id"`
	ID       uuid.UUID `json:"id"`
}

// Kind implements river.JobArgs.
func (GenerateCourseArgs) Kind() string { return materials.GenerationJobKind }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (GenerateCourseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueAI, MaxAttempts: GenerationMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Materials gives a generation the chunks of its source-material session: all of them in
// document order, and the k most relevant to a query. A session the requester does not own
// is store.ErrNotFound.
type Materials interface {
	SessionChunks(ctx context.Context, session uuid.UUID) ([]ai.Chunk, error)
	Retrieve(ctx context.Context, session uuid.UUID, query string, k int) ([]ai.Chunk, error)
}

// generateWorker runs one generation job.
type generateWorker struct {
	river.WorkerDefaults[GenerateCourseArgs]
	st        *store.Store
	gen       ai.Generator
	materials Materials
	timeout   time.Duration
	log       *slog.Logger
}

// Timeout bounds one attempt (a slow model).
func (w *generateWorker) Timeout(*river.Job[GenerateCourseArgs]) time.Duration { return w.timeout }

// Work generates and stores the course. A failure the next attempt cannot fix (an invalid
// course, a missing session, a requester who may no longer create courses) marks the job
// failed at once; others (the model, the database) are retried by the queue with backoff,
// and mark it failed on the last attempt.
func (w *generateWorker) Work(ctx context.Context, job *river.Job[GenerateCourseArgs]) error {
	a := job.Args
	gens := materials.New(w.st).Generations()
	p, j, err := gens.Principal(ctx, a.TenantID, a.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		w.log.Warn("generation job does not exist", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID))
		return river.JobCancel(err)
	case errors.Is(err, courses.ErrCourseAccess):
		w.fail(auth.WithPrincipal(ctx, auth.Principal{TenantID: a.TenantID}), a, "the requester may no longer create courses")
		return river.JobCancel(err)
	case err != nil:
		return w.retry(ctx, job, err)
	}
	ctx = auth.WithPrincipal(ctx, p)
	if j.RequestID != nil {
		ctx = store.WithRequestID(ctx, *j.RequestID)
	}
	if _, err := gens.Start(ctx, j.ID, job.Attempt); err != nil {
		if errors.Is(err, materials.ErrGenerationFinished) {
			return nil // a duplicate run after a rescue: the job is done
		}
		return w.retry(ctx, job, err)
	}
	w.log.Info("generating course", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID), "attempt", job.Attempt, "session", j.SessionID != nil)
	req := ai.CourseRequest{Prompt: j.Prompt, Options: ai.Options{Modules: j.Options.Modules, Language: j.Options.Language, Title: j.Options.Title}}
	if req.Options.Modules == 0 {
		req.Options.Modules = ai.DefaultModules
	}
	if j.SessionID != nil {
		if w.materials == nil {
			return w.permanent(ctx, job, "source materials are not available on this server")
		}
		session := *j.SessionID
		chunks, err := w.materials.SessionChunks(ctx, session)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return w.permanent(ctx, job, "the source-material session no longer exists")
		case err != nil:
			return w.retry(ctx, job, err)
		case len(chunks) == 0:
			return w.permanent(ctx, job, "the source-material session holds no text")
		}
		req.Chunks = chunks
		req.Retrieve = func(ctx context.Context, query string, k int) ([]ai.Chunk, error) {
			return w.materials.Retrieve(ctx, session, query, k)
		}
	}
	started := time.Now()
	gctx, stopWatch := watchCancel(ctx, gens, j.ID)
	course, err := w.gen.Course(gctx, req)
	if stopWatch() { // the requester cancelled it: nothing to store, nothing to retry
		w.log.Info("course generation cancelled by its requester", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID))
		return nil
	}
	if err != nil {
		var ve *ai.ValidationError
		switch {
		case errors.As(err, &ve):
			return w.permanent(ctx, job, "the generated course was invalid: "+err.Error())
		case ai.Permanent(err):
			// The model endpoint refuses the request (a bad key, an unknown model): retrying
			// cannot help.
			return w.permanent(ctx, job, "course generation failed: "+err.Error())
		}
		return w.retry(ctx, job, fmt.Errorf("the generator failed: %w", err))
	}
	if err := ai.ValidateCourse(course); err != nil {
		return w.permanent(ctx, job, "the generated course was invalid: "+err.Error())
	}
	c, err := gens.Complete(ctx, j.ID, materials.CourseDraftFromAI(course, j.Options.Title), course.Warnings)
	var sve *store.ValidationError
	switch {
	case err == nil:
	case errors.Is(err, materials.ErrGenerationFinished):
		return nil
	case errors.As(err, &sve):
		return w.permanent(ctx, job, "the generated course could not be stored: "+sve.Error())
	case errors.Is(err, courses.ErrCourseAccess):
		return w.permanent(ctx, job, "the requester may no longer create courses")
	default:
		return w.retry(ctx, job, err)
	}
	w.log.Info("generated course", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID), "course_id", typeid.Format(typeid.Course, c.ID), "sections", len(c.Sections),
		"took", time.Since(started).Round(time.Millisecond))
	return nil
}

// permanent marks the job failed with message and cancels it (no retry).
func (w *generateWorker) permanent(ctx context.Context, job *river.Job[GenerateCourseArgs], message string) error {
	w.fail(ctx, job.Args, message)
	return river.JobCancel(errors.New(message))
}

// retry returns err for the queue to retry the job; on the last attempt the job is
// marked failed first.
func (w *generateWorker) retry(ctx context.Context, job *river.Job[GenerateCourseArgs], err error) error {
	if job.Attempt >= job.MaxAttempts {
		msg := "course generation failed"
		if ctx.Err() != nil {
			msg += ": it took longer than " + w.timeout.String()
			ctx = context.WithoutCancel(ctx)
		} else {
			msg += ": " + err.Error()
		}
		w.fail(ctx, job.Args, msg)
		return err
	}
	w.log.Warn("course generation failed; will retry", "tenant", job.Args.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, job.Args.ID), "attempt", job.Attempt, "err", err)
	return err
}

func (w *generateWorker) fail(ctx context.Context, a GenerateCourseArgs, message string) {
	if _, ok := auth.FromContext(ctx); !ok {
		ctx = auth.WithPrincipal(ctx, auth.Principal{TenantID: a.TenantID})
	}
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	if err := materials.New(w.st).Generations().Fail(ctx, a.ID, message); err != nil {
		w.log.Error("mark generation job failed", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID), "err", err)
		return
	}
	w.log.Warn("course generation failed", "tenant", a.TenantID, "job_id", typeid.Format(materials.GenerationJobPrefix, a.ID), "reason", message)
}
