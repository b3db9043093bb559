// Package server is learnd's HTTP surface: the Echo application, its middleware (request
// id, access log, recovery, metrics, body limit, authentication, OpenAPI request validation,
// idempotency), the handlers implementing the generated strict server interface, and the
// explorer. Handlers are thin: resolve the caller, build the store input, call the store,
// convert to the generated response. A handler answers only its success; every expected
// failure is returned as an error and answered by one mapper (problem_map.go).
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/server/authserver"
	"github.com/learnd/learnd/server/explorer"
	"github.com/learnd/learnd/server/pagetoken"
	"github.com/learnd/learnd/server/scim"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/enrolment"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/store/webhooks"
)

// Config is what the HTTP surface needs to know.
type Config struct {
	Dev             bool   // development mode: dev client credentials, demo tokens in the explorer
	DevClientSecret string // secret of the development OAuth client (dev mode only)
	// WebhookPrivateNetworks admits webhook endpoint URLs over http and on loopback,
	// private or link-local addresses (LEARND_WEBHOOK_PRIVATE_NETWORKS, dev mode).
	WebhookPrivateNetworks bool
	PageTokenKey           []byte // ≥ 32 bytes; signs page tokens
	// PseudonymKey (≥ 32 bytes) derives the aliases a pseudonymising API key's MCP tool
	// results show people under (internal/pseudonym); the MCP handler must have the same
	// (tools.HTTPConfig.PseudonymKey). GET /api/v2/pseudonyms/{alias} resolves them.
	PseudonymKey []byte
	BodyLimit    string // e.g. "1M"
	TokenTTL     time.Duration
	RateLimit    RateLimit      // per caller; zero: off
	Limiter      limits.Limiter // counts RateLimit, API keys' licence limits, failed authentications; a *limits.Redis shares them across replicas; nil: in this process
	DemoTokens   []explorer.DemoToken
	Logger       *slog.Logger
	Registry     *prometheus.Registry // nil: a private registry
	// Generator writes AI-authored content (refine, regenerate); course generation jobs go
	// on the store's job queue (store.SetJobQueue), whose workers run the generator.
	// Without them the AI endpoints answer 500.
	Generator ai.Generator
	// Extractor reads uploaded source materials in its sandbox (its Limits: deadline,
	// CPU, memory, concurrent extractions). The zero value finds the programs on PATH
	// and applies the default limits.
	Extractor extract.Extractor
	// MCP, when set, serves MCP over streamable HTTP at MCPPath with the handler it builds
	// (mcp.go); learnd serve sets it to the tools package's handler.
	MCP MCPMount
	// AuthServer, when set, is learnd's OAuth 2.1 authorization server for /mcp: its
	// routes (metadata, registration, authorize, token, the consent page) are mounted, and
	// /mcp accepts its access tokens besides API keys.
	AuthServer *authserver.Server
	// TrustedProxies are the networks whose X-Forwarded-For is believed for the client's
	// address (per-address limits, logs). Empty: the connection's address, always.
	TrustedProxies []*net.IPNet
	// Timeouts are the HTTP server's deadlines (NewHTTPServer); the application moves them
	// per request on the slow routes and ends each request's context with them.
	Timeouts Timeouts
	// ProviderKeys verifies the tokens of tenants' own identity providers (auth_provider.go);
	// nil: New makes one that lives as long as the process.
	ProviderKeys *auth.ProviderKeys
}

// Server implements the generated strict server interface.
type Server struct {
	cfg      Config
	store    *store.Store
	issuer   *auth.Issuer
	verifier *auth.Verifier
	pages    *pagetoken.Codec
	log      *slog.Logger

	authFailures *authFailures
	keyLimits    *keyLimits

	gen ai.Generator

	people      *people.Repo
	courses     *courses.Repo
	assignments *assignments.Repo
	enrolment   *enrolment.Repo
	materials   *materials.Repo
	learning    *learning.Repo
	reports     *reports.Repo
	webhooks    *webhooks.Repo
	exports     exportSlots // CSV exports running now

	cohorts     resource[learning.Cohort, api.Cohort, api.CohortCreate]
	assessments resource[learning.Assessment, api.Assessment, api.AssessmentCreate]
}

var _ api.StrictServerInterface = (*Server)(nil)

// New builds the Echo application serving the whole API.
func New(cfg Config, st *store.Store, iss *auth.Issuer, ver *auth.Verifier) (*echo.Echo, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = time.Hour
	}
	cfg.Timeouts = cfg.Timeouts.WithDefaults()
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Limiter == nil {
		cfg.Limiter = limits.NewMemory()
	}
	if cfg.ProviderKeys == nil {
		pk, err := auth.NewProviderKeys(context.Background())
		if err != nil {
			return nil, fmt.Errorf("new server: %w", err)
		}
		cfg.ProviderKeys = pk
	}
	pages, err := pagetoken.New(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	learn := learning.New(st)
	s := &Server{cfg: cfg, store: st, issuer: iss, verifier: ver, pages: pages, log: cfg.Logger,
		authFailures: newAuthFailures(cfg.Limiter, cfg.Logger), keyLimits: newKeyLimits(cfg.Limiter, cfg.Logger), gen: cfg.Generator,
		people: people.New(st), courses: courses.New(st), assignments: assignments.New(st), enrolment: enrolment.New(st), materials: materials.New(st), reports: reports.New(st), learning: learn,
		webhooks: webhooks.New(st, webhooks.Options{PrivateNetworks: cfg.WebhookPrivateNetworks}),
		cohorts:  cohortResource(learn), assessments: assessmentResource(learn)}
	st.SetUserHook(s.enrolment.UserChanged) // enrolment rules follow every user create and change
	spec, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("new server: load spec: %w", err)
	}
	validator, err := newValidator(spec)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	e.Pre(headAsGet)
	e.Binder = jsonBinder{}
	e.Use(s.deadlines, requestID(), s.accessLog(), s.recoverer(), newMetrics(cfg.Registry, st), bodyLimits(cfg.BodyLimit))
	e.Use(apiOnly(s.authenticate, rateLimiter(cfg.RateLimit, cfg.Limiter, cfg.Logger), s.keyRateLimit, validator.middleware, s.idempotency)...)

	registerOps(e, st, cfg.Registry, spec)
	explorer.Register(e, explorer.Config{SpecURL: "/openapi.json", Title: "learnd API explorer", DemoTokens: cfg.DemoTokens})
	api.RegisterHandlers(e, api.NewStrictHandler(s, []api.StrictMiddlewareFunc{declaredOnly(declaredStatuses(spec))}))
	var oauth *auth.ResourceServer
	if cfg.AuthServer != nil {
		cfg.AuthServer.Register(e)
		oauth = cfg.AuthServer.ResourceServer(ver)
	}
	mountMCP(e, cfg.MCP, oauth)
	provisioning, err := scim.New(st, s.people, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	s.mountSCIM(e, provisioning)
	return e, nil
}

// publicPath reports whether a path needs no bearer token. Everything outside /api is
// public here, /mcp included: it authenticates API keys itself (and the API middleware
// skips it anyway, see apiOnly).
func publicPath(path string) bool {
	switch path {
	case "/api/v1/auth/token", "/.well-known/jwks.json":
		return true
	}
	return len(path) < 5 || path[:5] != "/api/"
}
