package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"runtime/debug"
	"strings"
	"time"

	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/store"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/learnd/learnd/auth"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPath
	keyQuery
	keyBasicAuth
	keyClientIP
	keyAccept
)

// clientIPFrom is the client address of a request to the token endpoint (for counting
// failed client authentications); "" elsewhere.
func clientIPFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyClientIP).(string)
	return s
}

// basicAuthFrom is the Authorization header of a request to the token endpoint (where
// HTTP Basic carries client credentials); "" elsewhere.
func basicAuthFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyBasicAuth).(string)
	return s
}

func queryFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyQuery).(string)
	return s
}

// acceptFrom is the request's Accept header ("" when none).
func acceptFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyAccept).(string)
	return s
}

func requestIDFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

func pathFrom(ctx context.Context) string {
	s, _ := ctx.Value(keyPath).(string)
	return s
}

// requestID takes a well-formed X-Request-Id from the caller or makes one, echoes it in the
// response and puts it (and the path) in the request context.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !validRequestID(id) {
				var b [10]byte
				_, _ = rand.Read(b[:])
				id = hex.EncodeToString(b[:])
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			ctx := context.WithValue(c.Request().Context(), keyRequestID, id)
			ctx = context.WithValue(ctx, keyPath, c.Request().URL.Path)
			ctx = context.WithValue(ctx, keyQuery, c.Request().URL.RawQuery)
			ctx = context.WithValue(ctx, keyAccept, c.Request().Header.Get(echo.HeaderAccept))
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// accessLog writes one structured line per request.
func (s *Server) accessLog() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			level := slog.LevelInfo
			if res.Status >= 500 {
				level = slog.LevelError
			}
			if !s.log.Enabled(req.Context(), level) {
				return nil
			}
			attrs := []slog.Attr{
				slog.String("request_id", requestIDFrom(req.Context())),
				slog.String("method", req.Method),
				slog.String("path", req.URL.Path),
				slog.String("route", c.Path()),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Duration("duration", time.Since(start)),
				slog.String("remote", c.RealIP()),
			}
			if p, ok := auth.FromContext(req.Context()); ok {
				attrs = append(attrs, slog.String("tenant_id", p.TenantID), slog.String("sub", p.Subject))
			}
			s.log.LogAttrs(req.Context(), level, "http request", attrs...)
			return nil
		}
	}
}

// recoverer turns a panic into a logged 500 problem.
func (s *Server) recoverer() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					s.log.ErrorContext(c.Request().Context(), "panic", "request_id", requestIDFrom(c.Request().Context()), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

// bodyLimit caps request bodies at limit, except the source-material upload's: one file of
// up to 20 MB plus its multipart envelope (uploadBodyLimit, materials_support.go).
func bodyLimit(limit string) echo.MiddlewareFunc {
	def := middleware.BodyLimit(limit)
	upload := middleware.BodyLimit(uploadBodyLimit)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		d, u := def(next), upload(next)
		return func(c echo.Context) error {
			req := c.Request()
			if req.Method != http.MethodPost || req.URL.Path != sourceMaterialUploadPath {
				return d(c)
			}
			if req.ContentLength > uploadBodyBytes {
				return &problemError{problem: withCode(newProblem(req.Context(), kindTooLarge, sourceMaterialTooLarge), "file_too_large")}
			}
			return u(c)
		}
	}
}

// authenticate identifies the caller of every /api request except the public ones and
// puts it in the request context: an API key (Authorization: Bearer lk_… or X-MCP-Key)
// or a JWT. Either way the person is looked up: a banned user is refused at once, a
// user's role is the one in the database (never more than a token claims), and the
// tenant's licence comes along. Repeated failures from one address are rate limited.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if publicPath(req.URL.Path) {
			if req.URL.Path == "/api/v1/auth/token" {
				// Client credentials are checked by the handler; failures count per address.
				ip := c.RealIP()
				if wait := s.authFailures.blocked(ip); wait > 0 {
					return tooManyFailures(req.Context(), wait)
				}
				ctx := context.WithValue(req.Context(), keyClientIP, ip)
				if h := req.Header.Get(echo.HeaderAuthorization); h != "" {
					ctx = context.WithValue(ctx, keyBasicAuth, h)
				}
				c.SetRequest(req.WithContext(ctx))
			}
			return next(c)
		}
		ctx := req.Context()
		ip := c.RealIP()
		if wait := s.authFailures.blocked(ip); wait > 0 {
			return tooManyFailures(ctx, wait)
		}
		p, detail, err := s.identify(ctx, req)
		if err != nil {
			return err
		}
		if detail != "" {
			s.authFailures.fail(ip)
			return &problemError{problem: newProblem(ctx, kindUnauthorized, detail)}
		}
		if p.Pseudonymised && !auth.FromMCPEndpoint(ctx) {
			// Its people are shown only under aliases, which only the MCP endpoint gives.
			return &problemError{problem: withCode(newProblem(ctx, kindForbidden, pseudonymisedKeyRefusal), "key_pseudonymised")}
		}
		if strings.EqualFold(req.Header.Get(wire.HeaderSurface), auth.SurfaceMCP) {
			p.Surface = auth.SurfaceMCP
			// The licence is re-read on every call: an MCP session opened before a
			// downgrade loses what the licence no longer allows at its next call.
			switch {
			case p.Licence.MCPAccess == auth.MCPNone:
				return &problemError{problem: withCode(newProblem(ctx, kindUnauthorized, "your licence has no MCP access (mcpAccess: none); ask your administrator to upgrade"), "mcp_access_none")}
			case p.Licence.MCPAccess == auth.MCPRead && req.Method != http.MethodGet && req.Method != http.MethodHead:
				return &problemError{problem: withCode(newProblem(ctx, kindForbidden, "your licence gives MCP read access only (mcpAccess: read)"), "mcp_read_only")}
			}
		}
		ctx = store.WithRequestID(auth.WithPrincipal(ctx, p), requestIDFrom(ctx))
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// pseudonymisedKeyRefusal is the detail of a request of a pseudonymise key that did not
// come through learnd's MCP endpoint.
const pseudonymisedKeyRefusal = "this API key is pseudonymised: it works only through learnd's MCP endpoint (/mcp), whose tool results show people under aliases"

// identify returns the caller, or a reason (detail) to answer 401, or an unexpected error.
func (s *Server) identify(ctx context.Context, req *http.Request) (auth.Principal, string, error) {
	h := req.Header.Get(echo.HeaderAuthorization)
	scheme, token, hasAuthz := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	bearer := hasAuthz && strings.EqualFold(scheme, "Bearer") && token != ""
	secret := req.Header.Get("X-MCP-Key")
	if bearer && strings.HasPrefix(token, wire.APIKeyPrefix) {
		secret = token
	}
	if secret != "" {
		kc, err := s.store.AuthenticateKey(ctx, secret)
		switch {
		case errors.Is(err, store.ErrInvalidKey):
			return auth.Principal{}, "the API key is invalid, expired or revoked", nil
		case errors.Is(err, store.ErrBanned):
			return auth.Principal{}, "this user is banned", nil
		case err != nil:
			return auth.Principal{}, "", err
		}
		return kc.Principal, "", nil
	}
	if !bearer {
		return auth.Principal{}, "send Authorization: Bearer <token> (a JWT or an lk_ API key), or X-MCP-Key", nil
	}
	p, err := s.verifier.Verify(ctx, token)
	if err != nil {
		// Not learnd's, nor the deployment's identity provider's: perhaps a tenant's own.
		if tp, detail, found, perr := s.identifyByProvider(ctx, token); found || perr != nil {
			return tp, detail, perr
		}
		detail := "the bearer token is invalid"
		if errors.Is(err, auth.ErrInvalidToken) {
			detail = err.Error()
		}
		return auth.Principal{}, detail, nil
	}
	return s.trust(ctx, p, "")
}

// trust applies tenant-bound trust to a verified token's principal: its tenant must
// exist and its person be a user of it, neither banned nor using a dead key, and the role
// is never above the user's (nor, with a non-empty cap, above cap).
func (s *Server) trust(ctx context.Context, p auth.Principal, capRole auth.Role) (auth.Principal, string, error) {
	if p.Surface == "" {
		p.Surface = auth.SurfaceAPI
	}
	cl, err := s.store.ResolveCaller(ctx, p.TenantID, p.PersonID, p.KeyID)
	if err != nil {
		return auth.Principal{}, "", err
	}
	// A token is trusted only for a person who is a user of a tenant that exists, and
	// never for more than the role the user holds now, whatever role it claims.
	if why := cl.Refusal(); why != "" {
		return auth.Principal{}, why, nil
	}
	if p.KeyID != "" && !cl.KeyLive {
		return auth.Principal{}, "the API key this token was issued for is revoked or expired", nil
	}
	p.Licence = cl.Licence
	p.Known = true
	p.Role = cl.RoleFor(p.Role, capRole)
	if p.KeyID != "" {
		p = cl.Apply(p)
	}
	return p, "", nil
}
