package server

// Shared pieces of the AI authoring handlers: the generator's failures and the course the
// endpoints work on.

import (
	"context"
	"errors"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/store"
)

var kindGeneratorFailed = problemKind{502, "generator-failed", "Bad gateway", "generator_failed"}

// errNoGenerator means the server was built without a generator or job queue.
var errNoGenerator = errors.New("the AI generator is not configured on this server")

// generatorFailed answers a failed generator call with a 502 (nothing was changed); the
// cause is logged. A cancelled request is returned as the error it is.
func (s *Server) generatorFailed(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return err
	}
	detail := "the course generator failed; nothing was changed — retry later"
	if isValidation(err) {
		detail = "the course generator returned unusable content; nothing was changed — retry, perhaps with different feedback"
	}
	s.log.WarnContext(ctx, "ai generator failed", "op", op, "request_id", requestIDFrom(ctx), "err", err)
	return fail(newProblem(ctx, kindGeneratorFailed, detail))
}

// isValidation reports whether err is a validation failure of generated content: the
// generator's own check (ai.ValidationError) or a store rule (store.ValidationError).
func isValidation(err error) bool {
	var ve *ai.ValidationError
	var sve *store.ValidationError
	return errors.As(err, &ve) || errors.As(err, &sve)
}
