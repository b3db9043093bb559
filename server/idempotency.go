package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// idempotencyTTL is how long a key's response is kept for replay.
const idempotencyTTL = 24 * time.Hour

// claimGrace is how long a claim outlives its request's deadline at most; longer than
// claimFinishTimeout, so a request's last word on its claim lands before the claim lapses.
const claimGrace = 10 * time.Second

// claimFinishTimeout bounds one attempt to complete or release a claim.
const claimFinishTimeout = 5 * time.Second

// inFlightRetryAfter is the Retry-After (seconds) of a 409 idempotency_in_flight.
const inFlightRetryAfter = "2"

// noStoredResponse are the creates whose responses must never be stored for replay: a new
// API key's (or SCIM token's) response is the only place its secret appears.
var noStoredResponse = map[string]bool{"/api/v2/keys": true, "/api/v2/scim/tokens": true, "/api/v2/webhooks/endpoints": true}

// secretSuffix ends the paths of the other operations whose response carries a secret
// (a webhook endpoint's rotated secret).
const secretSuffix = "/rotate-secret"

// replayedHeaders are the response headers kept with a stored response.
var replayedHeaders = []string{echo.HeaderContentType, echo.HeaderLocation, "ETag"}

// idempotency makes a POST carrying Idempotency-Key safe to retry: the first request's
// response is stored; the same key with the same request replays it; with a different
// request it is a 422; while the first is still running, a 409 with Retry-After. A claim
// never outlives its request by much: released when the request fails, however it fails,
// and lapsing by itself shortly after the request's deadline.
func (s *Server) idempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get("Idempotency-Key")
		if req.Method != http.MethodPost || key == "" || publicPath(req.URL.Path) {
			return next(c)
		}
		ctx := req.Context()
		if noStoredResponse[req.URL.Path] || strings.HasSuffix(req.URL.Path, secretSuffix) {
			return &problemError{problem: withCode(newProblem(ctx, kindValidation, "Idempotency-Key is not supported here: the response carries a secret that learnd never stores"), "idempotency_not_supported")}
		}
		body, err := readBody(req)
		if err != nil {
			return err
		}
		h := sha256.New()
		h.Write([]byte(req.Method + " " + req.URL.Path + "\n"))
		h.Write(body)
		// Keys are namespaced per caller: another application or person reusing the same key
		// gets its own request, never someone else's stored response.
		key = callerScope(ctx) + "|" + key
		// The claim lapses shortly after this request's deadline: however the request ends,
		// even with its process, the key is free again by then.
		pendingFor := s.cfg.Timeouts.Write + claimGrace
		if d, ok := ctx.Deadline(); ok {
			pendingFor = time.Until(d) + claimGrace
		}
		expires := time.Now().Add(pendingFor)
		outcome, stored, err := s.store.Idempotency.Claim(ctx, key, h.Sum(nil), pendingFor)
		if err != nil {
			return err
		}
		switch outcome {
		case store.ClaimMismatch:
			return &problemError{problem: withCode(newProblem(ctx, kindValidation, "this Idempotency-Key was used with a different request"), "idempotency_key_reused")}
		case store.ClaimInFlight:
			return &problemError{problem: withCode(newProblem(ctx, kindConflict, "a request with this Idempotency-Key is still being processed; retry shortly"), "idempotency_in_flight"),
				headers: map[string]string{"Retry-After": inFlightRetryAfter}}
		case store.ClaimReplay:
			for k, v := range stored.Headers {
				c.Response().Header().Set(k, v)
			}
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(stored.Status, stored.Headers[echo.HeaderContentType], stored.Body)
		}

		finished := false
		defer func() {
			if !finished { // a panic: the claim must not wait for its expiry
				s.releaseClaim(ctx, key, expires)
			}
		}()
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		err = next(c)
		if err != nil {
			c.Error(err) // render the problem now so it is recorded
		}
		finished = true
		status := c.Response().Status
		if status >= 500 || status == http.StatusConflict || status == http.StatusTooManyRequests {
			s.releaseClaim(ctx, key, expires)
			return nil
		}
		headers := map[string]string{}
		for _, k := range replayedHeaders {
			if v := c.Response().Header().Get(k); v != "" {
				headers[k] = v
			}
		}
		// On a context of its own: the client may be gone, the response stands.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimFinishTimeout)
		defer cancel()
		if cerr := s.store.Idempotency.Complete(cctx, key, store.StoredResponse{Status: status, Headers: headers, Body: rec.buf.Bytes()}, idempotencyTTL); cerr != nil {
			s.log.ErrorContext(ctx, "store idempotent response", "err", cerr)
		}
		return nil
	}
}

// releaseClaim forgets the claim of a request that failed, so a retry runs it again. It
// runs on a context of its own (the request's may be cancelled: the client left, or its
// deadline passed) and, while the database is unreachable, keeps trying in the
// background until the claim lapses by itself.
func (s *Server) releaseClaim(ctx context.Context, key string, expires time.Time) {
	ctx = context.WithoutCancel(ctx)
	try := func() error {
		rctx, cancel := context.WithTimeout(ctx, claimFinishTimeout)
		defer cancel()
		return s.store.Idempotency.Release(rctx, key)
	}
	err := try()
	if err == nil {
		return
	}
	s.log.WarnContext(ctx, "release idempotency key; retrying until it lapses", "err", err)
	go func() {
		for wait := 250 * time.Millisecond; time.Now().Add(wait + claimFinishTimeout).Before(expires); wait = min(2*wait, 5*time.Second) {
			time.Sleep(wait)
			if err := try(); err == nil {
				return
			}
		}
	}()
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
