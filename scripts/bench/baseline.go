package main

// The baseline: what learnd does per request with no framework. net/http's ServeMux, the
// token check (-jwt verifier: learnd's auth.Verifier.Verify; -jwt parse: bare jwx v3
// jwt.Parse with the same public keys, issuer, audience, required exp and leeway), then
// learnd's caller lookup (store.ResolveCaller: one pgx batch, the scope statement and
// callerSQL, in one round trip; banned users refused, the role capped by the user row's),
// pgx's own pool, and — per request — the transaction(s) with the statements learnd's
// store sends (copied from what GORM or the store puts on the wire; see sql.go and
// lms_sql.go), answering the JSON of learnd's API types (lms.go for /api/v2). Bodies are
// decoded with encoding/json and checked minimally: learnd additionally validates every
// request against the OpenAPI contract.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The auth package only loads the key; the check itself is bare jwx below.
	iss, err := auth.NewIssuer(auth.Config{SigningKeyFile: *keyFile})
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	ver, err := auth.NewVerifier(ctx, auth.Config{Issuer: *issuer, Audience: *audience}, iss)
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
	b := &baseline{pool: pool, keys: ver.KeySet(), issuer: *issuer, audience: *audience, leeway: auth.DefaultLeeway, pages: pages}
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
	mux.HandleFunc("GET /api/v1/learning/cohorts/{id}", b.authed(b.getCohort))
	mux.HandleFunc("PATCH /api/v1/learning/cohorts/{id}", b.authed(b.patchCohort))
	mux.HandleFunc("GET /api/v1/learning/cohorts", b.authed(b.listCohorts))
	mux.HandleFunc("POST /api/v1/learning/cohorts", b.authed(b.createCohort))
	mux.HandleFunc("GET /api/v2/users", b.authed(b.findUsers))
	mux.HandleFunc("GET /api/v2/users/{userId}/courses/assignments", b.authed(b.listUserAssignments))
	mux.HandleFunc("GET /api/v2/courses/{courseId}/statistics/users", b.authed(b.compliance))
	mux.HandleFunc("GET /api/v2/courses/{courseId}", b.authed(b.getCourse))

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
	log.Printf("baseline serving on %s", ln.Addr())
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

// authed verifies the bearer token with jwt.Parse and passes the caller on.
func (b *baseline) authed(h func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			problem(w, http.StatusUnauthorized, "send Authorization: Bearer <token>")
			return
		}
		if b.ver != nil {
			ap, err := b.ver.Verify(r.Context(), strings.TrimSpace(tok))
			if err != nil {
				problem(w, http.StatusUnauthorized, "the bearer token is invalid")
				return
			}
			b.identified(w, r, principal{tenant: ap.TenantID, appID: ap.AppID, personID: ap.PersonID, role: string(ap.Role), scopes: ap.Scopes}, h)
			return
		}
		t, err := jwt.Parse([]byte(strings.TrimSpace(tok)),
			jwt.WithKeySet(b.keys), jwt.WithValidate(true),
			jwt.WithIssuer(b.issuer), jwt.WithAudience(b.audience),
			jwt.WithRequiredClaim(jwt.ExpirationKey), jwt.WithAcceptableSkew(b.leeway))
		if err != nil {
			problem(w, http.StatusUnauthorized, "the bearer token is invalid")
			return
		}
		var p principal
		sub, _ := t.Subject()
		if p.personID, err = typeid.Parse(typeid.Person, sub); err != nil {
			problem(w, http.StatusUnauthorized, "sub is not a person id")
			return
		}
		if err := t.Get(auth.ClaimTenantID, &p.tenant); err != nil || p.tenant == "" {
			problem(w, http.StatusUnauthorized, "tenant_id is missing")
			return
		}
		_ = t.Get(auth.ClaimAppID, &p.appID)
		p.role = "learner"
		_ = t.Get(auth.ClaimRole, &p.role)
		scope := "read write"
		_ = t.Get(auth.ClaimScope, &scope)
		p.scopes = strings.Fields(strings.ReplaceAll(scope, ",", " "))
		b.identified(w, r, p, h)
	}
}

// identified is learnd's identity step after the token check (server.identify →
// store.ResolveCaller): one pgx batch, in one round trip, switches to the
// row-level-security role with the tenant and reads the caller's user row and the tenant's
// licence; a banned user is refused, and the role is never more than the user now holds.
func (b *baseline) identified(w http.ResponseWriter, r *http.Request, p principal, h func(http.ResponseWriter, *http.Request, principal)) {
	var c caller
	bt := &pgx.Batch{}
	bt.Queue(sqlCallerScope, p.tenant, "")
	bt.Queue(sqlCaller, p.personID).QueryRow(func(row pgx.Row) error { return c.scan(row) })
	if err := b.pool.SendBatch(r.Context(), bt).Close(); err != nil {
		serverError(w, fmt.Errorf("resolve caller: %w", err))
		return
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

// inTenant is learnd's store.inTenant: one transaction, scoped for row-level security.
func (b *baseline) inTenant(ctx context.Context, p principal, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlScope, p.tenant, p.appID); err != nil {
			return fmt.Errorf("scope transaction: %w", err)
		}
		return fn(tx)
	})
}

func (b *baseline) getCohort(w http.ResponseWriter, r *http.Request, p principal) {
	id, err := typeid.Parse(typeid.Cohort, r.PathValue("id"))
	if err != nil {
		problem(w, http.StatusBadRequest, "the id is malformed")
		return
	}
	var c cohortRow
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := queryCohort(r.Context(), tx, &c, sqlFor(sqlGet, p), getArgs(p, id)...); err != nil {
			return err
		}
		return fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c})
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "cohort "+r.PathValue("id")+" not found")
		return
	case err != nil:
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c.out())
}

type cursor struct {
	Order string    `json:"o"`
	Key   string    `json:"k"`
	ID    uuid.UUID `json:"i"`
}

type cohortList struct {
	Data          []cohortOut `json:"data"`
	NextPageToken *string     `json:"next_page_token,omitempty"`
	HasMore       bool        `json:"has_more"`
}

// listCohorts serves the newest-first list with page_size and page_token; other filters
// are not part of the benchmark.
func (b *baseline) listCohorts(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	size := 20
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			problem(w, http.StatusBadRequest, "page_size must be 1..100")
			return
		}
		size = n
	}
	const order = "-created_at"
	var after *cursor
	if tok := q.Get("page_token"); tok != "" {
		var c cursor
		if err := b.pages.Decode("cohorts", tok, &c); err != nil || c.Order != order {
			problem(w, http.StatusBadRequest, "page_token is invalid")
			return
		}
		after = &c
	}
	rows := make([]cohortRow, 0, size+1)
	more := false
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		var res pgx.Rows
		var err error
		if after == nil {
			res, err = tx.Query(r.Context(), sqlFor(sqlList, p), listArgs(p, size+1)...)
		} else {
			res, err = tx.Query(r.Context(), sqlFor(sqlListAfter, p), listAfterArgs(p, after.Key, after.ID, size+1)...)
		}
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			rows = append(rows, cohortRow{})
			if err := scanCohort(res, &rows[len(rows)-1]); err != nil {
				return err
			}
		}
		more = len(rows) > size
		return res.Err()
	})
	if err != nil {
		serverError(w, err)
		return
	}
	if len(rows) > size {
		rows = rows[:size]
	}
	// learnd's CohortRepo.List fills the completion of the page in a second transaction,
	// only when some cohort of the page has a group.
	cs := make([]*cohortRow, 0, len(rows))
	grouped := false
	for i := range rows {
		cs = append(cs, &rows[i])
		grouped = grouped || rows[i].GroupID != nil
	}
	if grouped {
		if err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error { return fillCompletion(r.Context(), tx, p.tenant, cs) }); err != nil {
			serverError(w, err)
			return
		}
	}
	out := cohortList{Data: make([]cohortOut, 0, size)}
	if more {
		last := rows[size-1]
		tok, err := b.pages.Encode("cohorts", cursor{Order: order, Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	for i := range rows {
		out.Data = append(out.Data, rows[i].out())
	}
	writeJSON(w, http.StatusOK, out)
}

// cohortIn is the writable part of a cohort as a create body carries it.
type cohortIn struct {
	Name                  *string        `json:"name"`
	ProgramID             *string        `json:"program_id"`
	GroupID               *string        `json:"group_id"`
	StartDate             *time.Time     `json:"start_date"`
	EndDate               *time.Time     `json:"end_date"`
	Status                *string        `json:"status"`
	SessionCount          *int           `json:"session_count"`
	FacilitatorIDs        []string       `json:"facilitator_ids"`
	AssignedAssessmentIDs []string       `json:"assigned_assessment_ids"`
	CompletionRequiredPct *float64       `json:"completion_required_pct"`
	Metadata              map[string]any `json:"metadata"`
	Tags                  []string       `json:"tags"`
	Source                *string        `json:"source"`
	SourceType            *string        `json:"source_type"`
}

func (b *baseline) createCohort(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.canWrite() {
		problem(w, http.StatusForbidden, "this action needs the write scope and the manager role or above")
		return
	}
	var in cohortIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON")
		return
	}
	if in.Name == nil || *in.Name == "" {
		problem(w, http.StatusUnprocessableEntity, "name is required")
		return
	}
	ts := time.Now().UTC().Truncate(time.Microsecond)
	c := cohortRow{
		TenantID: p.tenant, ID: uuid.Must(uuid.NewV7()), CreatedAt: ts, UpdatedAt: ts,
		CreatedBy: &p.personID, UpdatedBy: &p.personID, Source: "edm", SourceType: "api",
		SchemaVersion: 1, Version: 1, Status: "draft",
		FacilitatorIDs: []string{}, AssignedAssessmentIDs: []string{}, Metadata: map[string]any{}, Tags: []string{},
	}
	if p.appID != "" {
		c.AppID = &p.appID
	}
	if err := c.apply(in); err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := queryCohort(r.Context(), tx, &c, sqlInsert, c.insertArgs()...); err != nil {
			return err
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		return audit(r.Context(), tx, p, requestID(r), "cohort.create", nil, &c)
	})
	if err != nil {
		serverError(w, err)
		return
	}
	out := c.out()
	w.Header().Set("ETag", etag(c.Version))
	w.Header().Set("Location", "/api/v1/learning/cohorts/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

func (c *cohortRow) apply(in cohortIn) error {
	if in.Name != nil {
		c.Name = *in.Name
	}
	c.ProgramID = in.ProgramID
	if in.GroupID != nil {
		g, err := typeid.Parse(typeid.Group, *in.GroupID)
		if err != nil {
			return errors.New("group_id must be a grp_… id")
		}
		c.GroupID = &g
	}
	c.StartDate, c.EndDate = in.StartDate, in.EndDate
	if in.Status != nil {
		c.Status = *in.Status
	}
	c.SessionCount = in.SessionCount
	if in.FacilitatorIDs != nil {
		c.FacilitatorIDs = in.FacilitatorIDs
	}
	if in.AssignedAssessmentIDs != nil {
		c.AssignedAssessmentIDs = in.AssignedAssessmentIDs
	}
	c.CompletionRequiredPct = in.CompletionRequiredPct
	if in.Metadata != nil {
		c.Metadata = in.Metadata
	}
	if in.Tags != nil {
		c.Tags = in.Tags
	}
	if in.Source != nil {
		c.Source = *in.Source
	}
	if in.SourceType != nil {
		c.SourceType = *in.SourceType
	}
	return nil
}

// patchCohort applies a JSON Merge Patch under If-Match: lock, check the version, merge,
// write every writable column with the version bumped.
func (b *baseline) patchCohort(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.canWrite() {
		problem(w, http.StatusForbidden, "this action needs the write scope and the manager role or above")
		return
	}
	id, err := typeid.Parse(typeid.Cohort, r.PathValue("id"))
	if err != nil {
		problem(w, http.StatusBadRequest, "the id is malformed")
		return
	}
	var patch map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON")
		return
	}
	expected := 0
	if im := r.Header.Get("If-Match"); im != "" {
		v, err := strconv.Atoi(strings.Trim(strings.TrimSpace(im), `"`))
		if err != nil || v < 1 {
			problem(w, http.StatusBadRequest, "If-Match must be one version as returned in ETag")
			return
		}
		expected = v
	} else if raw, ok := patch["version"]; ok {
		if err := json.Unmarshal(raw, &expected); err != nil {
			problem(w, http.StatusBadRequest, "version must be an integer")
			return
		}
	} else {
		problem(w, http.StatusPreconditionRequired, "send If-Match with the version you read, or a version field in the body")
		return
	}
	var c cohortRow
	var stale, invalid error
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := queryCohort(r.Context(), tx, &c, sqlFor(sqlLock, p), getArgs(p, id)...); err != nil {
			return err
		}
		if c.Version != expected {
			stale = fmt.Errorf("version %d is stale; the current version is %d", expected, c.Version)
			return stale
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		before := c.auditView()
		if invalid = c.merge(patch); invalid != nil {
			return invalid
		}
		c.Version++
		c.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		c.UpdatedBy = &p.personID
		if err := queryCohort(r.Context(), tx, &c, sqlUpdate, c.updateArgs()...); err != nil {
			return err
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		return audit(r.Context(), tx, p, requestID(r), "cohort.update", before, &c)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "cohort "+r.PathValue("id")+" not found")
		return
	case stale != nil:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusPreconditionFailed)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "https://learnd.dev/problems/precondition-failed",
			"title": "Precondition failed", "status": 412, "detail": stale.Error(), "current_version": c.Version})
		return
	case invalid != nil:
		problem(w, http.StatusUnprocessableEntity, invalid.Error())
		return
	case err != nil:
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c.out())
}

// merge applies the members of a merge patch that name writable fields; null clears.
func (c *cohortRow) merge(patch map[string]json.RawMessage) error {
	for k, raw := range patch {
		null := string(raw) == "null"
		var err error
		switch k {
		case "name":
			err = json.Unmarshal(raw, &c.Name)
		case "program_id":
			c.ProgramID = nil
			if !null {
				err = json.Unmarshal(raw, &c.ProgramID)
			}
		case "group_id":
			c.GroupID = nil
			if !null {
				var s string
				if err = json.Unmarshal(raw, &s); err == nil {
					var g uuid.UUID
					if g, err = typeid.Parse(typeid.Group, s); err == nil {
						c.GroupID = &g
					}
				}
			}
		case "start_date":
			c.StartDate = nil
			if !null {
				err = json.Unmarshal(raw, &c.StartDate)
			}
		case "end_date":
			c.EndDate = nil
			if !null {
				err = json.Unmarshal(raw, &c.EndDate)
			}
		case "status":
			err = json.Unmarshal(raw, &c.Status)
		case "session_count":
			c.SessionCount = nil
			if !null {
				err = json.Unmarshal(raw, &c.SessionCount)
			}
		case "completion_required_pct":
			c.CompletionRequiredPct = nil
			if !null {
				err = json.Unmarshal(raw, &c.CompletionRequiredPct)
			}
		case "facilitator_ids":
			err = json.Unmarshal(raw, &c.FacilitatorIDs)
		case "assigned_assessment_ids":
			err = json.Unmarshal(raw, &c.AssignedAssessmentIDs)
		case "metadata":
			var m map[string]any
			if err = json.Unmarshal(raw, &m); err == nil {
				for mk, mv := range m {
					if mv == nil {
						delete(c.Metadata, mk)
					} else {
						c.Metadata[mk] = mv
					}
				}
			}
		case "tags":
			err = json.Unmarshal(raw, &c.Tags)
		case "source":
			err = json.Unmarshal(raw, &c.Source)
		case "source_type":
			err = json.Unmarshal(raw, &c.SourceType)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
	}
	if c.Name == "" {
		return errors.New("name must not be empty")
	}
	return nil
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
