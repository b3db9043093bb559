package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/storetest"
)

// e2eOutage takes env's database away from the server and gives it back: Block refuses
// new connections to it and terminates every one but the test's own (as a PostgreSQL
// restart or a network cut does), Unblock lets connections in again.
// It works from the admin database, so the test's own connections to env's database
// (e2eOpenDB) go too.
type e2eOutage struct {
	t    *testing.T
	db   *pgx.Conn // to the admin database
	name string    // env's database
}

func e2eNewOutage(t *testing.T, env *servertest.Env) *e2eOutage {
	t.Helper()
	u, err := url.Parse(env.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	o := &e2eOutage{t: t, db: db, name: strings.TrimPrefix(u.Path, "/")}
	t.Cleanup(func() {
		o.Unblock()
		_ = db.Close(context.Background())
	})
	return o
}

func (o *e2eOutage) exec(sql string, args ...any) {
	o.t.Helper()
	if _, err := o.db.Exec(context.Background(), sql, args...); err != nil {
		o.t.Fatalf("%s: %v", sql, err)
	}
}

func (o *e2eOutage) Block() {
	o.t.Helper()
	o.exec(`ALTER DATABASE ` + pgx.Identifier{o.name}.Sanitize() + ` ALLOW_CONNECTIONS false`)
	o.exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, o.name)
}

func (o *e2eOutage) Unblock() {
	o.t.Helper()
	o.exec(`ALTER DATABASE ` + pgx.Identifier{o.name}.Sanitize() + ` ALLOW_CONNECTIONS true`)
}

// e2eCheckUnavailable checks a 503 database_unavailable problem with a Retry-After of a
// few seconds.
func e2eCheckUnavailable(t *testing.T, what string, r e2eRaw) {
	t.Helper()
	if r.Status != http.StatusServiceUnavailable {
		t.Errorf("%s: %d %s, want 503", what, r.Status, r.Body)
		return
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 30 {
		t.Errorf("%s: Retry-After %q, want a few seconds", what, r.Header.Get("Retry-After"))
	}
	p := e2eProblem(t, r)
	if p.Code == nil || *p.Code != "database_unavailable" || p.Type != "https://learnd.dev/problems/database-unavailable" ||
		p.Status != 503 || p.Title != "Service unavailable" || p.Detail == nil || *p.Detail == "" || p.RequestId == nil || *p.RequestId != r.Header.Get("X-Request-Id") {
		t.Errorf("%s: problem %s", what, r.Body)
	}
}

// TestE2EDatabaseUnavailable: while the database is unreachable every request that needs
// it is a 503 database_unavailable with Retry-After (not a 500 internal), reads and
// writes alike; once it is back, requests succeed again without a restart.
func TestE2EDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	cohorts := env.URL + "/api/v1/learning/cohorts"
	if r := e2eDo(t, http.MethodGet, cohorts, who.Token, nil, nil); r.Status != http.StatusOK {
		t.Fatalf("list before the outage: %d %s", r.Status, r.Body)
	}
	out := e2eNewOutage(t, env)
	out.Block()
	e2eCheckUnavailable(t, "list", e2eDo(t, http.MethodGet, cohorts, who.Token, nil, nil))
	e2eCheckUnavailable(t, "create", e2eDo(t, http.MethodPost, cohorts, who.Token, map[string]any{"name": "during the outage"}, nil))
	e2eCheckUnavailable(t, "create with Idempotency-Key", e2eDo(t, http.MethodPost, cohorts, who.Token, map[string]any{"name": "during the outage"},
		map[string]string{"Idempotency-Key": "outage-1"}))
	e2eCheckUnavailable(t, "v2 list", e2eDo(t, http.MethodGet, env.URL+"/api/v2/users", who.Token, nil, nil))
	out.Unblock()
	e2eEventually(t, 5*time.Second, "list after the outage", func() (bool, string) {
		r := e2eDo(t, http.MethodGet, cohorts, who.Token, nil, nil)
		return r.Status == http.StatusOK, string(r.Body)
	})
	// The key of the create refused during the outage was never left claimed.
	r := e2eDo(t, http.MethodPost, cohorts, who.Token, map[string]any{"name": "during the outage"}, map[string]string{"Idempotency-Key": "outage-1"})
	if r.Status != http.StatusCreated {
		t.Errorf("create with the outage's key afterwards: %d %s", r.Status, r.Body)
	}
}

// e2eEventually polls ok until it holds or within passes.
func e2eEventually(t *testing.T, within time.Duration, what string, ok func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		done, last := ok()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; last %s", what, within, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
