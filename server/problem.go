package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/gen/api"
)

// problemBase is the root of learnd's problem type URIs.
const problemBase = "https://learnd.dev/problems/"

// problemKind is the fixed part of a problem: status, type slug, title and code.
type problemKind struct {
	status int
	slug   string
	title  string
	code   string
}

var (
	kindBadRequest    = problemKind{400, "bad-request", "Bad request", "bad_request"}
	kindUnauthorized  = problemKind{401, "unauthorized", "Unauthorized", "unauthorized"}
	kindForbidden     = problemKind{403, "forbidden", "Forbidden", "forbidden"}
	kindNotFound      = problemKind{404, "not-found", "Not found", "not_found"}
	kindMethod        = problemKind{405, "method-not-allowed", "Method not allowed", "method_not_allowed"}
	kindNotAcceptable = problemKind{406, "not-acceptable", "Not acceptable", "not_acceptable"}
	kindConflict      = problemKind{409, "conflict", "Conflict", "conflict"}
	kindPrecondition  = problemKind{412, "precondition-failed", "Precondition failed", "version_mismatch"}
	kindTooLarge      = problemKind{413, "payload-too-large", "Payload too large", "payload_too_large"}
	kindMediaType     = problemKind{415, "unsupported-media-type", "Unsupported media type", "unsupported_media_type"}
	kindValidation    = problemKind{422, "validation-failed", "Validation failed", "validation_failed"}
	kindPreconditionR = problemKind{428, "precondition-required", "Precondition required", "precondition_required"}
	kindInternal      = problemKind{500, "internal", "Internal server error", "internal"}
	kindDBUnavailable = problemKind{503, "database-unavailable", "Service unavailable", "database_unavailable"}
)

// dbRetryAfter is the Retry-After (seconds) of a 503 database_unavailable.
const dbRetryAfter = "5"

// newProblem builds a problem document for the request in ctx.
func newProblem(ctx context.Context, k problemKind, detail string) api.Problem {
	p := api.Problem{Type: problemBase + k.slug, Title: k.title, Status: k.status}
	if detail != "" {
		p.Detail = &detail
	}
	code := k.code
	p.Code = &code
	if id := requestIDFrom(ctx); id != "" {
		p.RequestId = &id
	}
	if path := pathFrom(ctx); path != "" {
		p.Instance = &path
	}
	return p
}

// withCode overrides the machine-readable code.
func withCode(p api.Problem, code string) api.Problem {
	p.Code = &code
	return p
}

// withFields attaches field errors.
func withFields(p api.Problem, fields []api.FieldError) api.Problem {
	if len(fields) > 0 {
		p.Errors = &fields
	}
	return p
}

// problemError carries a problem through Echo's error path: a problem a middleware, the
// binder or a handler decided itself (a missing permission, a malformed id, a refused
// upload), with the response headers that go with it (Retry-After, WWW-Authenticate).
type problemError struct {
	problem api.Problem
	headers map[string]string
}

func (e *problemError) Error() string {
	d := ""
	if e.problem.Detail != nil {
		d = *e.problem.Detail
	}
	return fmt.Sprintf("%d %s: %s", e.problem.Status, e.problem.Title, d)
}

// fail answers with a problem the handler decided itself.
func fail(p api.Problem) error { return &problemError{problem: p} }

// failWith is fail with response headers.
func failWith(p api.Problem, headers map[string]string) error {
	return &problemError{problem: p, headers: headers}
}

// bodyRequired answers a request without the body its operation requires (the contract
// requires it; this guards a misconfigured validator).
func bodyRequired(ctx context.Context) error {
	return fail(newProblem(ctx, kindBadRequest, "a request body is required"))
}

// handleError is Echo's error handler: every error a handler or a middleware returns is
// answered here with the problem problemFor maps it to. Causes are logged with the request
// id, never serialised.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		abortStream(c, err, s.log)
		return
	}
	ctx := c.Request().Context()
	p, headers := problemFor(ctx, err)
	s.logFailure(c, err, p)
	h := c.Response().Header()
	for k, v := range headers {
		h.Set(k, v)
	}
	if p.Status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		h.Set("WWW-Authenticate", `Bearer realm="learnd"`)
	}
	writeProblem(c, p)
}

// logFailure logs what the client is not told: the database being unreachable, the cause
// of an Echo error, and the cause of every failure on the server's side.
func (s *Server) logFailure(c echo.Context, err error, p api.Problem) {
	ctx := c.Request().Context()
	req := c.Request()
	var (
		he *echo.HTTPError
		pe *problemError
	)
	switch {
	case deref(p.Code) == kindDBUnavailable.code:
		s.log.WarnContext(ctx, "database unavailable", "request_id", requestIDFrom(ctx), "method", req.Method, "path", req.URL.Path, "err", err)
		return
	case errors.As(err, &he) && he.Internal != nil:
		s.log.DebugContext(ctx, "request rejected", "request_id", requestIDFrom(ctx), "status", he.Code, "cause", he.Internal)
	}
	switch {
	case p.Status == http.StatusInternalServerError:
		s.log.ErrorContext(ctx, "request failed", "request_id", requestIDFrom(ctx), "method", req.Method, "path", req.URL.Path, "err", err)
	case p.Status > http.StatusInternalServerError && !errors.As(err, &pe):
		s.log.WarnContext(ctx, "request failed", "request_id", requestIDFrom(ctx), "method", req.Method, "path", req.URL.Path, "status", p.Status, "err", err)
	}
}

func writeProblem(c echo.Context, p api.Problem) {
	b, err := json.Marshal(p)
	if err != nil {
		b = []byte(`{"type":"` + problemBase + `internal","title":"Internal server error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		c.Response().WriteHeader(p.Status)
		return
	}
	_ = c.Blob(p.Status, "application/problem+json", b)
}

// httpErrorProblem maps Echo's own errors (unknown route, wrong method, body limit,
// binder failures) onto problem documents.
func httpErrorProblem(ctx context.Context, he *echo.HTTPError) api.Problem {
	msg := fmt.Sprint(he.Message) // he.Internal is logged by the caller's access log, never sent
	switch he.Code {
	case http.StatusNotFound:
		return newProblem(ctx, kindNotFound, "no route matches "+pathFrom(ctx))
	case http.StatusMethodNotAllowed:
		return newProblem(ctx, kindMethod, "this path does not support the method")
	case http.StatusRequestEntityTooLarge:
		return newProblem(ctx, kindTooLarge, "the request body exceeds the size limit")
	case http.StatusUnsupportedMediaType:
		return newProblem(ctx, kindMediaType, "the request body's content type is not accepted")
	case http.StatusUnauthorized:
		return newProblem(ctx, kindUnauthorized, msg)
	case http.StatusBadRequest:
		return newProblem(ctx, kindBadRequest, msg)
	}
	if he.Code >= 500 {
		return newProblem(ctx, kindInternal, "an unexpected error occurred; quote the request id when reporting it")
	}
	k := problemKind{he.Code, "http-" + fmt.Sprint(he.Code), http.StatusText(he.Code), "http_" + fmt.Sprint(he.Code)}
	return newProblem(ctx, k, msg)
}

// isTextEncodingError reports PostgreSQL's invalid-byte-sequence and untranslatable-
// character errors.
func isTextEncodingError(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "22021" || pg.Code == "22P05")
}

// databaseUnavailable reports errors that say the database cannot be reached, rather than
// that a statement failed: a failed connection attempt (whatever the server answered), a
// connection broken or closed
// under the request (a network error, the server going away mid-statement), PostgreSQL's
// connection exceptions (class 08), admin or crash shutdown and "cannot connect now"
// (57P01-57P03), too many connections (53300), and the request's deadline passing while
// it waited for a connection or a statement. Network errors of outgoing HTTP calls (the
// model, embeddings) are not the database's.
func databaseUnavailable(ctx context.Context, err error) bool {
	var (
		pg *pgconn.PgError
		ce *pgconn.ConnectError
		ne *net.OpError
		ue *url.Error
	)
	switch {
	case errors.As(err, &ce), errors.Is(err, pgconn.ErrConnClosed):
		return true
	case errors.As(err, &pg):
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300"
	case errors.As(err, &ue):
		return false
	case errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return errors.Is(ctx.Err(), context.DeadlineExceeded)
	}
	return false
}
