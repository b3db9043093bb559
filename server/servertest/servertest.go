// Package servertest starts the real learnd HTTP server for end-to-end tests: a fresh
// migrated database (storetest), a real signing key, the real Echo application behind a
// real TCP listener on 127.0.0.1, and helpers that mint tokens for any tenant and role.
package servertest

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/learnd/learnd/ai/extract"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/authserver"
	"github.com/learnd/learnd/server/idpsignin"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

// DevClientSecret is the dev OAuth client secret the test server accepts.
const DevClientSecret = "test-dev-client-secret"

// PseudonymKey is the servers' pseudonym key; a test mounting /mcp passes it to
// tools.HTTPConfig.PseudonymKey so the aliases of its sessions resolve.
var PseudonymKey = []byte("servertest pseudonym key, 32+ bytes long")

// Env is one running server.
type Env struct {
	URL    string // e.g. http://127.0.0.1:41234
	DBURL  string
	Store  *store.Store
	Issuer *auth.Issuer
	Jobs   *jobs.Runner // nil unless Options.Jobs

	fixtures *pgxpool.Pool // the superuser's connections that provision callers
}

// Options tweak the server.
type Options struct {
	BodyLimit string
	Logger    *slog.Logger
	RateLimit server.RateLimit // zero: off (tests drive one caller hard)
	// Jobs runs the job workers (mail delivery) against the test database, with the
	// store queueing mail through them; off by default (mail then stays in the outbox).
	// SMTPURL is where they send (smtptest.Server.URL; empty: the log), SMTPTLS verifies
	// that server, MailFrom is the sender (jobs.DefaultFrom when empty).
	Jobs     bool
	SMTPURL  string
	SMTPTLS  *tls.Config
	MailFrom string
	// Generator writes AI-authored content: the refine and regenerate endpoints call it,
	// and (with Jobs) the job workers run course generation jobs with it. nil: the
	// built-in offline generator. GenerationTimeout bounds one generation attempt
	// (jobs.DefaultGenerationTimeout when zero).
	Generator         ai.Generator
	GenerationTimeout time.Duration
	// MCP serves MCP at /mcp (server.Config.MCP), e.g. tools.Mount(tools.HTTPConfig{});
	// nil: no /mcp.
	MCP server.MCPMount
	// OAuth turns on learnd's OAuth 2.1 authorization server for /mcp (server/authserver),
	// its issuer the test server's URL.
	OAuth bool
	// OAuthSignIns are sign-in methods of the consent page besides the API key.
	OAuthSignIns []authserver.SignIn
	// Extractor reads uploads (server.Config.Extractor); zero: the default limits.
	Extractor extract.Extractor
	// Timeouts are the HTTP server's deadlines (server.NewHTTPServer, server.Config.Timeouts);
	// zero fields: the defaults.
	Timeouts server.Timeouts
	// Limiter counts the rate limits (server.Config.Limiter), e.g. limitstest.New's Redis
	// limiter shared by several servers; nil: in this process.
	Limiter limits.Limiter
	// DatabaseURL serves an existing database (another Env's DBURL: a second replica)
	// instead of a fresh one.
	DatabaseURL string
}

// Start runs a server for the test; it is stopped at cleanup.
func Start(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Generator == nil {
		o.Generator = offline.New()
	}
	ctx := context.Background()
	dbURL := o.DatabaseURL
	if dbURL == "" {
		dbURL = storetest.NewDatabase(t)
	}
	st, err := store.Open(ctx, dbURL, store.Options{MaxOpenConns: 40})
	if err != nil {
		t.Fatalf("servertest: open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	var jr *jobs.Runner
	if o.Jobs {
		jr, err = jobs.New(ctx, st, jobs.Config{
			DatabaseURL: dbURL, SMTPURL: o.SMTPURL, TLSConfig: o.SMTPTLS, From: o.MailFrom,
			Workers: 4, Logger: o.Logger, Generator: o.Generator, Materials: materials.New(st).Materials(), GenerationTimeout: o.GenerationTimeout,
			WebhookPrivateNetworks: true, // the tests' receivers listen on loopback
		})
		if err != nil {
			t.Fatalf("servertest: jobs: %v", err)
		}
		st.SetJobQueue(jr.Enqueue)
		if err := jr.Start(ctx); err != nil {
			t.Fatalf("servertest: start jobs: %v", err)
		}
		// Registered before the HTTP server's cleanup, so it runs after it.
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := jr.Stop(ctx); err != nil {
				t.Errorf("servertest: stop jobs: %v", err)
			}
		})
	} else {
		// Without workers, generation requests are still queued (as on an API-only
		// replica); nothing runs them.
		jr, err = jobs.New(ctx, st, jobs.Config{DatabaseURL: dbURL, Workers: 0, Logger: o.Logger})
		if err != nil {
			t.Fatalf("servertest: jobs: %v", err)
		}
		st.SetJobQueue(func(ctx context.Context, tx pgx.Tx, job store.Job) error {
			if job.Kind == store.JobMail {
				return nil // the mail stays in the outbox
			}
			return jr.Enqueue(ctx, tx, job)
		})
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = jr.Stop(ctx)
		})
	}
	acfg := auth.Config{SigningKeyFile: filepath.Join(t.TempDir(), "key.pem"), GenerateIfMissing: true}
	iss, err := auth.NewIssuer(acfg)
	if err != nil {
		t.Fatalf("servertest: issuer: %v", err)
	}
	ver, err := auth.NewVerifier(ctx, acfg, iss)
	if err != nil {
		t.Fatalf("servertest: verifier: %v", err)
	}
	// A test rotating a provider's keys waits a second, not ten, before learnd looks again.
	pk, err := auth.NewProviderKeys(ctx, auth.WithMissRefresh(time.Second), auth.WithPrivateNetworks())
	if err != nil {
		t.Fatalf("servertest: provider keys: %v", err)
	}
	t.Cleanup(func() { _ = pk.Close(context.Background()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("servertest: listen: %v", err)
	}
	url := "http://" + ln.Addr().String()
	var as *authserver.Server
	if o.OAuth {
		flow := &idpsignin.Flow{Providers: people.New(st).Providers(), Keys: pk, CallbackURL: url + idpsignin.CallbackPath,
			Key: []byte("servertest idp sign-in key, 32+ bytes"), HTTPClient: pk.HTTPClient()}
		signIns := append([]authserver.SignIn{authserver.APIKeySignIn{Store: st}, authserver.IdPSignIn{Flow: flow, Store: st}}, o.OAuthSignIns...)
		as, err = authserver.New(authserver.Config{PublicURL: url, Key: [32]byte{1, 2, 3}, Logger: o.Logger, Limiter: o.Limiter, SignIns: signIns}, st, iss)
		if err != nil {
			t.Fatalf("servertest: authorization server: %v", err)
		}
	}
	e, err := server.New(server.Config{
		Dev: true, WebhookPrivateNetworks: true, DevClientSecret: DevClientSecret, PageTokenKey: []byte("servertest page token key, 32+ bytes long"), PseudonymKey: PseudonymKey,
		BodyLimit: o.BodyLimit, Logger: o.Logger, RateLimit: o.RateLimit, Limiter: o.Limiter,
		Generator: o.Generator, MCP: o.MCP, Extractor: o.Extractor,
		Timeouts: o.Timeouts, ProviderKeys: pk, AuthServer: as,
	}, st, iss, ver)
	if err != nil {
		_ = ln.Close()
		t.Fatalf("servertest: server: %v", err)
	}
	srv := server.NewHTTPServer(e, o.Timeouts)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("servertest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		ver.Close(ctx)
	})
	fix, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatalf("servertest: fixtures pool: %v", err)
	}
	t.Cleanup(fix.Close)
	return &Env{URL: url, DBURL: dbURL, Store: st, Issuer: iss, Jobs: jr, fixtures: fix}
}

// Caller describes the token to mint; zero values mean a fresh person, role learner,
// scopes read and write, no application.
type Caller struct {
	Tenant  string
	Role    auth.Role
	Subject string // per_… ; a fresh one when ""
	AppID   string
	Scopes  []string
	// Unprovisioned mints the token without making sure its tenant and person exist (learnd
	// refuses such a token: tenant-bound trust).
	Unprovisioned bool
}

// Token mints a token for c. Unless c.Unprovisioned, the tenant is created when missing
// (starter licence) and the person becomes a user of it with c.Role when not one yet (a
// fixture: no audit entry); an existing user keeps its role, so a token may claim more
// than the user holds.
func (e *Env) Token(t testing.TB, c Caller) string {
	t.Helper()
	if c.Subject == "" {
		c.Subject, _ = typeid.New(typeid.Person)
	}
	if !c.Unprovisioned {
		e.provision(t, c)
	}
	tok, _, err := e.Issuer.Mint(auth.Claims{TenantID: c.Tenant, Subject: c.Subject, AppID: c.AppID, Role: c.Role, Scopes: c.Scopes}, time.Hour)
	if err != nil {
		t.Fatalf("servertest: mint: %v", err)
	}
	return tok
}
