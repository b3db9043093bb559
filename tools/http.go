package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/internal/wire"
)

// DefaultSessionTimeout is how long an idle MCP session over HTTP lives.
const DefaultSessionTimeout = 30 * time.Minute

// HTTPConfig configures the streamable HTTP transport learnd serve mounts at /mcp.
type HTTPConfig struct {
	// API is learnd's API (the Echo application): every API call of the tools is handed to
	// it in-process (inProcessClient), through its whole middleware chain.
	API http.Handler
	// Version is reported to clients as the server's version.
	Version string
	// Logger logs the transport's own failures; nil: slog.Default().
	Logger *slog.Logger
	// SessionTimeout closes a session idle this long; DefaultSessionTimeout when zero.
	SessionTimeout time.Duration
}

// HTTPHandler serves MCP over streamable HTTP, authenticated by an API key (X-MCP-Key:
// lk_… or Authorization: Bearer lk_…). A request that starts a session builds the MCP
// server of its key with New — the tools that key may call, calling the API in-process
// as the key, LocalFiles false (upload_source_material takes the file's content, never a
// path of this machine) — and the session stays bound to that key: a later request of
// the session with another key is refused (403). A missing or refused key, or a licence
// with mcpAccess none, is a 401 problem before anything else.
type HTTPHandler struct {
	cfg      HTTPConfig
	sessions http.Handler // the SDK's handler behind the key binding
	closing  context.Context
	close    context.CancelFunc
}

// Mount returns the mount (server.Config.MCP) that serves /mcp with an HTTPHandler whose API is the
// handler the server passes (cfg.API is ignored). Use it in server.Config.MCP.
func Mount(cfg HTTPConfig) func(api http.Handler) http.Handler {
	return func(api http.Handler) http.Handler {
		cfg.API = api
		return NewHTTPHandler(cfg)
	}
}

// NewHTTPHandler returns the /mcp handler for cfg.
func NewHTTPHandler(cfg HTTPConfig) *HTTPHandler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = DefaultSessionTimeout
	}
	h := &HTTPHandler{cfg: cfg}
	h.closing, h.close = context.WithCancel(context.Background())
	sdkHandler := mcp.NewStreamableHTTPHandler(serverFrom, &mcp.StreamableHTTPOptions{
		Logger:              cfg.Logger,
		SessionTimeout:      cfg.SessionTimeout,
		MaxRequestBodyBytes: wire.MCPMaxBodyBytes,
		// Every request carries an API key, which a DNS-rebinding page cannot know; and
		// behind a reverse proxy on the same host, requests arrive on a loopback address
		// with the public Host, which the SDK's localhost check would refuse.
		DisableLocalhostProtection: true,
	})
	// The SDK binds a session to the TokenInfo.UserID of the request that created it and
	// refuses later requests with another (403 "session user mismatch"). The verifier
	// only names the key: bindKey has already checked it is there, and New that the API
	// accepts it.
	bind := mcpauth.RequireBearerToken(func(_ context.Context, token string, _ *http.Request) (*mcpauth.TokenInfo, error) {
		return &mcpauth.TokenInfo{UserID: keyFingerprint(token), Expiration: time.Now().Add(time.Hour)}, nil
	}, nil)
	h.sessions = bind(sdkHandler)
	return h
}

// Close ends the long-lived event streams (GET /mcp) so a graceful shutdown need not wait
// for clients to hang up; register it with http.Server.RegisterOnShutdown. Requests in
// flight finish normally.
func (h *HTTPHandler) Close() { h.close() }

type serverKey struct{}

// serverFrom hands the SDK the server ServeHTTP built for a request starting a session
// (nil otherwise: the SDK then serves the session the request names).
func serverFrom(r *http.Request) *mcp.Server {
	s, _ := r.Context().Value(serverKey{}).(*mcp.Server)
	return s
}

func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := requestKey(r)
	if !ok {
		writeProblem(w, r, http.StatusUnauthorized, "unauthorized",
			"send an API key: X-MCP-Key: lk_… or Authorization: Bearer lk_… (JWTs are not accepted here)", 0)
		return
	}
	ctx := r.Context()
	if r.Method == http.MethodPost && r.Header.Get("Mcp-Session-Id") == "" {
		srv, err := New(ctx, Config{
			APIURL: inProcessURL, Key: key, HTTPClient: inProcessClient(h.cfg.API, r),
			LocalFiles: false, Version: h.cfg.Version,
		})
		if err != nil {
			h.refuse(w, r, err)
			return
		}
		ctx = context.WithValue(ctx, serverKey{}, srv)
	}
	if r.Method == http.MethodGet { // the session's event stream: ended by Close
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(h.closing, cancel)
		defer stop()
	}
	r = r.WithContext(ctx)
	if r.Header.Get("Authorization") != "Bearer "+key {
		r = r.Clone(ctx)
		r.Header.Set("Authorization", "Bearer "+key) // what bind reads (see NewHTTPHandler)
	}
	h.sessions.ServeHTTP(w, r)
}

// refuse answers a request whose key New did not accept.
func (h *HTTPHandler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var ae *AccessError
	switch {
	case errors.As(err, &ae):
		code := "unauthorized"
		var se *sdk.Error
		switch {
		case ae.Err == nil:
			code = "mcp_access_none"
		case errors.As(ae.Err, &se) && se.Problem != nil && se.Problem.Code != nil:
			code = *se.Problem.Code // e.g. the API's own mcp_access_none
		}
		writeProblem(w, r, http.StatusUnauthorized, code, ae.Reason, 0)
	case sdk.StatusCode(err) == http.StatusTooManyRequests:
		var se *sdk.Error
		errors.As(err, &se)
		writeProblem(w, r, http.StatusTooManyRequests, "rate_limited", problemText(se), se.RetryAfter)
	default:
		h.cfg.Logger.ErrorContext(r.Context(), "mcp: build server", "request_id", w.Header().Get("X-Request-Id"), "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "internal",
			"an unexpected error occurred; quote the request id when reporting it", 0)
	}
}

// requestKey is the request's API key: Authorization: Bearer lk_… or else X-MCP-Key (the
// API's precedence). ok is false without one, or when the key is not an lk_ key.
func requestKey(r *http.Request) (string, bool) {
	key := strings.TrimSpace(r.Header.Get("X-MCP-Key"))
	if scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Bearer") {
		if token = strings.TrimSpace(token); strings.HasPrefix(token, wire.APIKeyPrefix) {
			key = token
		}
	}
	if !strings.HasPrefix(key, wire.APIKeyPrefix) || strings.ContainsAny(key, " \t") {
		return "", false
	}
	return key, true
}

// keyFingerprint names a key without keeping its secret.
func keyFingerprint(key string) string {
	sum := sha256.Sum256([]byte("learnd mcp session|" + key))
	return hex.EncodeToString(sum[:16])
}

// writeProblem answers with an RFC 9457 problem shaped like the API's.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, retryAfter time.Duration) {
	slug, title := problemKind(status)
	p := client.Problem{
		Type:   "https://learnd.dev/problems/" + slug,
		Title:  title,
		Status: status,
		Code:   &code,
		Detail: &detail,
	}
	if id := w.Header().Get("X-Request-Id"); id != "" {
		p.RequestId = &id
	}
	path := r.URL.Path
	p.Instance = &path
	hd := w.Header()
	hd.Set("Content-Type", "application/problem+json")
	if status == http.StatusUnauthorized {
		hd.Set("WWW-Authenticate", `Bearer realm="learnd"`)
	}
	if retryAfter > 0 {
		hd.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(retryAfter.Seconds())), 10))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// problemKind is the API's type slug and title for status (server/problem.go).
func problemKind(status int) (slug, title string) {
	switch status {
	case http.StatusUnauthorized:
		return "unauthorized", "Unauthorized"
	case http.StatusTooManyRequests:
		return "rate-limited", "Too many requests"
	}
	return "internal", "Internal server error"
}
