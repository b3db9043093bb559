package server

// The one mapper: every error that reaches Echo — a problem a middleware or a handler
// decided (*problemError), an expected error of the domain (the store's, the extractor's),
// an Echo error, anything else — is answered with the problem problemFor maps it to.
// Handlers return their success response or an error; they never build a problem
// response of their own. What a handler knows about an expected error and the store does
// not (the id it was about, its own wording) travels with the error (problem_describe.go).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/store/webhooks"
)

// problemFor maps err to the problem document it is answered with and the response
// headers that go with it (Retry-After on a 429 or 503, WWW-Authenticate).
func problemFor(ctx context.Context, err error) (api.Problem, map[string]string) {
	var (
		pe *problemError
		he *echo.HTTPError
	)
	if errors.As(err, &pe) {
		return pe.problem, pe.headers
	}
	if p, headers, ok := domainProblem(ctx, err); ok {
		return p, headers
	}
	switch {
	case isTextEncodingError(err):
		// Backstop: text PostgreSQL cannot store is the client's input, not our failure.
		return newProblem(ctx, kindBadRequest, "the request contains text that is not valid UTF-8 or contains NUL"), nil
	case databaseUnavailable(ctx, err):
		// The database cannot be reached (down, restarting, refusing connections, or not
		// answering within the request's deadline): nothing the client did; retry.
		return newProblem(ctx, kindDBUnavailable, "the database is unavailable; retry in a few seconds"), map[string]string{"Retry-After": dbRetryAfter}
	case errors.As(err, &he):
		return httpErrorProblem(ctx, he), nil
	}
	return newProblem(ctx, kindInternal, "an unexpected error occurred; quote the request id when reporting it"), nil
}

// domainProblem classifies the domain's expected errors; ok is false for any other error.
// The status, the code and the field errors are always decided here; the detail is the
// operation's own where its handler described the error (problem_describe.go).
func domainProblem(ctx context.Context, err error) (p api.Problem, headers map[string]string, ok bool) {
	var (
		ve      *store.ValidationError
		vm      *store.VersionMismatchError
		state   *assignments.ProgressStateError
		notOpen *learning.AssessmentNotOpenError
		quota   *materials.QuotaExceededError
	)
	how := describedOf(err)
	switch {
	case how.aiWrite && isValidation(err):
		// The generator's content breaks a store rule: the generator's failure, not the
		// client's input.
		p = newProblem(ctx, kindGeneratorFailed, "the course generator returned unusable content; nothing was changed — retry, perhaps with different feedback")
	case errors.As(err, &ve):
		p = validationProblem(ctx, ve)
		if how.firstViolation && len(ve.Fields) > 0 {
			f := ve.Fields[0]
			d := f.Detail
			if f.Pointer != "" {
				d = f.Pointer + ": " + d
			}
			p.Detail = &d
		}
	case errors.As(err, &vm) && how.aiWrite:
		// The version an AI write expects is the one the server read before it called the
		// generator: a mismatch is someone else's change meanwhile.
		p = withCode(newProblem(ctx, kindConflict, "the course changed while the AI was writing; nothing was changed — retry"), "course_changed")
	case errors.As(err, &vm):
		p = staleVersion(ctx, vm.Expected, vm.Current)
	case errors.Is(err, store.ErrNotFound):
		p = newProblem(ctx, kindNotFound, notFoundDetail(err, how))
	case errors.Is(err, store.ErrNotDeleted):
		p = withCode(newProblem(ctx, kindConflict, how.subjectOr("the record")+" is not deleted"), "not_deleted")
	case errors.As(err, &notOpen):
		p = withCode(newProblem(ctx, kindConflict, how.subjectOr("the assessment")+" is "+notOpen.Status+"; responses are accepted only while it is open"), "assessment_not_open")
	case errors.Is(err, learning.ErrNoInlineQuestions):
		p = withCode(newProblem(ctx, kindConflict, how.subjectOr("the assessment")+" has no inline questions to answer"), "no_inline_questions")
	case errors.As(err, &quota):
		secs := max(1, int(math.Ceil(quota.RetryAfter.Seconds())))
		p, headers = quotaProblem(ctx, quota, secs), map[string]string{"Retry-After": strconv.Itoa(secs)}
	case errors.As(err, &state):
		p = withCode(newProblem(ctx, kindConflict, state.Detail), state.Code)
	case errors.Is(err, people.ErrPseudonymAmbiguous):
		p = withCode(newProblem(ctx, kindConflict, "more than one user of the tenant has this alias; find the person another way"), "pseudonym_ambiguous")
	case errors.Is(err, webhooks.ErrEndpointDisabled):
		p = withCode(newProblem(ctx, kindConflict, "the webhook endpoint is disabled; enable it first"), "endpoint_disabled")
	default:
		var found bool
		if p, found = sentinelProblem(ctx, err); !found {
			if p, found = extractProblem(ctx, err); !found {
				return api.Problem{}, nil, false
			}
		}
	}
	if d := how.detailFor(err); d != nil {
		p.Detail = &d.detail
		if d.code != "" {
			p.Code = &d.code
		}
	}
	return p, headers, true
}

// sentinelProblem classifies the store's sentinel errors that always read the same.
func sentinelProblem(ctx context.Context, err error) (api.Problem, bool) {
	var p api.Problem
	switch {
	case errors.Is(err, courses.ErrCourseAccess): // also a *materials.GenerationRefusedError
		p = withCode(newProblem(ctx, kindForbidden, "changing this course needs course_edit on it: to be its owner, a user it is shared with, or an admin or owner (sharing: its owner, an admin or an owner)"), "not_course_editor")
	case errors.Is(err, courses.ErrChainAccess):
		p = withCode(newProblem(ctx, kindForbidden, "changing this course chain needs to be its owner, an admin or an owner"), "not_chain_owner")
	case errors.Is(err, assignments.ErrNotChainOwner):
		p = newProblem(ctx, kindForbidden, "only the chain's owner may assign it (the per-chain ownership rule)")
	case errors.Is(err, courses.ErrAlreadyPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is already published"), "already_published")
	case errors.Is(err, courses.ErrNotPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is not published"), "not_published")
	case errors.Is(err, courses.ErrTransitionExists):
		p = withCode(newProblem(ctx, kindConflict, "the transition already exists"), "transition_exists")
	case errors.Is(err, assignments.ErrAssignmentCompleted):
		p = withCode(newProblem(ctx, kindConflict, "the assignment is completed; its deadline cannot change"), "completed")
	case errors.Is(err, people.ErrNotBanned):
		p = withCode(newProblem(ctx, kindConflict, "only a banned user can be anonymised; ban them first"), "not_banned")
	case errors.Is(err, people.ErrAnonymised):
		p = withCode(newProblem(ctx, kindConflict, "the user was anonymised: their personal data is gone and they cannot be unbanned"), "anonymised")
	case errors.Is(err, people.ErrIssuerTaken):
		p = withCode(newProblem(ctx, kindConflict, "another tenant registered an identity provider with this issuer and audience; a token could not tell which tenant it is for — use an audience of your own (your client id)"), "issuer_taken")
	case errors.Is(err, people.ErrEmailTaken):
		p = withCode(newProblem(ctx, kindConflict, "another user of this tenant has this email address"), "email_taken")
	case errors.Is(err, courses.ErrNotAQuiz):
		p = withCode(newProblem(ctx, kindValidation, "only quiz elements carry questions; this element is a lesson or survey"), "not_a_quiz")
	case errors.Is(err, courses.ErrShareOwner):
		p = withFields(newProblem(ctx, kindValidation, "the user owns the course already"),
			[]api.FieldError{{Parameter: ptr("userId"), Detail: "is the course's owner"}})
	case errors.Is(err, courses.ErrShareRole):
		p = withFields(newProblem(ctx, kindValidation, "a share grants course_edit on the course, which needs a role that grants course_edit (manager or above); the user is a learner"),
			[]api.FieldError{{Parameter: ptr("userId"), Detail: "the user's role does not grant course_edit"}})
	case errors.Is(err, materials.ErrGenerationFinished):
		p = withCode(newProblem(ctx, kindConflict, "the generation job already finished (completed, failed or cancelled); there is nothing to cancel"), "generation_finished")
	case errors.Is(err, materials.ErrSessionFull):
		p = withCode(newProblem(ctx, kindValidation, fmt.Sprintf("the session already holds %d files, the most one session takes; start a new session (omit sessionId)", materials.MaxSessionFiles)), "session_full")
	case errors.Is(err, materials.ErrTooMuchText):
		p = withCode(newProblem(ctx, kindValidation, materials.ErrTooMuchText.Error()+"; split the document and upload its parts"), "too_much_text")
	default:
		return api.Problem{}, false
	}
	return p, true
}

// extractProblem classifies the extractor's refusals of an uploaded file: nothing was
// stored then.
func extractProblem(ctx context.Context, err error) (api.Problem, bool) {
	var (
		missing    *extract.MissingProgramError
		noText     *extract.NoTextError
		unreadable *extract.UnreadableError
		busy       *extract.BusyError
	)
	switch {
	case errors.As(err, &busy):
		return withCode(newProblem(ctx, kindUnavailable, busy.Error()+"; nothing was stored"), "extraction_busy"), true
	case errors.As(err, &missing):
		return newProblem(ctx, kindUnavailable, missing.Error()+"; ask the operator to install it; nothing was stored"), true
	case errors.As(err, &noText):
		return withCode(newProblem(ctx, kindValidation, noText.Error()+"; nothing was stored"), "no_text"), true
	case errors.As(err, &unreadable):
		return withCode(newProblem(ctx, kindValidation, unreadable.Error()+"; nothing was stored"), "unreadable_file"), true
	}
	return api.Problem{}, false
}

// notFoundDetail words a not-found: the record (or the part of it) the handler said the
// call was about, else what the store names.
func notFoundDetail(err error, how described) string {
	var (
		part   *courses.PartNotFoundError
		report *reports.NotFoundError
		what   string
	)
	switch {
	case errors.As(err, &part):
		what = part.What
	case errors.As(err, &report):
		what = report.What
	}
	if s := how.subject(what); s != "" {
		return s + " not found"
	}
	switch {
	case part != nil && part.What == "user":
		return "no such user"
	case part != nil:
		return "no such " + part.What + " in this course"
	}
	return "no such record"
}

// validationProblem turns a store validation error into field errors.
func validationProblem(ctx context.Context, v *store.ValidationError) api.Problem {
	fields := make([]api.FieldError, len(v.Fields))
	for i, f := range v.Fields {
		fields[i] = api.FieldError{Detail: f.Detail}
		if f.Pointer != "" {
			ptr := f.Pointer
			fields[i].Pointer = &ptr
		}
	}
	return withFields(newProblem(ctx, kindValidation, "the request body is invalid"), fields)
}

// staleVersion is the 412 of a write whose precondition names an old version.
func staleVersion(ctx context.Context, expected, current int) api.Problem {
	p := newProblem(ctx, kindPrecondition, fmt.Sprintf("version %d is stale; the current version is %d", expected, current))
	p.CurrentVersion = &current
	return p
}

// quotaProblem is the 429 of a used-up daily AI quota: whose (the key's, the caller's or
// the tenant's) and when it renews, secs from now at the next UTC midnight.
func quotaProblem(ctx context.Context, q *materials.QuotaExceededError, secs int) api.Problem {
	who := "this API key's"
	code := "ai_key_quota_exceeded"
	if q.Scope == "tenant" {
		who, code = "this tenant's", "ai_tenant_quota_exceeded"
	} else if p, _ := auth.FromContext(ctx); p.KeyID == "" {
		who = "your"
	}
	resets := time.Now().UTC().Add(time.Duration(secs) * time.Second).Truncate(time.Minute)
	return withCode(newProblem(ctx, kindRateLimited, who+" daily AI quota of "+strconv.Itoa(q.Limit)+" calls (course generation, refine and regenerate; "+
		"5 per API key and 50 per tenant per UTC day; uploads do not count) is used up; it resets at midnight UTC ("+resets.Format(time.RFC3339)+"), in "+
		humanDuration(secs)), code)
}

// humanDuration says secs as hours and minutes ("23 h 46 min (85,609 seconds)").
func humanDuration(secs int) string {
	h, m := secs/3600, (secs%3600)/60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %d min (%d seconds)", h, m, secs)
	case m > 0:
		return fmt.Sprintf("%d min (%d seconds)", m, secs)
	}
	return fmt.Sprintf("%d seconds", secs)
}
