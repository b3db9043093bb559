package server

// Shared pieces of the course and course chain handlers: path ids, preconditions, the
// mapping of the store's expected outcomes to problems, and v2 page tokens.

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// courseBodyID parses an id in the body; a malformed one is a 422 pointing at it.
func courseBodyID(ctx context.Context, prefix, pointer, raw string) (uuid.UUID, *api.Problem) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		p := withFields(newProblem(ctx, kindValidation, "the request body is invalid"),
			[]api.FieldError{{Pointer: ptr(pointer), Detail: "must be a " + prefix + "_… id"}})
		return uuid.Nil, &p
	}
	return u, nil
}

// courseProblem maps the store's expected outcomes of course and chain operations to
// problems; nil means err is unexpected.
func courseProblem(ctx context.Context, err error) *api.Problem {
	var (
		ve   *store.ValidationError
		vm   *store.VersionMismatchError
		part *courses.PartNotFoundError
		p    api.Problem
	)
	switch {
	case errors.As(err, &ve):
		p = validationProblem(ctx, ve)
	case errors.As(err, &vm):
		p = staleVersion(ctx, vm.Expected, vm.Current)
	case errors.As(err, &part) && part.What == "user":
		p = newProblem(ctx, kindNotFound, "no such user")
	case errors.As(err, &part):
		p = newProblem(ctx, kindNotFound, "no such "+part.What+" in this course")
	case errors.Is(err, store.ErrNotFound):
		p = newProblem(ctx, kindNotFound, "no such record")
	case errors.Is(err, courses.ErrCourseAccess):
		p = withCode(newProblem(ctx, kindForbidden, "changing this course needs course_edit on it: to be its owner, a user it is shared with, or an admin or owner (sharing: its owner, an admin or an owner)"), "not_course_editor")
	case errors.Is(err, courses.ErrChainAccess):
		p = withCode(newProblem(ctx, kindForbidden, "changing this course chain needs to be its owner, an admin or an owner"), "not_chain_owner")
	case errors.Is(err, courses.ErrAlreadyPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is already published"), "already_published")
	case errors.Is(err, courses.ErrNotPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is not published"), "not_published")
	case errors.Is(err, courses.ErrTransitionExists):
		p = withCode(newProblem(ctx, kindConflict, "the transition already exists"), "transition_exists")
	case errors.Is(err, courses.ErrNotAQuiz):
		p = withCode(newProblem(ctx, kindValidation, "only quiz elements carry questions; this element is a lesson or survey"), "not_a_quiz")
	case errors.Is(err, courses.ErrShareOwner):
		p = withFields(newProblem(ctx, kindValidation, "the user owns the course already"),
			[]api.FieldError{{Parameter: ptr("userId"), Detail: "is the course's owner"}})
	case errors.Is(err, courses.ErrShareRole):
		p = withFields(newProblem(ctx, kindValidation, "a share grants course_edit on the course, which needs a role that grants course_edit (manager or above); the user is a learner"),
			[]api.FieldError{{Parameter: ptr("userId"), Detail: "the user's role does not grant course_edit"}})
	default:
		return nil
	}
	return &p
}

// Typed problem bodies, for the operations' response structs.
func courseBadRequest(p *api.Problem) api.BadRequestApplicationProblemPlusJSONResponse {
	return api.BadRequestApplicationProblemPlusJSONResponse(*p)
}

func courseForbidden(p *api.Problem) api.ForbiddenApplicationProblemPlusJSONResponse {
	return api.ForbiddenApplicationProblemPlusJSONResponse(*p)
}

func courseNotFound(p *api.Problem) api.NotFoundApplicationProblemPlusJSONResponse {
	return api.NotFoundApplicationProblemPlusJSONResponse(*p)
}

func courseConflict(p *api.Problem) api.ConflictApplicationProblemPlusJSONResponse {
	return api.ConflictApplicationProblemPlusJSONResponse(*p)
}

func courseStale(p *api.Problem) api.PreconditionFailedApplicationProblemPlusJSONResponse {
	return api.PreconditionFailedApplicationProblemPlusJSONResponse(*p)
}

func courseInvalid(p *api.Problem) api.UnprocessableEntityApplicationProblemPlusJSONResponse {
	return api.UnprocessableEntityApplicationProblemPlusJSONResponse(*p)
}

// coursePageCursor decodes a course list's pageToken; a token this list did not issue is
// a 400. (Course lists mark their token scope "|v2".)
func (s *Server) coursePageCursor(ctx context.Context, resource string, tok *string) (*store.NameCursor, *api.Problem) {
	return v2PageCursor[store.NameCursor](ctx, s, resource+"|v2", tok)
}

// coursePageToken signs the cursor of a course list's next page, if any.
func (s *Server) coursePageToken(ctx context.Context, resource string, next *store.NameCursor) (*string, error) {
	return v2PageToken(ctx, s, resource+"|v2", next)
}

// courseLimit is the v2 limit: default 20, at most 50 (the contract enforces the range).
func courseLimit(l *int) int {
	switch {
	case l == nil || *l < 1:
		return 20
	case *l > 50:
		return 50
	}
	return *l
}

func courseLocation(id string) *string { return ptr("/api/v2/courses/" + id) }
