package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/learnd/learnd/ai/extract"

	"github.com/caarlos0/env/v11"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/server/authserver"
	"github.com/learnd/learnd/server/idpsignin"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
)

// config is every setting learnd reads, all from the environment.
type config struct {
	DatabaseURL    string `env:"DATABASE_URL"`
	Addr           string `env:"LEARND_ADDR" envDefault:":8080"`
	PublicURL      string `env:"LEARND_PUBLIC_URL"`
	Dev            bool   `env:"LEARND_DEV" envDefault:"false"`
	DataDir        string `env:"LEARND_DATA_DIR" envDefault:".data"`
	Issuer         string `env:"LEARND_JWT_ISSUER" envDefault:"learnd"`
	Audience       string `env:"LEARND_JWT_AUDIENCE" envDefault:"learnd-api"`
	SigningKeyFile string `env:"LEARND_SIGNING_KEY_FILE"`
	SigningKeyPEM  string `env:"LEARND_SIGNING_KEY"`
	// JWKSURL and PublicKeyFiles trust one external issuer for every tenant its tokens
	// name: single-tenant deployments only. Tenants register their own providers through
	// the API (PUT /api/v2/tenant/identity-provider).
	JWKSURL         string        `env:"LEARND_JWKS_URL"`
	PublicKeyFiles  []string      `env:"LEARND_JWT_PUBLIC_KEY_FILES" envSeparator:","`
	PageTokenKey    string        `env:"LEARND_PAGE_TOKEN_KEY"`
	PseudonymKey    string        `env:"LEARND_PSEUDONYM_KEY"`
	DevClientSecret string        `env:"LEARND_DEV_CLIENT_SECRET"`
	TokenTTL        time.Duration `env:"LEARND_TOKEN_TTL" envDefault:"1h"`
	BodyLimit       string        `env:"LEARND_BODY_LIMIT" envDefault:"1M"`
	RateLimitRPS    float64       `env:"LEARND_RATE_LIMIT_RPS" envDefault:"100"`
	RateLimitBurst  int           `env:"LEARND_RATE_LIMIT_BURST" envDefault:"200"`
	TrustedProxies  []string      `env:"LEARND_TRUSTED_PROXIES" envSeparator:","`
	DBMaxConns      int           `env:"LEARND_DB_MAX_CONNS" envDefault:"20"`
	MigrateOnStart  bool          `env:"LEARND_MIGRATE_ON_START" envDefault:"true"`
	LogLevel        string        `env:"LEARND_LOG_LEVEL" envDefault:"info"`
	LogFormat       string        `env:"LEARND_LOG_FORMAT"` // json or text; text in dev mode, else json
	// DemoEnvFile is where dev mode writes the demo's tokens and API key for `source`
	// (make run: .data/demo.env); empty: nowhere.
	DemoEnvFile       string        `env:"LEARND_DEMO_ENV_FILE"`
	ShutdownTimeout   time.Duration `env:"LEARND_SHUTDOWN_TIMEOUT" envDefault:"15s"`
	ReadHeaderTimeout time.Duration `env:"LEARND_READ_HEADER_TIMEOUT" envDefault:"10s"`
	// HTTP deadlines: the whole request (LEARND_HTTP_READ_TIMEOUT), the response
	// (LEARND_HTTP_WRITE_TIMEOUT), a keep-alive connection between requests
	// (LEARND_HTTP_IDLE_TIMEOUT), and both read and write on the slow routes — the
	// source-material upload and processing, the AI calls that wait for the model — and
	// reads of /mcp (LEARND_HTTP_LONG_TIMEOUT).
	HTTPReadTimeout  time.Duration `env:"LEARND_HTTP_READ_TIMEOUT" envDefault:"30s"`
	HTTPWriteTimeout time.Duration `env:"LEARND_HTTP_WRITE_TIMEOUT" envDefault:"60s"`
	HTTPIdleTimeout  time.Duration `env:"LEARND_HTTP_IDLE_TIMEOUT" envDefault:"120s"`
	HTTPLongTimeout  time.Duration `env:"LEARND_HTTP_LONG_TIMEOUT" envDefault:"10m"`
	// Mail and background jobs: SMTP server as smtp://[user:pass@]host[:port] (STARTTLS when
	// offered) or smtps://…; unset, messages are written to the log. LEARND_JOB_WORKERS
	// jobs of each queue run at once on this process; 0 queues jobs without working them.
	SMTPURL    string `env:"LEARND_SMTP_URL"`
	MailFrom   string `env:"LEARND_MAIL_FROM" envDefault:"learnd <no-reply@learnd.local>"`
	JobWorkers int    `env:"LEARND_JOB_WORKERS" envDefault:"10"`
	// AI course authoring: an OpenAI-compatible chat-completions endpoint (OpenAI,
	// Ollama, vLLM; a base URL with or without /v1), its model and API key. Unset, the
	// built-in offline generator writes courses without a model. LEARND_LLM_CONTEXT_TOKENS
	// is the model's context window (at least 8192): every call, its source text and its
	// reply stay within it.
	LLMURL           string `env:"LEARND_LLM_URL"`
	LLMModel         string `env:"LEARND_LLM_MODEL"`
	LLMAPIKey        string `env:"LEARND_LLM_API_KEY"`
	LLMContextTokens int    `env:"LEARND_LLM_CONTEXT_TOKENS" envDefault:"16384"`
	// Course generation jobs: one attempt may run LEARND_AI_JOB_TIMEOUT; a job whose
	// process died (a killed or crashed replica) is run again by any replica once it has
	// been running longer than both LEARND_AI_JOB_TIMEOUT and LEARND_JOB_RESCUE_AFTER
	// (plus up to 30 s until the queue's rescuer next looks). LEARND_JOB_RESCUE_AFTER
	// applies to every job (mail too, whose attempts run at most two minutes) and must
	// exceed LEARND_AI_JOB_TIMEOUT.
	AIJobTimeout   time.Duration `env:"LEARND_AI_JOB_TIMEOUT" envDefault:"5m"`
	JobRescueAfter time.Duration `env:"LEARND_JOB_RESCUE_AFTER" envDefault:"6m"`
	// Source-material embeddings: an OpenAI-compatible /v1/embeddings endpoint (a base URL
	// such as https://api.openai.com/v1 or http://127.0.0.1:11434/v1), its model and API
	// key. Unset, the built-in local embedder (hashed word and phrase vectors) is used.
	EmbeddingsURL    string `env:"LEARND_EMBEDDINGS_URL"`
	EmbeddingsModel  string `env:"LEARND_EMBEDDINGS_MODEL"`
	EmbeddingsAPIKey string `env:"LEARND_EMBEDDINGS_API_KEY"`
	// Reading uploaded source materials: each file's programs (poppler, antiword,
	// tesseract, unzip) run in a sandbox. LEARND_EXTRACT_TIMEOUT bounds one file's
	// extraction (wall clock), LEARND_EXTRACT_CPU and LEARND_EXTRACT_MEMORY_MB one
	// program run; LEARND_EXTRACT_CONCURRENCY files are read at once (0: half the CPUs),
	// and an upload waits at most LEARND_EXTRACT_QUEUE_WAIT for its turn (then 503).
	ExtractTimeout     time.Duration `env:"LEARND_EXTRACT_TIMEOUT" envDefault:"60s"`
	ExtractCPU         time.Duration `env:"LEARND_EXTRACT_CPU" envDefault:"45s"`
	ExtractMemoryMB    int64         `env:"LEARND_EXTRACT_MEMORY_MB" envDefault:"1024"`
	ExtractConcurrency int           `env:"LEARND_EXTRACT_CONCURRENCY" envDefault:"0"`
	ExtractQueueWait   time.Duration `env:"LEARND_EXTRACT_QUEUE_WAIT" envDefault:"20s"`
	// Shared limits: the Redis (redis://[user:password@]host:port/db, or rediss://…) where
	// every replica counts the rate limits, API keys' licence limits and failed
	// authentications. Unset, each process counts its own.
	RedisURL string `env:"LEARND_REDIS_URL"`
	// OAuth 2.1 for MCP: learnd is the authorization server of /mcp, its issuer
	// LEARND_PUBLIC_URL (the URL clients reach learnd at; unset, the listening address,
	// which only local clients reach). Access tokens live LEARND_TOKEN_TTL, refresh tokens
	// (rotated at each use) LEARND_OAUTH_REFRESH_TTL. LEARND_MCP_OAUTH=false turns it off
	// (API keys only).
	MCPOAuth bool `env:"LEARND_MCP_OAUTH" envDefault:"true"`
	// IdPPrivateNetworks lets tenants' identity providers be on loopback, private or
	// link-local addresses (a provider inside the operator's network); off, learnd reaches
	// them on public addresses only. Dev mode allows them.
	IdPPrivateNetworks bool `env:"LEARND_IDP_PRIVATE_NETWORKS" envDefault:"false"`
	// WebhookPrivateNetworks lets webhook endpoints be http:// URLs on loopback, private
	// or link-local addresses (a receiver inside the operator's network); off, endpoints
	// are https on public addresses only. Dev mode allows them.
	WebhookPrivateNetworks bool          `env:"LEARND_WEBHOOK_PRIVATE_NETWORKS" envDefault:"false"`
	OAuthRefreshTTL        time.Duration `env:"LEARND_OAUTH_REFRESH_TTL" envDefault:"720h"`
	// MCPAllowedOrigins are the browser origins that may call /mcp (comma-separated; "*":
	// any) besides LEARND_PUBLIC_URL's; a request with another Origin is refused (403).
	MCPAllowedOrigins []string `env:"LEARND_MCP_ALLOWED_ORIGINS" envSeparator:","`
}

// mcpOrigins are the browser origins /mcp accepts: LEARND_PUBLIC_URL's and
// LEARND_MCP_ALLOWED_ORIGINS; none (only the request's own host) when both are unset.
func (c config) mcpOrigins() []string {
	out := slices.Clone(c.MCPAllowedOrigins)
	if u, err := url.Parse(c.PublicURL); err == nil && c.PublicURL != "" && u.Host != "" {
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out
}

// authServer is the OAuth 2.1 authorization server of /mcp at public (the issuer). Its
// code key is derived from the signing key, so every replica sharing the key shares it.
// Its sign-in page signs people in with an API key, or through their tenant's identity
// provider (idpsignin, with keys from pk).
func (c config) authServer(st *store.Store, iss *auth.Issuer, public string, lim limits.Limiter, pk *auth.ProviderKeys, log *slog.Logger) (*authserver.Server, error) {
	if c.PublicURL == "" {
		log.Warn("LEARND_PUBLIC_URL is unset: OAuth for MCP names the listening address as its issuer, which only local clients reach", "issuer", public)
	}
	public = strings.TrimSuffix(public, "/")
	key := sha256.Sum256([]byte("learnd oauth|" + iss.KeyID() + "|" + c.SigningKeyPEM + "|" + readFile(c.SigningKeyFile)))
	idpKey := sha256.Sum256(append([]byte("learnd idp sign-in|"), key[:]...))
	flow := &idpsignin.Flow{Providers: people.New(st).Providers(), Keys: pk, CallbackURL: public + idpsignin.CallbackPath,
		Key: idpKey[:], Secure: strings.HasPrefix(public, "https://"), HTTPClient: pk.HTTPClient()}
	return authserver.New(authserver.Config{
		PublicURL: public, Key: key, AccessTTL: c.TokenTTL, RefreshTTL: c.OAuthRefreshTTL, Logger: log, Limiter: lim,
		SignIns: []authserver.SignIn{authserver.APIKeySignIn{Store: st}, authserver.IdPSignIn{Flow: flow, Store: st}},
	}, st, iss)
}

// limiter counts the rate limits: in the Redis at LEARND_REDIS_URL, shared by every
// replica, or else in this process. A Redis that does not answer at start is a warning,
// not an error: requests are then counted in this process until it answers.
func (c config) limiter(ctx context.Context, log *slog.Logger) (limits.Limiter, func(), error) {
	if c.RedisURL == "" {
		log.Info("limits", "counted_in", "this process (LEARND_REDIS_URL is unset)")
		return limits.NewMemory(), func() {}, nil
	}
	target := "invalid URL"
	if u, err := url.Parse(c.RedisURL); err == nil {
		target = u.Redacted()
	}
	limits.LogRedisTo(log)
	r, err := limits.OpenRedis(c.RedisURL, limits.DefaultPrefix, log)
	if err != nil {
		return nil, nil, fmt.Errorf("LEARND_REDIS_URL: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.Ping(pctx); err != nil {
		log.Warn("limits: Redis does not answer; counting in this process until it does", "redis", target, "err", err)
	} else {
		log.Info("limits", "counted_in", "redis", "redis", target)
	}
	return r, func() { _ = r.Close() }, nil
}

// extractor is the source-material reader with the configured sandbox limits.
func (c config) extractor() extract.Extractor {
	return extract.Extractor{Limits: extract.Limits{
		Deadline: c.ExtractTimeout, CPU: c.ExtractCPU, Memory: c.ExtractMemoryMB << 20,
		Concurrent: c.ExtractConcurrency, QueueWait: c.ExtractQueueWait,
	}}
}

func loadConfig() (config, error) {
	var c config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if c.SigningKeyFile == "" {
		c.SigningKeyFile = filepath.Join(c.DataDir, "signing-key.pem")
	}
	if _, err := c.embedder(); err != nil { // LEARND_EMBEDDINGS_URL without a model
		return c, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// embedder embeds source-material chunks and retrieval queries (store.SetEmbedder): the
// OpenAI-compatible endpoint LEARND_EMBEDDINGS_URL when set, else the local embedder.
// trustedProxies parses LEARND_TRUSTED_PROXIES: CIDRs (or single addresses) of the proxies
// whose X-Forwarded-For names the client.
func (c config) trustedProxies() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range c.TrustedProxies {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			if ip := net.ParseIP(s); ip != nil && ip.To4() != nil {
				s += "/32"
			} else {
				s += "/128"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("LEARND_TRUSTED_PROXIES: %q is not a CIDR or an address", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func (c config) embedder() (embed.Embedder, error) {
	return embed.New(c.EmbeddingsURL, c.EmbeddingsModel, c.EmbeddingsAPIKey)
}

// openStore loads the configuration and opens the database for a short-lived command.
func openStore(ctx context.Context) (*store.Store, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if err := cfg.requireDatabase(); err != nil {
		return nil, err
	}
	return store.Open(ctx, cfg.DatabaseURL, store.Options{MaxOpenConns: 2, NoCallerCache: true})
}

// jobsConfig is the job queue's configuration.
func (c config) jobsConfig(log *slog.Logger) jobs.Config {
	return jobs.Config{
		DatabaseURL: c.DatabaseURL, SMTPURL: c.SMTPURL, From: c.MailFrom,
		Workers: c.JobWorkers, Logger: log,
		GenerationTimeout: c.AIJobTimeout, RescueStuckJobsAfter: c.JobRescueAfter,
		WebhookPrivateNetworks: c.Dev || c.WebhookPrivateNetworks,
	}
}

// aiConfig is the course generator's configuration (provider.New turns it into one).
func (c config) aiConfig() ai.Config {
	return ai.Config{URL: c.LLMURL, Model: c.LLMModel, APIKey: c.LLMAPIKey, ContextTokens: c.LLMContextTokens}
}

// mailTarget describes where mail goes, without credentials (for the log).
func (c config) mailTarget() string {
	if c.SMTPURL == "" {
		return "log (LEARND_SMTP_URL is unset)"
	}
	u, err := url.Parse(c.SMTPURL)
	if err != nil {
		return "invalid LEARND_SMTP_URL"
	}
	return u.Redacted()
}

func (c config) requireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set (make run and make test find or start a PostgreSQL for you)")
	}
	return nil
}

// authConfig is the token configuration. Outside dev mode the signing key must already
// exist (given inline or as a file); in dev mode it is generated once into the data dir.
func (c config) authConfig() auth.Config {
	return auth.Config{
		Issuer: c.Issuer, Audience: c.Audience,
		SigningKeyFile: c.SigningKeyFile, SigningKeyPEM: c.SigningKeyPEM,
		GenerateIfMissing: c.Dev,
		JWKSURL:           c.JWKSURL, PublicKeyFiles: c.PublicKeyFiles,
	}
}

// pageTokenKey is LEARND_PAGE_TOKEN_KEY, or else derived from the signing key so every
// replica sharing the key shares page tokens.
func (c config) pageTokenKey(iss *auth.Issuer) []byte {
	return c.derivedKey("learnd page tokens", c.PageTokenKey, iss)
}

// pseudonymKey is LEARND_PSEUDONYM_KEY, or else derived from the signing key (as the page
// token key is): the key of the aliases pseudonymising API keys see people under, the
// same on every replica. A new signing key gives everyone new aliases unless it is set.
func (c config) pseudonymKey(iss *auth.Issuer) []byte {
	return c.derivedKey("learnd pseudonyms", c.PseudonymKey, iss)
}

// derivedKey is a 32-byte key for purpose: from explicit when set, else from the signing
// key.
func (c config) derivedKey(purpose, explicit string, iss *auth.Issuer) []byte {
	if explicit != "" {
		sum := sha256.Sum256([]byte(purpose + "|" + explicit))
		return sum[:]
	}
	sum := sha256.Sum256([]byte(purpose + "|" + iss.KeyID() + "|" + c.SigningKeyPEM + "|" + readFile(c.SigningKeyFile)))
	return sum[:]
}

// devClientSecret is LEARND_DEV_CLIENT_SECRET, or one generated once into the data dir.
func (c config) devClientSecret() (string, error) {
	if c.DevClientSecret != "" {
		return c.DevClientSecret, nil
	}
	path := filepath.Join(c.DataDir, "dev-client-secret")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("dev client secret: %w", err)
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("dev client secret: %w", err)
	}
	secret := "dev_" + base64.RawURLEncoding.EncodeToString(b[:])
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("dev client secret: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("dev client secret: %w", err)
	}
	return secret, nil
}

func (c config) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" || (c.LogFormat == "" && c.Dev) {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
