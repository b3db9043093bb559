package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/learnd/learnd/ai/provider"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/explorer"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/tools"
)

func serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the learnd API (migrating the database first unless LEARND_MIGRATE_ON_START=false)",
		Long: `Serve the learnd API on LEARND_ADDR (default :8080): the REST API under /api,
MCP over streamable HTTP at /mcp (authenticated by an API key: X-MCP-Key or
Authorization: Bearer lk_…, or by OAuth 2.1: learnd is the authorization server at
LEARND_PUBLIC_URL, with its sign-in and consent page at /oauth/consent; LEARND_MCP_OAUTH,
LEARND_OAUTH_REFRESH_TTL), the explorer at /docs, /openapi.json, /healthz, /readyz
and /metrics, and the background job workers (mail delivery; LEARND_JOB_WORKERS,
LEARND_SMTP_URL, LEARND_MAIL_FROM; AI course generation: LEARND_LLM_URL,
LEARND_LLM_MODEL, LEARND_LLM_API_KEY, LEARND_LLM_CONTEXT_TOKENS (the model's context
window, default 16384, at least 8192), LEARND_AI_JOB_TIMEOUT, LEARND_JOB_RESCUE_AFTER;
source-material embeddings: LEARND_EMBEDDINGS_URL, LEARND_EMBEDDINGS_MODEL,
LEARND_EMBEDDINGS_API_KEY).
HTTP deadlines: LEARND_READ_HEADER_TIMEOUT, LEARND_HTTP_READ_TIMEOUT,
LEARND_HTTP_WRITE_TIMEOUT, LEARND_HTTP_IDLE_TIMEOUT and, for uploads and the AI calls
that wait for the model, LEARND_HTTP_LONG_TIMEOUT.
Stops gracefully on SIGINT or SIGTERM: the HTTP server first, then the workers (each
within LEARND_SHUTDOWN_TIMEOUT).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			return serve(ctx, cfg)
		},
	}
}

func serve(ctx context.Context, cfg config) error {
	log := cfg.logger()
	slog.SetDefault(log) // what libraries log (the OAuth server's protocol errors) goes the same way
	if err := cfg.requireDatabase(); err != nil {
		return err
	}
	// The port first: when it is taken, nothing else starts (no workers, no migrations).
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	defer func() { _ = ln.Close() }() // Serve closes it; this covers the returns before
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: cfg.DBMaxConns})
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.MigrateOnStart {
		applied, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrated database", "versions", applied)
		}
	}
	// Source-material embeddings: the OpenAI-compatible endpoint LEARND_EMBEDDINGS_URL when
	// set, else the built-in local embedder.
	emb, err := cfg.embedder()
	if err != nil {
		return err
	}
	materials.New(st).SetEmbedder(emb)
	// The course generator: an OpenAI-compatible model when LEARND_LLM_URL is set, else the
	// built-in offline generator. The AI endpoints call it for refinements and
	// regenerations; the job workers run generation jobs with it.
	gen, err := provider.New(cfg.aiConfig())
	if err != nil {
		return fmt.Errorf("course generator: %w", err)
	}
	log.Info("course generator", "generator", cfg.aiConfig().Describe(), "job_timeout", cfg.AIJobTimeout, "rescue_after", cfg.JobRescueAfter)
	// The job queue: the store queues mail deliveries through it in the transaction that
	// writes them, the API queues generation jobs the same way; its workers deliver and
	// generate. Stopped after the HTTP server (deferred).
	jcfg := cfg.jobsConfig(log)
	jcfg.Generator, jcfg.Materials = gen, materials.New(st).Materials()
	jr, err := jobs.New(ctx, st, jcfg)
	if err != nil {
		return err
	}
	st.SetJobQueue(jr.Enqueue)
	if err := jr.Start(ctx); err != nil {
		_ = jr.Stop(context.Background())
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := jr.Stop(sctx); err != nil {
			log.Warn("stop job workers", "err", err)
		}
	}()
	log.Info("mail", "to", cfg.mailTarget(), "from", cfg.MailFrom, "job_workers", cfg.JobWorkers)
	iss, err := auth.NewIssuer(cfg.authConfig())
	if err != nil {
		return fmt.Errorf("signing key: %w (set LEARND_SIGNING_KEY or LEARND_SIGNING_KEY_FILE, or LEARND_DEV=true to generate one)", err)
	}
	ver, err := auth.NewVerifier(ctx, cfg.authConfig(), iss)
	if err != nil {
		return err
	}
	defer ver.Close(context.Background())

	proxies, err := cfg.trustedProxies()
	if err != nil {
		return err
	}
	scfg := server.Config{
		TrustedProxies: proxies,
		Dev:            cfg.Dev, PageTokenKey: cfg.pageTokenKey(iss), PseudonymKey: cfg.pseudonymKey(iss), BodyLimit: cfg.BodyLimit,
		WebhookPrivateNetworks: cfg.Dev || cfg.WebhookPrivateNetworks,
		TokenTTL:               cfg.TokenTTL, Logger: log,
		RateLimit: server.RateLimit{RPS: cfg.RateLimitRPS, Burst: cfg.RateLimitBurst},
		Generator: gen,
		Extractor: cfg.extractor(),
		Timeouts: server.Timeouts{
			ReadHeader: cfg.ReadHeaderTimeout, Read: cfg.HTTPReadTimeout, Write: cfg.HTTPWriteTimeout,
			Idle: cfg.HTTPIdleTimeout, Long: cfg.HTTPLongTimeout,
		},
	}
	// MCP over streamable HTTP at /mcp: its tools call this same API in-process; with
	// OAuth, /mcp also takes the access tokens of learnd's authorization server.
	var mcpHandler *tools.HTTPHandler
	scfg.MCP = func(api http.Handler, oauth *auth.ResourceServer) http.Handler {
		mcpHandler = tools.NewHTTPHandler(tools.HTTPConfig{API: api, Version: buildVersion(), Logger: log, OAuth: oauth,
			AllowedOrigins: cfg.mcpOrigins(), PseudonymKey: scfg.PseudonymKey})
		// A change of a tenant's users, keys or licence (on any replica) refits the tool
		// lists of that tenant's open sessions, which tells their clients.
		st.OnForget(mcpHandler.Refresh)
		return mcpHandler
	}
	var demo []demoToken
	if cfg.Dev {
		if scfg.DevClientSecret, err = cfg.devClientSecret(); err != nil {
			return err
		}
		if demo, err = demoTokens(iss, cfg.TokenTTL*24); err != nil {
			return err
		}
		for _, d := range demo {
			scfg.DemoTokens = append(scfg.DemoTokens, explorer.DemoToken{Label: d.label, Token: d.token})
		}
	}
	lim, closeLimiter, err := cfg.limiter(ctx, log)
	if err != nil {
		return err
	}
	defer closeLimiter()
	scfg.Limiter = lim
	var pkOpts []auth.ProviderKeysOption
	if cfg.Dev || cfg.IdPPrivateNetworks {
		pkOpts = append(pkOpts, auth.WithPrivateNetworks())
	}
	if scfg.ProviderKeys, err = auth.NewProviderKeys(ctx, pkOpts...); err != nil {
		return err
	}
	defer func() { _ = scfg.ProviderKeys.Close(context.WithoutCancel(ctx)) }()
	if cfg.MCPOAuth {
		if scfg.AuthServer, err = cfg.authServer(st, iss, publicURL(cfg, ln.Addr()), lim, scfg.ProviderKeys, log); err != nil {
			return err
		}
	}
	e, err := server.New(scfg, st, iss, ver)
	if err != nil {
		return err
	}
	srv := server.NewHTTPServer(e, scfg.Timeouts)
	if mcpHandler != nil {
		srv.RegisterOnShutdown(mcpHandler.Close) // MCP event streams would hold Shutdown up
	}
	log.Info("serving", "addr", ln.Addr().String(), "dev", cfg.Dev)
	if cfg.Dev {
		url := publicURL(cfg, ln.Addr())
		key, err := demoAPIKey(ctx, st)
		if err != nil {
			log.Warn("no demo API key (run `learnd seed` for the demo tenant)", "err", err)
		}
		if cfg.DemoEnvFile != "" {
			if err := writeDemoEnv(cfg.DemoEnvFile, url, demo, key, cfg.TokenTTL*24); err != nil {
				log.Warn("demo environment not written", "err", err)
				cfg.DemoEnvFile = ""
			}
		}
		printBanner(os.Stdout, url, demo, key, cfg.DemoEnvFile, scfg.DevClientSecret, scfg.AuthServer != nil)
	}
	go purgeLoop(ctx, st, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// purgeLoop deletes expired idempotency keys and webhook messages older than 30 days
// every ten minutes until ctx ends.
func purgeLoop(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := st.Idempotency.PurgeExpired(ctx); err != nil {
				log.Warn("purge idempotency keys", "err", err)
			} else if n > 0 {
				log.Info("purged expired idempotency keys", "count", n)
			}
			if n, err := st.PurgeWebhooks(ctx); err != nil {
				log.Warn("purge webhook messages", "err", err)
			} else if n > 0 {
				log.Info("purged webhook messages older than 30 days", "count", n)
			}
		}
	}
}

func publicURL(cfg config, addr net.Addr) string {
	if cfg.PublicURL != "" {
		return cfg.PublicURL
	}
	if ta, ok := addr.(*net.TCPAddr); ok {
		if ta.IP.IsUnspecified() {
			return fmt.Sprintf("http://localhost:%d", ta.Port)
		}
		return fmt.Sprintf("http://%s", ta.String())
	}
	return "http://" + addr.String()
}
