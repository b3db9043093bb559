package jobs_test

// Helpers of the job runner tests: a fresh database with its store and an inspection
// connection, a started Runner, reads of the mail outbox and of job states, and test
// logging.

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

const wait = 20 * time.Second

// env is a fresh database, its store, and a superuser connection for inspection.
type env struct {
	url string
	st  *store.Store
	db  *pgx.Conn
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	db, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return &env{url: url, st: st, db: db}
}

// start runs a Runner on e's database (stopped at cleanup); install puts its enqueuer on
// the store.
func (e *env) start(t *testing.T, cfg jobs.Config, install bool) *jobs.Runner {
	t.Helper()
	ctx := context.Background()
	cfg.DatabaseURL = e.url
	if cfg.Workers == 0 {
		cfg.Workers = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	r, err := jobs.New(ctx, e.st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if install {
		e.st.SetJobQueue(r.Enqueue)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return r
}

// outbox is one mail_outbox row as stored.
type outbox struct {
	id        uuid.UUID
	sent      bool
	attempts  int
	lastError *string
}

func (e *env) outbox(t *testing.T, to string) []outbox {
	t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT id, sent_at IS NOT NULL, attempts, last_error FROM mail_outbox WHERE to_addr = $1 ORDER BY created_at`, to)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (outbox, error) {
		var o outbox
		err := r.Scan(&o.id, &o.sent, &o.attempts, &o.lastError)
		return o, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jobStates lists the states of the mail jobs of outbox message id.
func (e *env) jobStates(t *testing.T, id uuid.UUID) []string {
	t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT state::text FROM river_job WHERE kind = 'mail' AND args->>'id' = $1 ORDER BY id`, id.String())
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eventually polls cond until it holds or the wait runs out.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func as(tenant string) context.Context {
	_, u := typeid.New(typeid.Person)
	return auth.WithPrincipal(context.Background(), auth.Principal{
		TenantID: tenant, Role: auth.RoleAdmin, PersonID: u, Subject: typeid.Format(typeid.Person, u),
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite},
	})
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
