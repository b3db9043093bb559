package tools

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	mcpauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
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
	// OAuth, when set, also accepts the access tokens of learnd's OAuth 2.1 authorization
	// server for /mcp (server/authserver): a session then acts as the person who granted
	// the token, and a 401 names the resource metadata in WWW-Authenticate.
	OAuth *auth.ResourceServer
	// AllowedOrigins are the browser origins (scheme://host[:port]) that may call /mcp; a
	// request with another Origin header is refused (403). Empty: only the request's own
	// host; "*": any. Requests without Origin (not from a browser) are not affected.
	AllowedOrigins []string
	// PseudonymKey is the server's pseudonym key (server.Config.PseudonymKey): sessions
	// of pseudonymising API keys show people under aliases made with it. Nil: such keys
	// are refused (401).
	PseudonymKey []byte

	// exportBudget, when set, overrides defaultExportBudget (tests).
	exportBudget int64
}

// HTTPHandler serves MCP over streamable HTTP, authenticated by an API key (X-MCP-Key:
// lk_… or Authorization: Bearer lk_…) or, with HTTPConfig.OAuth, by an access token of
// learnd's authorization server for this resource (Authorization: Bearer). A request
// that starts a session builds the MCP server of its credential with New — the tools that key may call, calling the API in-process
// as the key, LocalFiles false (upload_source_material takes the file's content, never a
// path of this machine) — and the session stays bound to that key: a later request of
// the session with another key is refused (403). A missing or refused key, or a licence
// with mcpAccess none, is a 401 problem before anything else.
type HTTPHandler struct {
	cfg       HTTPConfig
	sessions  http.Handler // the SDK's handler behind the key binding
	stateless http.Handler // the same for clients of the 2026-07-28 protocol
	closing   context.Context
	close     context.CancelFunc
	fitters   fitters // the open sessions' servers (Refresh)
}

// Mount returns the mount (server.Config.MCP) that serves /mcp with an HTTPHandler whose API
// and OAuth are what the server passes (cfg.API and cfg.OAuth are ignored). Use it in
// server.Config.MCP.
func Mount(cfg HTTPConfig) func(api http.Handler, oauth *auth.ResourceServer) http.Handler {
	return func(api http.Handler, oauth *auth.ResourceServer) http.Handler {
		cfg.API, cfg.OAuth = api, oauth
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
	opts := mcp.StreamableHTTPOptions{
		Logger:              cfg.Logger,
		SessionTimeout:      cfg.SessionTimeout,
		MaxRequestBodyBytes: wire.MCPMaxBodyBytes,
		// Every request carries an API key, which a DNS-rebinding page cannot know; and
		// behind a reverse proxy on the same host, requests arrive on a loopback address
		// with the public Host, which the SDK's localhost check would refuse. Origin is
		// checked in ServeHTTP.
		DisableLocalhostProtection: true,
	}
	sdkHandler := mcp.NewStreamableHTTPHandler(serverFrom, &opts)
	// Clients of the 2026-07-28 protocol (SEP-2575: no initialize, no session; each
	// request names its version) are served statelessly: every request gets the server
	// of its credential, and list_changed reaches them on their subscriptions/listen.
	opts.Stateless = true
	statelessHandler := mcp.NewStreamableHTTPHandler(serverFrom, &opts)
	// The SDK binds a session to the TokenInfo.UserID of the request that created it and
	// refuses later requests with another (403 "session user mismatch"). The verifier
	// only names the credential: ServeHTTP has already checked it, and New that the API
	// accepts it. A key is named by its fingerprint; an access token by its grant (tenant,
	// person, client), which stays the same when the client refreshes the token, and the
	// token rides along for the tools' API calls (withCredential).
	bind := mcpauth.RequireBearerToken(func(_ context.Context, token string, r *http.Request) (*mcpauth.TokenInfo, error) {
		info := &mcpauth.TokenInfo{UserID: keyFingerprint(token), Expiration: time.Now().Add(time.Hour)}
		if g, ok := r.Context().Value(grantKey{}).(auth.Principal); ok {
			info.UserID = grantName(g)
			info.Scopes = g.Scopes
			info.Extra = map[string]any{extraToken: token}
		}
		return info, nil
	}, nil)
	h.sessions = bind(sdkHandler)
	h.stateless = bind(statelessHandler)
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
	ctx := r.Context()
	if !originAllowed(r, h.cfg.AllowedOrigins) {
		h.writeProblem(w, r, http.StatusForbidden, "origin_not_allowed", "requests from the origin "+r.Header.Get("Origin")+" are not allowed on /mcp", 0, "")
		return
	}
	key, ok := requestKey(r)
	var grant *auth.Principal
	if !ok {
		token, bearer := bearerToken(r)
		if !bearer || h.cfg.OAuth == nil {
			h.writeProblem(w, r, http.StatusUnauthorized, "unauthorized", h.noCredential(bearer), 0, "")
			return
		}
		p, err := h.cfg.OAuth.Verify(ctx, token)
		if err != nil {
			h.writeProblem(w, r, http.StatusUnauthorized, "unauthorized", "the bearer token is not an access token for this MCP endpoint ("+err.Error()+
				"); learnd's API JWTs are not accepted here: send an API key, or connect with OAuth", 0, "invalid_token")
			return
		}
		key, grant = token, &p
		ctx = context.WithValue(ctx, grantKey{}, p)
		h.fitters.touch(grantName(p), token)
	}
	if r.Method == http.MethodPost && r.Header.Get("Mcp-Session-Id") == "" {
		cfg := Config{APIURL: inProcessURL, Key: key, LocalFiles: false, Version: h.cfg.Version, Pseudonyms: h.cfg.PseudonymKey, exportBudget: h.cfg.exportBudget, Tasks: true}
		if grant != nil {
			cfg.Grant = grant.Scopes
			cfg.HTTPClient = inProcessClient(h.cfg.API, r, &h.cfg.OAuth.Resource)
		} else {
			cfg.HTTPClient = inProcessClient(h.cfg.API, r, nil)
		}
		f, err := build(ctx, cfg)
		if err != nil {
			h.refuse(w, r, err)
			return
		}
		name := ""
		if grant != nil {
			name = grantName(*grant)
			f.token = key
		}
		h.fitters.add(f, name)
		ctx = context.WithValue(ctx, serverKey{}, f.srv)
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
	if modernProtocol(r) {
		h.stateless.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodPost {
		r.Body, r.ContentLength = liftTaskBody(r.Body, r.ContentLength)
	}
	h.sessions.ServeHTTP(w, r)
}

// liftTaskBody is a request body (and its length) whose tools/call has its params.task
// lifted (liftTask): the body is read (up to the SDK's limit; a bigger one is passed on as
// it came, for the SDK to refuse) and handed on, changed only if it was a task-augmented
// tools/call.
func liftTaskBody(body io.ReadCloser, length int64) (io.ReadCloser, int64) {
	if body == nil || body == http.NoBody {
		return body, length
	}
	head, err := io.ReadAll(io.LimitReader(body, wire.MCPMaxBodyBytes+1))
	if err != nil || int64(len(head)) > wire.MCPMaxBodyBytes {
		return readCloser{io.MultiReader(bytes.NewReader(head), body), body}, length
	}
	lifted := liftTask(head)
	if len(lifted) != len(head) {
		length = int64(len(lifted))
	}
	return readCloser{bytes.NewReader(lifted), body}, length
}

// readCloser reads from Reader and closes Closer.
type readCloser struct {
	io.Reader
	io.Closer
}

// statelessSince is the first protocol version without sessions (SEP-2575).
const statelessSince = "2026-07-28"

// modernProtocol reports whether r speaks a protocol without sessions: its
// Mcp-Protocol-Version header names statelessSince or later (version strings are dates).
func modernProtocol(r *http.Request) bool {
	v := r.Header.Get("Mcp-Protocol-Version")
	return len(v) == len(statelessSince) && v >= statelessSince
}

// grantName names an access token's grant (tenant, person, client): the same across
// refreshes.
func grantName(g auth.Principal) string {
	return "grant|" + g.TenantID + "|" + g.Subject + "|" + g.ClientID
}

// grantKey carries the verified access token's principal of a request (ServeHTTP → bind).
type grantKey struct{}

// extraToken is the TokenInfo.Extra entry holding a request's access token.
const extraToken = "learnd_access_token"

// noCredential says what to send instead of nothing (or a bearer token, without OAuth).
func (h *HTTPHandler) noCredential(bearer bool) string {
	switch {
	case h.cfg.OAuth != nil:
		return "send an API key (X-MCP-Key: lk_… or Authorization: Bearer lk_…), or connect with OAuth: the authorization server is named at " + h.cfg.OAuth.MetadataURL
	case bearer:
		return "send an API key: X-MCP-Key: lk_… or Authorization: Bearer lk_… (JWTs are not accepted here)"
	}
	return "send an API key: X-MCP-Key: lk_… or Authorization: Bearer lk_…"
}

// bearerToken is the request's Authorization: Bearer token, whatever it is.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, found && strings.EqualFold(scheme, "Bearer") && token != ""
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
		h.writeProblem(w, r, http.StatusUnauthorized, code, ae.Reason, 0, "")
	case sdk.StatusCode(err) == http.StatusTooManyRequests:
		var se *sdk.Error
		errors.As(err, &se)
		h.writeProblem(w, r, http.StatusTooManyRequests, "rate_limited", problemText(se), se.RetryAfter, "")
	default:
		h.cfg.Logger.ErrorContext(r.Context(), "mcp: build server", "request_id", w.Header().Get("X-Request-Id"), "err", err)
		h.writeProblem(w, r, http.StatusInternalServerError, "internal",
			"an unexpected error occurred; quote the request id when reporting it", 0, "")
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

// writeProblem answers with an RFC 9457 problem shaped like the API's. A 401 challenges
// for a Bearer credential and, with OAuth, names the resource metadata (RFC 9728 §5.1),
// the scopes a full session uses (RFC 6750 §3; clients ask for these) and bearerErr
// (RFC 6750 §3.1: invalid_token) when set.
func (h *HTTPHandler) writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, retryAfter time.Duration, bearerErr string) {
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
		challenge := `Bearer realm="learnd"`
		if h.cfg.OAuth != nil {
			challenge += `, resource_metadata="` + h.cfg.OAuth.MetadataURL + `"`
			if len(h.cfg.OAuth.Scopes) > 0 {
				challenge += `, scope="` + strings.Join(h.cfg.OAuth.Scopes, " ") + `"`
			}
			if bearerErr != "" {
				challenge += `, error="` + bearerErr + `"`
			}
		}
		hd.Set("WWW-Authenticate", challenge)
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
	case http.StatusForbidden:
		return "forbidden", "Forbidden"
	case http.StatusTooManyRequests:
		return "rate-limited", "Too many requests"
	}
	return "internal", "Internal server error"
}
