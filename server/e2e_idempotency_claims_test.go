package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// e2eSlowCohorts makes inserting a cohort named name take d (a trigger), so a create can
// be cut off while its transaction runs.
func e2eSlowCohorts(t *testing.T, db *pgx.Conn, name string, d time.Duration) {
	t.Helper()
	_, err := db.Exec(context.Background(), `CREATE FUNCTION e2e_slow_cohort() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name = '`+name+`' THEN PERFORM pg_sleep(`+strconv.FormatFloat(d.Seconds(), 'f', 3, 64)+`); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER e2e_slow_cohort BEFORE INSERT ON cohorts FOR EACH ROW EXECUTE FUNCTION e2e_slow_cohort()`)
	if err != nil {
		t.Fatal(err)
	}
}

// e2eIdemPost sends a create of a cohort named name with an Idempotency-Key; a zero
// status means the client gave up (ctx ended).
func e2eIdemPost(ctx context.Context, t *testing.T, env *servertest.Env, token, key, name string) e2eRaw {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.URL+"/api/v1/learning/cohorts", bytes.NewReader([]byte(`{"name":"`+name+`"}`)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return e2eRaw{}
	}
	defer func() { _ = res.Body.Close() }()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return e2eRaw{Status: res.StatusCode, Header: res.Header, Body: b.Bytes()}
}

// e2eRetryUntilDone retries a create with the same key while it answers 409 (each 409
// with a Retry-After of a few seconds) and returns the first other answer, failing when
// none comes within limit.
func e2eRetryUntilDone(t *testing.T, env *servertest.Env, token, key, name string, limit time.Duration) e2eRaw {
	t.Helper()
	deadline := time.Now().Add(limit)
	for checked := false; ; checked = true {
		r := e2eIdemPost(e2eCtx(t), t, env, token, key, name)
		if r.Status != http.StatusConflict {
			return r
		}
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); !checked && (err != nil || s < 1 || s > 10) {
			t.Errorf("409 with Retry-After %q, want a few seconds", r.Header.Get("Retry-After"))
		}
		if p := e2eProblem(t, r); p.Code == nil || *p.Code != "idempotency_in_flight" {
			t.Fatalf("409 %s", r.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the key is still claimed %v after its request ended: %s", limit, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestE2EIdempotencyClaimReleasedWhenClientLeaves: a client that gives up on a create
// while its transaction runs (its request's context is cancelled) leaves no claim behind:
// a retry with the same key right after runs the create instead of answering 409 for a
// minute, and exactly one record results.
func TestE2EIdempotencyClaimReleasedWhenClientLeaves(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	e2eSlowCohorts(t, db, "slow cohort", 1500*time.Millisecond)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if r := e2eIdemPost(ctx, t, env, who.Token, "leave-1", "slow cohort"); r.Status != 0 {
		t.Fatalf("first create answered %d before the client left: %s", r.Status, r.Body)
	}
	r := e2eRetryUntilDone(t, env, who.Token, "leave-1", "slow cohort", 5*time.Second)
	if r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry: %d replayed=%q %s", r.Status, r.Header.Get("Idempotent-Replayed"), r.Body)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM cohorts WHERE name = 'slow cohort'`); n != 1 {
		t.Errorf("%d cohorts, want 1", n)
	}
}

// TestE2EIdempotencyClaimReleasedAfterOutage: a create whose database connection breaks
// mid-transaction is a 503 with Retry-After, and its claim does not outlive it: although
// the database refused the release at that moment, a retry soon after the database is
// back runs the create instead of answering 409 for a minute.
func TestE2EIdempotencyClaimReleasedAfterOutage(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	e2eSlowCohorts(t, db, "outage cohort", 1500*time.Millisecond)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	out := e2eNewOutage(t, env)

	first := make(chan e2eRaw, 1)
	go func() { first <- e2eIdemPost(e2eCtx(t), t, env, who.Token, "outage-2", "outage cohort") }()
	time.Sleep(500 * time.Millisecond) // inside the slow insert
	out.Block()
	e2eCheckUnavailable(t, "create cut off by the outage", <-first)
	time.Sleep(time.Second)
	out.Unblock()
	r := e2eRetryUntilDone(t, env, who.Token, "outage-2", "outage cohort", 8*time.Second)
	if r.Status != http.StatusCreated {
		t.Fatalf("retry after the outage: %d %s", r.Status, r.Body)
	}
	if n := e2eCount(t, e2eOpenDB(t, env), `SELECT count(*) FROM cohorts WHERE name = 'outage cohort'`); n != 1 { // db went with the outage
		t.Errorf("%d cohorts, want 1", n)
	}
}

// TestE2EIdempotencyDeadClaim: a claim lapses shortly after its request's deadline, so
// one left pending by a process that died is taken over then, not after a minute (or the
// day a stored response is kept); while its request still runs, the key answers 409 with
// Retry-After.
func TestE2EIdempotencyDeadClaim(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	e2eSlowCohorts(t, db, "still running", 1500*time.Millisecond)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	// Stored keys are namespaced by the caller: application, API key, person.
	stored := func(key string) string { return "||" + who.Subject + "|" + key }
	lapsesIn := func(key string) (state string, secs float64) {
		t.Helper()
		err := db.QueryRow(context.Background(), `SELECT state, extract(epoch FROM expires_at - now())::float8 FROM idempotency_keys WHERE key = $1`, stored(key)).Scan(&state, &secs)
		if err != nil {
			t.Fatalf("claim of %s: %v", key, err)
		}
		return state, secs
	}

	// A process died holding this claim: its request's deadline passed 5 s ago.
	fp := sha256.Sum256([]byte(`POST /api/v1/learning/cohorts` + "\n" + `{"name":"after a crash"}`))
	_, err := db.Exec(context.Background(), `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, created_at, expires_at)
VALUES ('acme', $1, $2, 'pending', now() - interval '20 seconds', now() - interval '5 seconds')`, stored("dead-1"), fp[:])
	if err != nil {
		t.Fatal(err)
	}
	if r := e2eIdemPost(e2eCtx(t), t, env, who.Token, "dead-1", "after a crash"); r.Status != http.StatusCreated {
		t.Fatalf("create over a dead claim: %d %s", r.Status, r.Body)
	}
	if state, secs := lapsesIn("dead-1"); state != "done" || secs < 23*3600 {
		t.Errorf("taken-over key: %s, kept %.0f s; want done and kept for the replay window", state, secs)
	}

	// A running request's claim lapses with its deadline (60 s by default, plus a grace).
	first := make(chan e2eRaw, 1)
	go func() { first <- e2eIdemPost(e2eCtx(t), t, env, who.Token, "live-1", "still running") }()
	time.Sleep(500 * time.Millisecond)
	if state, secs := lapsesIn("live-1"); state != "pending" || secs < 50 || secs > 75 {
		t.Errorf("running request's claim: %s, lapses in %.0f s; want pending, lapsing within seconds of the 60 s deadline", state, secs)
	}
	r := e2eIdemPost(e2eCtx(t), t, env, who.Token, "live-1", "still running")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); r.Status != http.StatusConflict || err != nil || s < 1 || s > 10 {
		t.Errorf("create over a running claim: %d Retry-After %q %s; want 409 with a Retry-After of a few seconds", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	if p := e2eProblem(t, r); p.Code == nil || *p.Code != "idempotency_in_flight" {
		t.Errorf("409 %s", r.Body)
	}
	if r := <-first; r.Status != http.StatusCreated {
		t.Fatalf("running create: %d %s", r.Status, r.Body)
	}
}
