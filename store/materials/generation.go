package materials

// AI course generation jobs (issue 4) and the store side of AI authoring: the durable job
// row the API writes with its queue job in one transaction, the transitions the worker
// makes (running, completed with the course it stored, failed), and the mapping between a
// generated outline (package ai) and the course structure the store keeps.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// GenerationJobPrefix is the TypeID prefix of generation job ids (gen_…).
const GenerationJobPrefix = "gen"

// Generation job statuses.
const (
	GenerationQueued    = "queued"
	GenerationRunning   = "running"
	GenerationCompleted = "completed"
	GenerationFailed    = "failed"
)

// Limits of a generation request.
const (
	MaxGenerationPrompt  = 10000
	MaxGenerationModules = 20
)

// GenerationOptions are the seed's options of a generation request, as stored.
type GenerationOptions struct {
	Modules  int    `json:"modules,omitempty"`
	Language string `json:"language,omitempty"`
	Title    string `json:"title,omitempty"`
}

// GenerationJob is one course generation request and its outcome.
type GenerationJob struct {
	ID        uuid.UUID
	Status    string
	Prompt    string
	SessionID *uuid.UUID
	Options   GenerationOptions
	// The principal of the request, which the worker acts as.
	RequestedBy uuid.UUID
	Role        auth.Role
	KeyID       *uuid.UUID
	AppID       *string
	Surface     string
	RequestID   *string

	CourseID   *uuid.UUID
	Warnings   []string // what the generator could not do (completed jobs)
	Error      *string
	Attempts   int
	CreatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
}

// NewGenerationJob is a generation request to queue.
type NewGenerationJob struct {
	Prompt    string
	SessionID *uuid.UUID
	Options   GenerationOptions
}

// GenerationRepo reads and writes generation jobs.
type GenerationRepo struct{ st *store.Store }

// Generations returns the generation job repository.
func (s *Repo) Generations() *GenerationRepo { return &GenerationRepo{st: s.st} }

const generationCols = `id, status, prompt, session_id, options, requested_by, role, key_id, app_id, surface, request_id,
course_id, warnings, error, attempts, created_at, started_at, finished_at`

// scanGeneration scans generationCols, then the columns of extra.
func scanGeneration(row pgx.Row, extra ...any) (GenerationJob, error) {
	var j GenerationJob
	var opts store.JSON[GenerationOptions]
	var role string
	err := row.Scan(append([]any{&j.ID, &j.Status, &j.Prompt, &j.SessionID, &opts, &j.RequestedBy, &role, &j.KeyID, &j.AppID, &j.Surface,
		&j.RequestID, &j.CourseID, &j.Warnings, &j.Error, &j.Attempts, &j.CreatedAt, &j.StartedAt, &j.FinishedAt}, extra...)...)
	if err != nil {
		return GenerationJob{}, err
	}
	j.Options, j.Role = opts.V, auth.Role(role)
	return j, nil
}

var languageRE = regexp.MustCompile(`^[a-z]{2}$`)

// ValidateGeneration checks a generation request (the API schema checks the same); a
// ValidationError points at what is wrong.
func ValidateGeneration(in NewGenerationJob) error {
	var v store.ValidationError
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Prompt)); n < 1 || n > MaxGenerationPrompt {
		v.Add("/prompt", "must be 1–%d characters", MaxGenerationPrompt)
	}
	if m := in.Options.Modules; m < 0 || m > MaxGenerationModules {
		v.Add("/options/modules", "must be 1–%d", MaxGenerationModules)
	}
	if l := in.Options.Language; l != "" && !languageRE.MatchString(l) {
		v.Add("/options/language", "must be an ISO 639-1 code such as en, es or fr")
	}
	if n := utf8.RuneCountInString(in.Options.Title); in.Options.Title != "" && (strings.TrimSpace(in.Options.Title) == "" || n > 200) {
		v.Add("/options/title", "must be 1–200 characters")
	}
	return v.Err()
}

// Create records a generation request of the caller (who needs course_edit) and queues
// its work on the job queue in the same transaction. Audited as course.generate.queue.
func (r *GenerationRepo) Create(ctx context.Context, in NewGenerationJob) (GenerationJob, error) {
	if !r.st.HasJobQueue() {
		return GenerationJob{}, fmt.Errorf("create generation job: %w", store.ErrNoJobQueue)
	}
	if err := ValidateGeneration(in); err != nil {
		return GenerationJob{}, fmt.Errorf("create generation job: %w", err)
	}
	var out GenerationJob
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if !t.Caller().Can(auth.PermCourseEdit) {
			return courses.ErrCourseAccess
		}
		j := GenerationJob{ID: uuid.Must(uuid.NewV7()), Status: GenerationQueued, Prompt: strings.TrimSpace(in.Prompt), SessionID: in.SessionID,
			Options: in.Options, RequestedBy: t.Caller().PersonID, Role: t.Caller().Role, Surface: t.Caller().Surface, CreatedAt: store.Now()}
		if j.Surface == "" {
			j.Surface = auth.SurfaceAPI
		}
		if t.Caller().KeyID != "" {
			if k, err := store.ParseKeyID(t.Caller().KeyID); err == nil {
				j.KeyID = &k
			}
		}
		if t.Caller().AppID != "" {
			app := t.Caller().AppID
			j.AppID = &app
		}
		if rid := store.RequestIDFrom(t.Ctx()); rid != "" {
			j.RequestID = &rid
		}
		if _, err := t.Exec(`INSERT INTO generation_jobs (tenant_id, id, status, prompt, session_id, options, requested_by, role, key_id, app_id, surface, request_id, created_at)
VALUES (learnd_tenant(), $1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			j.ID, j.Prompt, j.SessionID, store.JSON[GenerationOptions]{V: j.Options}, j.RequestedBy, string(j.Role), j.KeyID, j.AppID, j.Surface, j.RequestID, j.CreatedAt); err != nil {
			return err
		}
		if err := t.Enqueue(store.JobGeneration, j.ID); err != nil {
			return err
		}
		out = j
		return t.Audit("course.generate.queue", "generation_job", typeid.Format(GenerationJobPrefix, j.ID), nil, generationAudit(j))
	})
	if err != nil {
		return GenerationJob{}, fmt.Errorf("create generation job: %w", err)
	}
	return out, nil
}

// Get returns one of the caller's own generation jobs; ErrNotFound for anyone else's.
func (r *GenerationRepo) Get(ctx context.Context, id uuid.UUID) (GenerationJob, error) {
	var out GenerationJob
	err := r.st.Read(ctx, func(t *store.Tx) error {
		j, err := scanGenerationRead(t.QueryRow(`SELECT `+generationCols+`, `+generationAbandoned+` FROM generation_jobs g
WHERE tenant_id = learnd_tenant() AND id = $1 AND requested_by = $2`, id, t.Caller().PersonID))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		out = j
		return err
	})
	if err != nil {
		return GenerationJob{}, fmt.Errorf("get generation job: %w", err)
	}
	return out, nil
}

// generationAbandoned is a column of the generation_jobs row g: whether the queue gave up
// on the job while it was queued or running (river's rescuer discards a job whose worker
// died on its last attempt, without running it again).
const generationAbandoned = `(g.status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM river_job
WHERE kind = '` + GenerationJobKind + `' AND args @> jsonb_build_object('tenant_id', g.tenant_id, 'id', g.id::text)
  AND state IN ('discarded', 'cancelled')))`

// scanGenerationRead scans a job read for its requester (generationCols, then
// generationAbandoned): an abandoned job is reported failed.
func scanGenerationRead(row pgx.Row) (GenerationJob, error) {
	var abandoned bool
	j, err := scanGeneration(row, &abandoned)
	if err == nil && abandoned {
		msg := "course generation was abandoned: its worker stopped before finishing, on every attempt"
		j.Status, j.Error = GenerationFailed, &msg
	}
	return j, err
}

// GenerationJobKind is the kind of the queue's generation jobs (jobs.GenerateCourseArgs).
const GenerationJobKind = "generate_course"

// GenerationOrigin is how a course was generated: the source-material session (nil for a
// prompt-only course) and the language asked for ("" when the generator chose).
type GenerationOrigin struct {
	Session  *uuid.UUID
	Language string
}

// OriginOf returns how course was generated (the zero value when it was not generated).
func (r *GenerationRepo) OriginOf(ctx context.Context, course uuid.UUID) (GenerationOrigin, error) {
	var out GenerationOrigin
	err := r.st.Read(ctx, func(t *store.Tx) error {
		err := t.QueryRow(`SELECT session_id, coalesce(options->>'language', '') FROM generation_jobs
WHERE tenant_id = learnd_tenant() AND course_id = $1 AND status = 'completed' ORDER BY finished_at DESC LIMIT 1`, course).Scan(&out.Session, &out.Language)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return GenerationOrigin{}, fmt.Errorf("origin of course: %w", err)
	}
	return out, nil
}

// generationAuditView is a generation request as the audit log records it.
type generationAuditView struct {
	ID        string            `json:"id"`
	Prompt    string            `json:"prompt"`
	SessionID *string           `json:"sessionId,omitempty"`
	Options   GenerationOptions `json:"options"`
	Status    string            `json:"status"`
}

func generationAudit(j GenerationJob) generationAuditView {
	a := generationAuditView{ID: typeid.Format(GenerationJobPrefix, j.ID), Prompt: j.Prompt, Options: j.Options, Status: j.Status}
	if j.SessionID != nil {
		s := j.SessionID.String()
		a.SessionID = &s
	}
	return a
}
