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

// ErrGenerationFinished means a worker picked up a job that is already completed or
// failed (a duplicate run after a rescue): there is nothing left to do.
var ErrGenerationFinished = errors.New("generation job is already finished")

// GenerationRefusedError means a job's requester may no longer have the course made: the
// user was banned or lost course_edit, the API key of the request was revoked or expired,
// or the tenant's licence lost AI authoring. The job has been marked failed with Reason,
// and nothing was created. It wraps ErrCourseAccess.
type GenerationRefusedError struct{ Reason string }

func (e *GenerationRefusedError) Error() string { return e.Reason }

// Unwrap makes the refusal an ErrCourseAccess.
func (e *GenerationRefusedError) Unwrap() error { return courses.ErrCourseAccess }

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

// GenerationEnqueuer queues the work of generation job id in tx, the transaction that
// writes the job's row (the job queue's insert), so the row and its queue job commit or
// roll back together.
type GenerationEnqueuer func(ctx context.Context, tx pgx.Tx, tenantID string, id uuid.UUID) error

// GenerationRepo reads and writes generation jobs.
type GenerationRepo struct{ st *store.Store }

// Generations returns the generation job repository.
func (s *Repo) Generations() *GenerationRepo { return &GenerationRepo{st: s.st} }

const generationCols = `id, status, prompt, session_id, options, requested_by, role, key_id, app_id, surface, request_id,
course_id, warnings, error, attempts, created_at, started_at, finished_at`

func scanGeneration(row pgx.Row) (GenerationJob, error) {
	var j GenerationJob
	var opts store.JSON[GenerationOptions]
	var role string
	err := row.Scan(&j.ID, &j.Status, &j.Prompt, &j.SessionID, &opts, &j.RequestedBy, &role, &j.KeyID, &j.AppID, &j.Surface,
		&j.RequestID, &j.CourseID, &j.Warnings, &j.Error, &j.Attempts, &j.CreatedAt, &j.StartedAt, &j.FinishedAt)
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
// its work with enqueue in the same transaction. Audited as course.generate.queue.
func (r *GenerationRepo) Create(ctx context.Context, in NewGenerationJob, enqueue GenerationEnqueuer) (GenerationJob, error) {
	if enqueue == nil {
		return GenerationJob{}, errors.New("create generation job: no job queue")
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
		if err := enqueue(t.Ctx(), t.PG(), t.Caller().TenantID, j.ID); err != nil {
			return fmt.Errorf("queue: %w", err)
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
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		j, err := scanGeneration(t.QueryRow(`SELECT `+generationCols+` FROM generation_jobs
WHERE tenant_id = learnd_tenant() AND id = $1 AND requested_by = $2`, id, t.Caller().PersonID))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if j.Status == GenerationQueued || j.Status == GenerationRunning {
			// The queue gave up on a job whose worker died on its last attempt (river's rescuer
			// discards it without running it again): report it failed.
			var abandoned bool
			key := store.JSON[map[string]string]{V: map[string]string{"tenant_id": t.Caller().TenantID, "id": j.ID.String()}}
			if err := t.QueryRow(`SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = '`+GenerationJobKind+`' AND args @> $1::jsonb
  AND state IN ('discarded', 'cancelled'))`, key).Scan(&abandoned); err != nil {
				return err
			}
			if abandoned {
				msg := "course generation was abandoned: its worker stopped before finishing, on every attempt"
				j.Status, j.Error = GenerationFailed, &msg
			}
		}
		out = j
		return nil
	})
	if err != nil {
		return GenerationJob{}, fmt.Errorf("get generation job: %w", err)
	}
	return out, nil
}

// GenerationJobKind is the kind of the queue's generation jobs (jobs.GenerateCourseArgs).
const GenerationJobKind = "generate_course"

// Principal returns the principal a generation job of tenant runs as: its requester, with
// the role, key, application and surface of the request, the role capped at the one the
// user holds now (a token caller without a user row keeps the role of the request). The
// job is returned too. When the requester may no longer have the course made (banned, the
// request's API key revoked or expired, the licence without AI authoring, no course_edit)
// the job is marked failed saying why and a *GenerationRefusedError (an ErrCourseAccess)
// is returned.
func (r *GenerationRepo) Principal(ctx context.Context, tenant string, id uuid.UUID) (auth.Principal, GenerationJob, error) {
	var (
		j       GenerationJob
		c       store.Caller
		refused *GenerationRefusedError
	)
	err := r.st.InTenant(auth.WithPrincipal(ctx, auth.Principal{TenantID: tenant}), func(t *store.Tx) error {
		var err error
		j, err = scanGeneration(t.QueryRow(`SELECT `+generationCols+` FROM generation_jobs WHERE tenant_id = learnd_tenant() AND id = $1`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var reason string
		if c, reason, err = generationRefusal(t, j.RequestedBy, j.Role, j.KeyID); err != nil || reason == "" {
			return err
		}
		refused = &GenerationRefusedError{Reason: reason}
		return failGeneration(t, id, reason)
	})
	if err != nil {
		return auth.Principal{}, GenerationJob{}, fmt.Errorf("load generation job: %w", err)
	}
	if refused != nil {
		return auth.Principal{}, j, fmt.Errorf("load generation job: %w", refused)
	}
	p := auth.Principal{TenantID: tenant, Subject: typeid.Format(typeid.Person, j.RequestedBy), PersonID: j.RequestedBy,
		Role: j.Role, Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: j.Surface, Licence: c.Licence}
	if j.KeyID != nil {
		p.KeyID = typeid.Format(typeid.APIKey, *j.KeyID)
	}
	if j.AppID != nil {
		p.AppID = *j.AppID
	}
	if c.Known {
		p.Known = true
		if !c.Role.AtLeast(p.Role) {
			p.Role = c.Role
		}
	}
	return p, j, nil
}

// generationRefusal re-reads in t what lets a generation job's requester (person, with
// the role and API key of the request) have its course made, as the API's authentication
// and AI gate check it (ResolveCaller, aiGate): the user is not banned and still holds
// course_edit (a requester without a user row keeps the role of the request), the key is
// neither revoked nor expired, and the tenant's licence includes AI authoring (mcpAccess
// full and mcpAiAccess). It returns the caller as read and why the job may not go on, or
// "" when it may.
func generationRefusal(t *store.Tx, person uuid.UUID, role auth.Role, key *uuid.UUID) (store.Caller, string, error) {
	c, err := store.CallerIn(t, person)
	if err != nil {
		return store.Caller{}, "", err
	}
	if c.Known && c.Banned {
		return c, "the requesting user is banned", nil
	}
	if key != nil {
		var revoked, expired bool
		err := t.QueryRow(`SELECT revoked_at IS NOT NULL, expires_at IS NOT NULL AND expires_at <= now()
FROM api_keys WHERE tenant_id = learnd_tenant() AND id = $1 AND user_id = $2`, *key, person).Scan(&revoked, &expired)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return c, "the API key of the request no longer exists", nil
		case err != nil:
			return store.Caller{}, "", err
		case revoked:
			return c, "the API key was revoked", nil
		case expired:
			return c, "the API key has expired", nil
		}
	}
	if c.Licence.MCPAccess != auth.MCPFull || !c.Licence.MCPAIAccess {
		return c, fmt.Sprintf("the licence no longer includes AI authoring (it needs mcpAccess \"full\" and mcpAiAccess; the tenant has mcpAccess %q and mcpAiAccess %t)",
			c.Licence.MCPAccess, c.Licence.MCPAIAccess), nil
	}
	if c.Known && !c.Role.AtLeast(role) {
		role = c.Role
	}
	if !role.Can(auth.PermCourseEdit) {
		return c, "the requesting user may no longer create courses (their role is " + string(role) + ")", nil
	}
	return c, "", nil
}

// failGeneration marks job id failed with message unless it is already finished.
func failGeneration(t *store.Tx, id uuid.UUID, message string) error {
	_, err := t.Exec(`UPDATE generation_jobs SET status = 'failed', error = $2, finished_at = $3
WHERE tenant_id = learnd_tenant() AND id = $1 AND status IN ('queued', 'running')`, id, message, store.Now())
	return err
}

// Start marks the caller's job running (attempt n of the queue); ErrGenerationFinished
// when it is already completed or failed.
func (r *GenerationRepo) Start(ctx context.Context, id uuid.UUID, attempt int) (GenerationJob, error) {
	var out GenerationJob
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		j, err := scanGeneration(t.QueryRow(`UPDATE generation_jobs SET status = 'running', attempts = $2, started_at = coalesce(started_at, $3)
WHERE tenant_id = learnd_tenant() AND id = $1 AND status IN ('queued', 'running') RETURNING `+generationCols, id, attempt, store.Now()))
		if errors.Is(err, pgx.ErrNoRows) {
			return finishedOrMissing(t, id)
		}
		out = j
		return err
	})
	if err != nil {
		return GenerationJob{}, fmt.Errorf("start generation job: %w", err)
	}
	return out, nil
}

func finishedOrMissing(t *store.Tx, id uuid.UUID) error {
	var ok bool
	if err := t.QueryRow(`SELECT EXISTS (SELECT 1 FROM generation_jobs WHERE tenant_id = learnd_tenant() AND id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if ok {
		return ErrGenerationFinished
	}
	return store.ErrNotFound
}

// Complete stores d as a new draft course owned by the caller (the requester) and marks
// the job completed with it and the generator's warnings, in one transaction, so a job never yields two courses; the
// course is audited as course.generate. ErrGenerationFinished when the job is already
// finished; a draft that breaks a rule is a ValidationError pointing into it. Before the
// course is made, the requester's standing is read again in the same transaction (a ban,
// a revoked or expired key, a licence without AI authoring, a role without course_edit,
// any of which may have come while the model ran): then the job is marked failed saying
// why, nothing is created, and a *GenerationRefusedError (an ErrCourseAccess) is returned.
func (r *GenerationRepo) Complete(ctx context.Context, id uuid.UUID, d courses.CourseDraft, warnings []string) (*courses.Course, error) {
	var (
		out     *courses.Course
		refused *GenerationRefusedError
	)
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var (
			status, role string
			person       uuid.UUID
			key          *uuid.UUID
		)
		err := t.QueryRow(`SELECT status, requested_by, role, key_id FROM generation_jobs WHERE tenant_id = learnd_tenant() AND id = $1 FOR UPDATE`, id).
			Scan(&status, &person, &role, &key)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status == GenerationCompleted || status == GenerationFailed {
			return ErrGenerationFinished
		}
		_, reason, err := generationRefusal(t, person, auth.Role(role), key)
		if err != nil {
			return err
		}
		if reason != "" {
			refused = &GenerationRefusedError{Reason: reason}
			return failGeneration(t, id, reason)
		}
		if !t.Caller().Can(auth.PermCourseEdit) {
			return courses.ErrCourseAccess
		}
		c, err := courses.Insert(t, d, "course.generate", uuid.Nil)
		if err != nil {
			return err
		}
		if warnings == nil {
			warnings = []string{}
		}
		if _, err := t.Exec(`UPDATE generation_jobs SET status = 'completed', course_id = $2, warnings = $4, error = NULL, finished_at = $3
WHERE tenant_id = learnd_tenant() AND id = $1`, id, c.ID, store.Now(), warnings); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err == nil && refused != nil {
		err = refused
	}
	if err != nil {
		return nil, fmt.Errorf("complete generation job: %w", err)
	}
	return out, nil
}

// Fail marks the caller's job failed with message (shown to the requester as
// error.message); a job already finished stays as it is.
func (r *GenerationRepo) Fail(ctx context.Context, id uuid.UUID, message string) error {
	if message == "" {
		message = "course generation failed"
	}
	if utf8.RuneCountInString(message) > 2000 {
		message = string([]rune(message)[:2000])
	}
	err := r.st.InTenant(ctx, func(t *store.Tx) error { return failGeneration(t, id, message) })
	if err != nil {
		return fmt.Errorf("fail generation job: %w", err)
	}
	return nil
}

// GenerationOrigin is how a course was generated: the source-material session (nil for a
// prompt-only course) and the language asked for ("" when the generator chose).
type GenerationOrigin struct {
	Session  *uuid.UUID
	Language string
}

// OriginOf returns how course was generated (the zero value when it was not generated).
func (r *GenerationRepo) OriginOf(ctx context.Context, course uuid.UUID) (GenerationOrigin, error) {
	var out GenerationOrigin
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
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
