package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
)

// expSeedAudit writes n audit rows of f's tenant, each about 1.1 kB of CSV.
func expSeedAudit(f *rptFix, n int) {
	f.exec(`INSERT INTO audit_log (tenant_id, id, created_at, surface, action, target_type, target_id, after)
SELECT $1, gen_random_uuid(), now() - n * interval '1 millisecond', 'api', 'bulk.write', 'user', 'target-' || n,
  jsonb_build_object('padding', repeat('x', 1000))
FROM generate_series(1, $2::int) n`, f.tenant, n)
}

// expOpen starts a CSV export of the audit log and returns the response with its body
// unread.
func expOpen(t *testing.T, env *servertest.Env, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", env.URL+"/api/v2/audit?format=csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Transport{}).RoundTrip(req) // its own connection, closed with the body
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	return res
}

// expExporting counts the goroutines of running exports (streamCSV's producer).
func expExporting() int {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "streamCSV.func")
}

// expEventually waits up to 10 s for ok.
func expEventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Not parallel: it counts the export goroutines of the whole test binary.
func TestE2EExportClientGoesAway(t *testing.T) {
	env := servertest.Start(t)
	f := rptNewFix(t, env, "exp-gone")
	owner := f.user("Owner", auth.RoleOwner, false)
	expSeedAudit(f, 50_000) // ~55 MB: far more than the socket buffers hold
	expGet(t, env, owner.Token, "/api/v2/audit", nil, "")
	base := env.Store.PoolStats().AcquiredConns() // the store's own (LISTEN), if any

	for _, c := range []struct {
		name string
		read int64 // bytes read before hanging up
	}{
		{"after the header", 10},
		{"mid-stream", 1 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := expOpen(t, env, owner.Token)
			defer res.Body.Close() // a failure below must not leave the export running
			if _, err := io.CopyN(io.Discard, res.Body, c.read); err != nil {
				t.Fatal(err)
			}
			if env.Store.PoolStats().AcquiredConns() <= base || expExporting() == 0 {
				t.Fatalf("the export is not running: %d connections, %d goroutines", env.Store.PoolStats().AcquiredConns(), expExporting())
			}
			// Stop reading until every buffer on the way is full: the export then waits on
			// the client, not on the database, when the client hangs up.
			time.Sleep(500 * time.Millisecond)
			_ = res.Body.Close() // hang up
			expEventually(t, "the export's goroutine ends", func() bool { return expExporting() == 0 })
			expEventually(t, "the export's connection goes back to the pool", func() bool { return env.Store.PoolStats().AcquiredConns() == base })
		})
	}
	// The server still exports.
	r := expGet(t, env, owner.Token, "/api/v2/audit", nil, "text/csv")
	if n := strings.Count(string(r.Body), "\r\n"); r.Status != 200 || n < 50_001 {
		t.Errorf("after the hang-ups: %d, %d lines", r.Status, n)
	}
}

// Not parallel: it ends the database sessions that read the audit log.
func TestE2EExportCutShort(t *testing.T) {
	env := servertest.Start(t)
	f := rptNewFix(t, env, "exp-cut")
	owner := f.user("Owner", auth.RoleOwner, false)
	expSeedAudit(f, 50_000)
	expGet(t, env, owner.Token, "/api/v2/audit", nil, "")
	base := env.Store.PoolStats().AcquiredConns()

	res := expOpen(t, env, owner.Token)
	defer func() { _ = res.Body.Close() }()
	if _, err := io.CopyN(io.Discard, res.Body, 1<<16); err != nil {
		t.Fatal(err)
	}
	// The database goes away mid-export: its session is ended.
	var ended int
	if err := f.db.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%FROM audit_log%' AND query NOT LIKE '%LIMIT%'`).Scan(&ended); err != nil || ended != 1 {
		t.Fatalf("ended %d sessions: %v", ended, err)
	}
	// The client must not take what it got for the whole file: the transfer breaks.
	_, err := io.Copy(io.Discard, res.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the rest: %v, want an unexpected EOF", err)
	}
	expEventually(t, "the export's connection goes back to the pool", func() bool { return env.Store.PoolStats().AcquiredConns() == base })
}

// An export's time budget is Timeouts.Long, not Write: a slow reader gets the whole file
// within Long, and an export that outlasts Long is cut (the transfer breaks) and gives
// its connection back.
func TestE2EExportTimeBudget(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		timeouts server.Timeouts
		complete bool
	}{
		{"within the long budget, past the write timeout", server.Timeouts{Write: time.Second, Long: time.Minute}, true},
		{"past the long budget", server.Timeouts{Write: time.Minute, Long: time.Second}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := servertest.Start(t, servertest.Options{Timeouts: c.timeouts})
			f := rptNewFix(t, env, "exp-budget")
			owner := f.user("Owner", auth.RoleOwner, false)
			expSeedAudit(f, 20_000) // ~22 MB
			expGet(t, env, owner.Token, "/api/v2/audit", nil, "")
			base := env.Store.PoolStats().AcquiredConns()

			res := expOpen(t, env, owner.Token)
			defer func() { _ = res.Body.Close() }()
			if _, err := io.CopyN(io.Discard, res.Body, 1<<16); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Second) // a slow reader
			n, err := io.Copy(io.Discard, res.Body)
			switch {
			case c.complete && err != nil:
				t.Errorf("after %d more bytes: %v, want the whole file", n, err)
			case !c.complete && !errors.Is(err, io.ErrUnexpectedEOF):
				t.Errorf("after %d more bytes: %v, want an unexpected EOF", n, err)
			}
			expEventually(t, "the export's connection goes back to the pool", func() bool { return env.Store.PoolStats().AcquiredConns() == base })
		})
	}
}
