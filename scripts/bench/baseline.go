package main

// The baseline: what learnd does per request with no framework. net/http's ServeMux, the
// token check (-jwt verifier: learnd's auth.Verifier.Verify; -jwt parse: bare jwx v3
// jwt.Parse with the same public keys, issuer, audience, required exp and leeway), then
// learnd's caller lookup (store.ResolveCaller: cached per process for a minute, else one
// pgx batch, the scope statement and callerSQL, in one round trip; banned users refused,
// the role capped by the user row's),
// pgx's own pool, and — per request — the transaction(s) with the statements learnd's
// store sends (copied from what GORM or the store puts on the wire; see sql.go and
// lms_sql.go), answering the JSON of learnd's API types (lms.go for /api/v2). Bodies are
// decoded with encoding/json and checked minimally: learnd additionally validates every
// request against the OpenAPI contract. -mode bare serves the same routes the way a minimal
// server would (bare.go): one statement per request, no caller lookup, no row-level security.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // on DefaultServeMux, served only with -pprof
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/pagetoken"
	"github.com/learnd/learnd/typeid"
)

type baseline struct {
	pool     *pgxpool.Pool
	ver      *auth.Verifier // -jwt verifier only
	keys     jwk.Set
	issuer   string
	audience string
	leeway   time.Duration
	pages    *pagetoken.Codec
	bare     bool // -mode bare (bare.go): no caller lookup, one statement per request
	callers  callerCache
}

func baselineCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	dsn := fs.String("db", "", "database URL")
	keyFile := fs.String("signing-key", "", "learnd's signing key PEM (its public half verifies tokens)")
	issuer := fs.String("issuer", auth.DefaultIssuer, "required iss")
	audience := fs.String("audience", auth.DefaultAudience, "required aud")
	maxConns := fs.Int("max-conns", 20, "pgxpool MaxConns (learnd: LEARND_DB_MAX_CONNS, default 20)")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this address (profiling only)")
	jwtMode := fs.String("jwt", "parse", "token check: parse (bare jwx jwt.Parse, the default) or verifier (learnd's auth.Verifier.Verify, to isolate the framework)")
	mode := fs.String("mode", "mirrored", "mirrored (learnd's caller lookup and store statements) or bare (bare.go: one statement per request, no caller lookup, no RLS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *mode != "mirrored" && *mode != "bare" {
		return fmt.Errorf("-mode must be mirrored or bare")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The auth package loads the key; with -jwt parse the check itself is bare jwx (verify).
	iss, err := auth.NewIssuer(auth.Config{SigningKeyFile: *keyFile})
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	// The mirrored baseline checks tokens as learnd does, remembered signatures included;
	// the bare one checks every signature, as a minimal server would.
	acfg := auth.Config{Issuer: *issuer, Audience: *audience}
	if *mode == "bare" {
		acfg.VerifiedCache = -1
	}
	ver, err := auth.NewVerifier(ctx, acfg, iss)
	if err != nil {
		return err
	}
	pcfg, err := pgxpool.ParseConfig(*dsn)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	pcfg.MaxConns = int32(*maxConns)
	// Only tags the connections for the load generator's SQL sampler (pg_stat_activity).
	pcfg.ConnConfig.RuntimeParams["application_name"] = baselineAppName
	if *mode == "bare" {
		pcfg.ConnConfig.RuntimeParams["application_name"] = bareAppName
	}
	pcfg.MaxConnLifetime = 30 * time.Minute // learnd: ConnMaxLife 30m
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("pool: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	pages, err := pagetoken.New([]byte("baseline page tokens, 32 bytes or more ......"))
	if err != nil {
		return err
	}
	b := &baseline{pool: pool, keys: ver.KeySet(), issuer: *issuer, audience: *audience, leeway: auth.DefaultLeeway, pages: pages, bare: *mode == "bare"}
	switch *jwtMode {
	case "parse":
	case "verifier":
		b.ver = ver
	default:
		return fmt.Errorf("-jwt must be parse or verifier")
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	if b.bare {
		if err := b.bareRoutes(ctx, mux); err != nil {
			return err
		}
	} else {
		mux.HandleFunc("GET /api/v1/learning/cohorts/{id}", b.authed(b.getCohort))
		mux.HandleFunc("PATCH /api/v1/learning/cohorts/{id}", b.authed(b.patchCohort))
		mux.HandleFunc("GET /api/v1/learning/cohorts", b.authed(b.listCohorts))
		mux.HandleFunc("POST /api/v1/learning/cohorts", b.authed(b.createCohort))
		mux.HandleFunc("GET /api/v2/users", b.authed(b.findUsers))
		mux.HandleFunc("GET /api/v2/users/{userId}/courses/assignments", b.authed(b.listUserAssignments))
		mux.HandleFunc("GET /api/v2/courses/{courseId}/statistics/users", b.authed(b.compliance))
		mux.HandleFunc("GET /api/v2/courses/{courseId}", b.authed(b.getCourse))
	}

	if *pprofAddr != "" {
		go func() { log.Println(http.ListenAndServe(*pprofAddr, nil)) }() // DefaultServeMux: pprof only
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Printf("baseline (%s) serving on %s", *mode, ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// principal is the caller, as learnd's auth.Principal carries it.
type principal struct {
	tenant   string
	appID    string
	personID uuid.UUID
	role     string
	scopes   []string
}

func (p principal) canWrite() bool {
	switch p.role {
	case "owner", "admin", "manager":
	default:
		return false
	}
	for _, s := range p.scopes {
		if s == "write" {
			return true
		}
	}
	return false
}

// authed verifies the bearer token and passes the caller on, through learnd's caller
// lookup (identified) — or straight to the handler in -mode bare.
func (b *baseline) authed(h func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, detail := b.verify(r)
		if detail != "" {
			problem(w, http.StatusUnauthorized, detail)
			return
		}
		if b.bare {
			h(w, r, p)
			return
		}
		b.identified(w, r, p, h)
	}
}

// verify checks the bearer token (-jwt verifier: learnd's auth.Verifier.Verify; -jwt
// parse: jwx jwt.Parse) and reads the caller from its claims; detail says why not.
func (b *baseline) verify(r *http.Request) (principal, string) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return principal{}, "send Authorization: Bearer <token>"
	}
	if b.ver != nil {
		ap, err := b.ver.Verify(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			return principal{}, "the bearer token is invalid"
		}
		return principal{tenant: ap.TenantID, appID: ap.AppID, personID: ap.PersonID, role: string(ap.Role), scopes: ap.Scopes}, ""
	}
	t, err := jwt.Parse([]byte(strings.TrimSpace(tok)),
		jwt.WithKeySet(b.keys), jwt.WithValidate(true),
		jwt.WithIssuer(b.issuer), jwt.WithAudience(b.audience),
		jwt.WithRequiredClaim(jwt.ExpirationKey), jwt.WithAcceptableSkew(b.leeway))
	if err != nil {
		return principal{}, "the bearer token is invalid"
	}
	var p principal
	sub, _ := t.Subject()
	if p.personID, err = typeid.Parse(typeid.Person, sub); err != nil {
		return principal{}, "sub is not a person id"
	}
	if err := t.Get(auth.ClaimTenantID, &p.tenant); err != nil || p.tenant == "" {
		return principal{}, "tenant_id is missing"
	}
	_ = t.Get(auth.ClaimAppID, &p.appID)
	p.role = "learner"
	_ = t.Get(auth.ClaimRole, &p.role)
	scope := "read write"
	_ = t.Get(auth.ClaimScope, &scope)
	p.scopes = strings.Fields(strings.ReplaceAll(scope, ",", " "))
	return p, ""
}

// identified is learnd's identity step after the token check (server.identify →
// store.ResolveCaller): from the process's caller cache (callers.go) when it holds the
// caller, else one pgx batch, in one round trip, that switches to the row-level-security
// role with the tenant and reads the caller's user row and the tenant's licence; a banned
// user is refused, and the role is never more than the user now holds.
func (b *baseline) identified(w http.ResponseWriter, r *http.Request, p principal, h func(http.ResponseWriter, *http.Request, principal)) {
	k, now := callerCacheKey{tenant: p.tenant, person: p.personID}, time.Now()
	c, ok := b.callers.get(k, now)
	if !ok {
		bt := &pgx.Batch{}
		bt.Queue(sqlCallerScope, p.tenant, "")
		bt.Queue(sqlCaller, p.personID).QueryRow(func(row pgx.Row) error { return c.scan(row) })
		if err := b.pool.SendBatch(r.Context(), bt).Close(); err != nil {
			serverError(w, fmt.Errorf("resolve caller: %w", err))
			return
		}
		b.callers.put(k, c, now)
	}
	if c.banned {
		problem(w, http.StatusUnauthorized, "this user is banned")
		return
	}
	if c.known && !auth.Role(c.role).AtLeast(auth.Role(p.role)) {
		p.role = c.role
	}
	h(w, r, p)
}

// inTenant is the transaction learnd's store opened before it pipelined its statements:
// BEGIN and the scope statement in one simple-protocol query (one round trip), then each
// statement and the COMMIT in round trips of their own (scopeBegin, sql_refs.go). The
// mirrored baseline keeps that sequence as the reference learnd's pipelining is measured
// against (store.InTenant, store.Read).
func (b *baseline) inTenant(ctx context.Context, p principal, fn func(tx pgx.Tx) error) error {
	opts, err := scopeBegin(p)
	if err != nil {
		return err
	}
	return pgx.BeginTxFunc(ctx, b.pool, opts, fn)
}

// requestID is the caller's X-Request-Id or a fresh one, as learnd's middleware makes it
// (the audit log records it).
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 128 {
		return id
	}
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func etag(v int) string { return `"` + strconv.Itoa(v) + `"` }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var problemSlugs = map[int]string{400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
	412: "precondition-failed", 422: "validation-failed", 428: "precondition-required", 500: "internal"}

func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "https://learnd.dev/problems/" + problemSlugs[status], "title": http.StatusText(status),
		"status": status, "detail": detail,
	})
}

func serverError(w http.ResponseWriter, err error) {
	log.Printf("internal error: %v", err)
	problem(w, http.StatusInternalServerError, "")
}
