package server

// Shared pieces of the course and course chain handlers: path ids, preconditions, the
// mapping of the store's expected outcomes to problems, and v2 page tokens.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// coursePathID parses a path id (either TypeID form); a malformed one is a 400 naming the
// parameter. (The contract's patterns catch these first; this guards the handler.)
func coursePathID(ctx context.Context, prefix, param, raw string) (uuid.UUID, *api.Problem) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, "the request is malformed: "+param+" is not a "+prefix+"_… id"),
			[]api.FieldError{{Parameter: ptr(param), Detail: "must be a " + prefix + "_… id"}})
		return uuid.Nil, &p
	}
	return u, nil
}

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
		part *store.PartNotFoundError
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
	case errors.Is(err, store.ErrCourseAccess):
		p = withCode(newProblem(ctx, kindForbidden, "changing this course needs course_edit on it: to be its owner, a user it is shared with, or an admin or owner (sharing: its owner, an admin or an owner)"), "not_course_editor")
	case errors.Is(err, store.ErrChainAccess):
		p = withCode(newProblem(ctx, kindForbidden, "changing this course chain needs to be its owner, an admin or an owner"), "not_chain_owner")
	case errors.Is(err, store.ErrAlreadyPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is already published"), "already_published")
	case errors.Is(err, store.ErrNotPublished):
		p = withCode(newProblem(ctx, kindConflict, "the course is not published"), "not_published")
	case errors.Is(err, store.ErrTransitionExists):
		p = withCode(newProblem(ctx, kindConflict, "the transition already exists"), "transition_exists")
	case errors.Is(err, store.ErrNotAQuiz):
		p = withCode(newProblem(ctx, kindValidation, "only quiz elements carry questions; this element is a lesson or survey"), "not_a_quiz")
	case errors.Is(err, store.ErrShareOwner):
		p = withFields(newProblem(ctx, kindValidation, "the user owns the course already"),
			[]api.FieldError{{Parameter: ptr("userId"), Detail: "is the course's owner"}})
	case errors.Is(err, store.ErrShareRole):
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

// coursePageScope binds a v2 page token to the resource and every filter of the request
// (all query parameters but pageToken and limit).
func coursePageScope(ctx context.Context, resource string) string {
	vals, _ := url.ParseQuery(queryFrom(ctx))
	vals.Del("pageToken")
	vals.Del("limit")
	sum := sha256.Sum256([]byte(vals.Encode()))
	return resource + "|v2|" + hex.EncodeToString(sum[:8])
}

// coursePageCursor decodes a pageToken; a token this list did not issue is a 400.
func (s *Server) coursePageCursor(ctx context.Context, resource string, tok *string) (*store.CourseCursor, *api.Problem) {
	if tok == nil {
		return nil, nil
	}
	var c store.CourseCursor
	if err := s.pages.Decode(coursePageScope(ctx, resource), *tok, &c); err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, "pageToken is invalid, or was issued for another list or other filters"),
			[]api.FieldError{{Parameter: ptr("pageToken"), Detail: "not a token this list issued"}})
		return nil, &p
	}
	return &c, nil
}

// coursePageToken signs the cursor of the next page, if any.
func (s *Server) coursePageToken(ctx context.Context, resource string, next *store.CourseCursor) (*string, error) {
	if next == nil {
		return nil, nil
	}
	tok, err := s.pages.Encode(coursePageScope(ctx, resource), next)
	if err != nil {
		return nil, err
	}
	return &tok, nil
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
