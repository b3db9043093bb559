// Package authserver is learnd's OAuth 2.1 authorization server for its MCP endpoint, as
// the MCP authorization specification describes it: protected resource metadata (RFC
// 9728) naming learnd as the authorization server, authorization server metadata (RFC
// 8414), dynamic client registration (RFC 7591) of public clients, the authorization
// code grant with PKCE (S256 only) and rotating refresh tokens, access tokens bound to
// the /mcp resource (RFC 8707), and a sign-in and consent page. The protocol is
// zitadel's op (github.com/zitadel/oidc/v3/pkg/op) over Storage (store/oauth); this
// package adds what op lacks: registration, the resource parameter, the metadata and
// the page. Access tokens are ES256 JWTs signed with learnd's key, carrying the tenant,
// the person, their role and the granted scopes, so the API's authentication applies to
// them unchanged (auth.Resource).
package authserver

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/oauth"
)

// Paths of the authorization server (the issuer is the public URL itself).
const (
	PathResourceMetadata = "/.well-known/oauth-protected-resource"
	PathServerMetadata   = "/.well-known/oauth-authorization-server"
	PathOIDCMetadata     = "/.well-known/openid-configuration"
	PathAuthorize        = "/oauth/authorize"
	PathCallback         = "/oauth/authorize/callback"
	PathToken            = "/oauth/token"
	PathRevoke           = "/oauth/revoke"
	PathRegister         = "/oauth/register"
	PathConsent          = "/oauth/consent"
	mcpPath              = "/mcp"
)

// Config configures the authorization server.
type Config struct {
	// PublicURL is learnd's URL as clients reach it (LEARND_PUBLIC_URL), without a
	// trailing slash: the issuer; the MCP resource is PublicURL + "/mcp".
	PublicURL string
	// Key encrypts authorization codes (zitadel's op): the same on every replica.
	Key [32]byte
	// AccessTTL is an access token's lifetime (default 1 h); RefreshTTL a refresh
	// token's (default 30 days); RequestTTL how long a person has to sign in and
	// approve (default 10 min).
	AccessTTL, RefreshTTL, RequestTTL time.Duration
	// SignIns are the ways the consent page signs a person in; default the API key.
	SignIns []SignIn
	// Logger logs the server's own failures; nil: slog.Default().
	Logger *slog.Logger
	// Limiter counts client registrations per address; nil: in this process.
	Limiter limits.Limiter
}

// Server is the authorization server.
type Server struct {
	cfg      Config
	issuer   string
	resource string
	repo     *oauth.Repo
	storage  *Storage
	provider *op.Provider
	signIns  []SignIn
	log      *slog.Logger
}

// New builds the authorization server over st, signing with iss.
func New(cfg Config, st *store.Store, iss *auth.Issuer) (*Server, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("authorization server: LEARND_PUBLIC_URL %q is not an http(s) URL", cfg.PublicURL)
	}
	issuer := strings.TrimSuffix(cfg.PublicURL, "/")
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = time.Hour
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.RequestTTL <= 0 {
		cfg.RequestTTL = 10 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Limiter == nil {
		cfg.Limiter = limits.NewMemory()
	}
	if len(cfg.SignIns) == 0 {
		cfg.SignIns = []SignIn{APIKeySignIn{Store: st}}
	}
	s := &Server{cfg: cfg, issuer: issuer, resource: issuer + mcpPath, repo: oauth.New(st), signIns: cfg.SignIns, log: cfg.Logger}
	s.storage = &Storage{repo: s.repo, st: st, iss: iss, resource: s.resource,
		login:     func(id string) string { return issuer + PathConsent + "?id=" + url.QueryEscape(id) },
		accessTTL: cfg.AccessTTL, refreshTTL: cfg.RefreshTTL, requestTTL: cfg.RequestTTL}
	opts := []op.Option{op.WithCustomEndpoints(
		op.NewEndpoint(PathAuthorize), op.NewEndpoint(PathToken), op.NewEndpoint("/oauth/userinfo"),
		op.NewEndpoint(PathRevoke), op.NewEndpoint("/oauth/end_session"), op.NewEndpointWithURL("/oauth/keys", issuer+"/.well-known/jwks.json"),
	)}
	if u.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure()) // development and tests on loopback
	}
	s.provider, err = op.NewProvider(&op.Config{
		CryptoKey:             sha256.Sum256(append([]byte("learnd oauth codes|"), cfg.Key[:]...)),
		CodeMethodS256:        true,
		GrantTypeRefreshToken: true,
	}, s.storage, op.StaticIssuer(issuer), opts...)
	if err != nil {
		return nil, fmt.Errorf("authorization server: %w", err)
	}
	return s, nil
}

// Resource is the MCP endpoint as the tokens of this server name it.
func (s *Server) Resource() auth.Resource {
	return auth.Resource{Issuer: s.issuer, Audience: s.resource}
}

// ResourceMetadataURL is where the MCP endpoint's protected resource metadata is: what a
// 401 of /mcp names in WWW-Authenticate.
func (s *Server) ResourceMetadataURL() string { return s.issuer + PathResourceMetadata }

// ResourceServer is how the MCP endpoint accepts this server's tokens, verified by ver.
func (s *Server) ResourceServer(ver *auth.Verifier) *auth.ResourceServer {
	return &auth.ResourceServer{Resource: s.Resource(), MetadataURL: s.ResourceMetadataURL(), Scopes: slices.Clone(learndScopes), Verifier: ver}
}

// Register mounts the server's routes on e. They are outside the API (no API
// authentication; errors in OAuth's own format or as HTML pages for the browser).
func (s *Server) Register(e *echo.Echo) {
	e.GET(PathResourceMetadata, s.resourceMetadata)
	e.GET(PathResourceMetadata+mcpPath, s.resourceMetadata)
	e.GET(PathServerMetadata, s.serverMetadata)
	e.GET(PathOIDCMetadata, s.serverMetadata)
	e.POST(PathRegister, s.register)
	e.OPTIONS(PathRegister, preflight)
	e.GET(PathConsent, s.consentPage)
	e.POST(PathConsent, s.consentSubmit)
	for _, m := range s.signIns {
		if cb, ok := m.(Callbacks); ok {
			cb.Routes(e, s)
		}
	}
	protocol := echo.WrapHandler(s.guard(s.provider))
	for _, p := range []string{PathCallback, PathToken, PathRevoke} {
		e.Any(p, protocol)
	}
	e.Any(PathAuthorize, s.limitAuthorize(protocol))
}

// authorizations is how many authorization requests one address may start: 60 at once,
// then two a second (each stores a pending request until it lapses).
var authorizations = limits.Rate{Every: 500 * time.Millisecond, Burst: 60}

// limitAuthorize answers 429 (a page, for the browser) to an address that starts
// authorization requests faster than authorizations allows.
func (s *Server) limitAuthorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		wait, err := s.cfg.Limiter.Take(c.Request().Context(), "oauth-authorize|"+c.RealIP(), authorizations)
		if err != nil {
			s.log.Warn("oauth: authorization limit unchecked", "err", err)
		}
		if wait > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			return s.errorPage(c.Response(), http.StatusTooManyRequests, "Too many sign-in attempts",
				"This address started too many sign-ins; wait a moment and connect again.")
		}
		return next(c)
	}
}

// errNoRequest means the consent page names no live authorization request.
var errNoRequest = errors.New("no such authorization request")
