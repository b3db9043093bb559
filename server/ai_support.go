package server

// Shared pieces of the AI authoring handlers: the generator's failures as problems and the
// store outcomes of the course the endpoints work on.

import (
	"context"
	"errors"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
)

var kindGeneratorFailed = problemKind{502, "generator-failed", "Bad gateway", "generator_failed"}

// errNoGenerator means the server was built without a generator or job queue.
var errNoGenerator = errors.New("the AI generator is not configured on this server")

// generatorProblem answers a failed generator call with a 502 (nothing was changed); the
// cause is logged. A cancelled request is returned as the error it is.
func (s *Server) generatorProblem(ctx context.Context, op string, err error) (*api.Problem, error) {
	if ctx.Err() != nil {
		return nil, err
	}
	detail := "the course generator failed; nothing was changed — retry later"
	if _, ok := asValidation(err); ok {
		detail = "the course generator returned unusable content; nothing was changed — retry, perhaps with different feedback"
	}
	s.log.WarnContext(ctx, "ai generator failed", "op", op, "request_id", requestIDFrom(ctx), "err", err)
	p := newProblem(ctx, kindGeneratorFailed, detail)
	return &p, nil
}

// aiCourseProblem maps the store's outcomes of an AI write to a course: a course changed
// by someone else meanwhile is a 409 (retry), the rest as courseProblem.
func aiCourseProblem(ctx context.Context, err error) *api.Problem {
	var vm *store.VersionMismatchError
	if errors.As(err, &vm) {
		p := withCode(newProblem(ctx, kindConflict, "the course changed while the AI was writing; nothing was changed — retry"), "course_changed")
		return &p
	}
	return courseProblem(ctx, err)
}

// aiResponses are an AI operation's typed problem responses.
type aiResponses[R any] = problemResponses[R]

// asValidation reports whether err is a validation failure of generated content: the
// generator's own check (ai.ValidationError) or a store rule (store.ValidationError).
func asValidation(err error) (error, bool) {
	var ve *ai.ValidationError
	var sve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		return ve, true
	case errors.As(err, &sve):
		return sve, true
	}
	return nil, false
}

// aiEditableCourse loads the course an AI write works on with load, answering 404 when it
// does not exist (or is another tenant's) and 403 when the caller may not edit it.
func (s *Server) aiEditableCourse(ctx context.Context, what string, load func() (*courses.Course, error)) (*courses.Course, *api.Problem, error) {
	c, err := load()
	if err == nil {
		return c, nil, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		p := newProblem(ctx, kindNotFound, what+" not found")
		return nil, &p, nil
	}
	if p := courseProblem(ctx, err); p != nil {
		return nil, p, nil
	}
	return nil, nil, err
}
