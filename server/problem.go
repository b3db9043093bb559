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
	"github.com/learnd/learnd/store"
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

// problemError carries a problem through Echo's error path (middleware, binder).
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

// handleError is the one place unexpected errors and framework errors become problem
// documents. Causes are logged with the request id, never serialised.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ctx := c.Request().Context()
	var (
		pe *problemError
		he *echo.HTTPError
		ve *store.ValidationError
		p  api.Problem
	)
	headers := map[string]string{}
	switch {
	case errors.As(err, &pe):
		p, headers = pe.problem, pe.headers
	case errors.As(err, &ve):
		p = validationProblem(ctx, ve)
	case errors.Is(err, store.ErrNotFound):
		p = newProblem(ctx, kindNotFound, "no such record")
	case isTextEncodingError(err):
		// Backstop: text PostgreSQL cannot store is the client's input, not our failure.
		p = newProblem(ctx, kindBadRequest, "the request contains text that is not valid UTF-8 or contains NUL")
	case databaseUnavailable(ctx, err):
		// The database cannot be reached (down, restarting, refusing connections, or not
		// answering within the request's deadline): nothing the client did; retry.
		s.log.WarnContext(ctx, "database unavailable", "request_id", requestIDFrom(ctx), "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		p = newProblem(ctx, kindDBUnavailable, "the database is unavailable; retry in a few seconds")
		headers["Retry-After"] = dbRetryAfter
	case errors.As(err, &he):
		p = httpErrorProblem(ctx, he)
		if he.Internal != nil {
			s.log.DebugContext(ctx, "request rejected", "request_id", requestIDFrom(ctx), "status", he.Code, "cause", he.Internal)
		}
		if he.Code >= 500 {
			s.log.ErrorContext(ctx, "request failed", "request_id", requestIDFrom(ctx), "err", err)
		}
		if he.Code == http.StatusMethodNotAllowed {
			if allow := c.Response().Header().Get(echo.HeaderAllow); allow != "" {
				headers[echo.HeaderAllow] = allow
			}
		}
	default:
		s.log.ErrorContext(ctx, "request failed", "request_id", requestIDFrom(ctx), "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		p = newProblem(ctx, kindInternal, "an unexpected error occurred; quote the request id when reporting it")
	}
	for k, v := range headers {
		c.Response().Header().Set(k, v)
	}
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="learnd"`)
	}
	writeProblem(c, p)
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
