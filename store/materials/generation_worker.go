package materials

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// ErrGenerationFinished means a worker picked up a job that is already completed or
// failed, or was cancelled (a duplicate run after a rescue, a cancelled job): there is
// nothing left to do.
var ErrGenerationFinished = errors.New("generation job is already finished")

// GenerationRefusedError means a job's requester may no longer have the course made: the
// user was banned or lost course_edit, the API key of the request was revoked or expired,
// or the tenant's licence lost AI authoring. The job has been marked failed with Reason,
// and nothing was created. It wraps ErrCourseAccess.
type GenerationRefusedError struct{ Reason string }

func (e *GenerationRefusedError) Error() string { return e.Reason }

// Unwrap makes the refusal an ErrCourseAccess.
func (e *GenerationRefusedError) Unwrap() error { return courses.ErrCourseAccess }

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
	p.Known = true
	if !c.Role.AtLeast(p.Role) {
		p.Role = c.Role
	}
	return p, j, nil
}

// generationRefusal re-reads in t what lets a generation job's requester (person, with
// the role and API key of the request) have its course made, as the API's authentication
// and AI gate check it (ResolveCaller, aiGate): the user is not banned and still holds
// course_edit (tenant-bound trust: the requester is still a user of the tenant), the key is
// neither revoked nor expired, and the tenant's licence includes AI authoring (mcpAccess
// full and mcpAiAccess). It returns the caller as read and why the job may not go on, or
// "" when it may.
func generationRefusal(t *store.Tx, person uuid.UUID, role auth.Role, key *uuid.UUID) (store.Caller, string, error) {
	c, err := store.CallerIn(t, person)
	if err != nil {
		return store.Caller{}, "", err
	}
	switch {
	case !c.Tenant || !c.Known:
		return c, "the requester is no longer a user of the tenant", nil
	case c.Banned:
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
	if !c.Role.AtLeast(role) {
		role = c.Role
	}
	if !role.Can(auth.PermCourseEdit) {
		return c, "the requesting user may no longer create courses (their role is " + string(role) + ")", nil
	}
	return c, "", nil
}

// failGeneration marks job id failed with message unless it is already finished.
func failGeneration(t *store.Tx, id uuid.UUID, message string) error {
	tag, err := t.Exec(`UPDATE generation_jobs SET status = 'failed', error = $2, finished_at = $3
WHERE tenant_id = learnd_tenant() AND id = $1 AND status IN ('queued', 'running')`, id, message, store.Now())
	if err != nil || tag.RowsAffected() == 0 {
		return err
	}
	return t.Emit(store.EventGenerationFailed, generationEvent{ID: typeid.Format(GenerationJobPrefix, id), Status: "failed", Error: &message})
}

// generationEvent is the data of generation.completed and generation.failed.
type generationEvent struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	CourseID *string `json:"courseId"`
	Error    *string `json:"error"`
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
		if status == GenerationCompleted || status == GenerationFailed || status == GenerationCancelled {
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
		course := typeid.Format(typeid.Course, c.ID)
		return t.Emit(store.EventGenerationCompleted, generationEvent{ID: typeid.Format(GenerationJobPrefix, id), Status: "completed", CourseID: &course})
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
