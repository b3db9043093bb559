package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// idempotencyTTL is how long a key's response is kept for replay.
const idempotencyTTL = 24 * time.Hour

// noStoredResponse are the creates whose responses must never be stored for replay: a new
// API key's response is the only place its secret appears.
var noStoredResponse = map[string]bool{"/api/v2/keys": true}

// replayedHeaders are the response headers kept with a stored response.
var replayedHeaders = []string{echo.HeaderContentType, echo.HeaderLocation, "ETag"}

// idempotency makes a POST carrying Idempotency-Key safe to retry: the first request's
// response is stored; the same key with the same request replays it; with a different
// request it is a 422; while the first is still running, a 409.
func (s *Server) idempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get("Idempotency-Key")
		if req.Method != http.MethodPost || key == "" || publicPath(req.URL.Path) {
			return next(c)
		}
		ctx := req.Context()
		if noStoredResponse[req.URL.Path] {
			return &problemError{problem: withCode(newProblem(ctx, kindValidation, "Idempotency-Key is not supported here: the response carries a secret that learnd never stores"), "idempotency_not_supported")}
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write([]byte(req.Method + " " + req.URL.Path + "\n"))
		h.Write(body)
		// Keys are namespaced per caller: another application or person reusing the same key
		// gets its own request, never someone else's stored response.
		key = callerScope(ctx) + "|" + key
		outcome, stored, err := s.store.Idempotency.Claim(ctx, key, h.Sum(nil), idempotencyTTL)
		if err != nil {
			return err
		}
		switch outcome {
		case store.ClaimMismatch:
			return &problemError{problem: withCode(newProblem(ctx, kindValidation, "this Idempotency-Key was used with a different request"), "idempotency_key_reused")}
		case store.ClaimInFlight:
			return &problemError{problem: withCode(newProblem(ctx, kindConflict, "a request with this Idempotency-Key is still being processed; retry shortly"), "idempotency_in_flight")}
		case store.ClaimReplay:
			for k, v := range stored.Headers {
				c.Response().Header().Set(k, v)
			}
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(stored.Status, stored.Headers[echo.HeaderContentType], stored.Body)
		}

		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err = next(c)
		if err != nil {
			c.Error(err) // render the problem now so it is recorded
		}
		status := c.Response().Status
		if status >= 500 || status == http.StatusConflict || status == http.StatusTooManyRequests {
			if rerr := s.store.Idempotency.Release(ctx, key); rerr != nil {
				s.log.ErrorContext(ctx, "release idempotency key", "err", rerr)
			}
			return nil
		}
		headers := map[string]string{}
		for _, k := range replayedHeaders {
			if v := c.Response().Header().Get(k); v != "" {
				headers[k] = v
			}
		}
		if cerr := s.store.Idempotency.Complete(ctx, key, store.StoredResponse{Status: status, Headers: headers, Body: rec.buf.Bytes()}); cerr != nil {
			s.log.ErrorContext(ctx, "store idempotent response", "err", cerr)
		}
		return nil
	}
}

// callerScope names the caller an idempotency key belongs to: application, key and person.
func callerScope(ctx context.Context) string {
	p, _ := auth.FromContext(ctx)
	return p.AppID + "|" + p.KeyID + "|" + p.Subject
}

// recorder copies what is written to the client.
type recorder struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
