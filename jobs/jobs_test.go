package jobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/jobs/smtptest"
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

// A message written in a tenant transaction goes out through SMTP with STARTTLS and
// AUTH: recipient, subject and body as written (non-ASCII too), the configured sender, a
// Message-ID derived from the outbox row; the row is marked sent and its job completed.
func TestJobsMailDeliveredOverSMTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: true, Username: "mailer", Password: "s3cret:/@"})
	e.start(t, jobs.Config{SMTPURL: srv.URL, TLSConfig: srv.ClientTLS(), From: "Learnd Test <robot@learnd.test>"}, true)

	to := "ada@example.test"
	subject := "Willkommen — café ✓"
	body := "Hello Ada,\n\nyour course starts tomorrow: naïve résumé.\n" + strings.Repeat("long line ", 20) + "\n"
	if err := e.st.SendMail(as("acme"), store.Mail{Kind: "test", To: to, Subject: subject, Body: body}); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, to, wait)
	if len(m.To) != 1 || m.To[0] != to {
		t.Errorf("envelope to = %v, want [%s]", m.To, to)
	}
	if m.From != "robot@learnd.test" {
		t.Errorf("envelope from = %q", m.From)
	}
	if got := m.Header.Get("To"); !strings.Contains(got, to) {
		t.Errorf("To header = %q", got)
	}
	if got := m.Header.Get("From"); !strings.Contains(got, "robot@learnd.test") || !strings.Contains(got, "Learnd Test") {
		t.Errorf("From header = %q", got)
	}
	if m.Subject != subject {
		t.Errorf("subject = %q, want %q", m.Subject, subject)
	}
	if strings.TrimRight(m.Body, "\n") != strings.TrimRight(body, "\n") {
		t.Errorf("body = %q, want %q", m.Body, body)
	}
	if got := m.Header.Get("X-Learnd-Kind"); got != "test" {
		t.Errorf("X-Learnd-Kind = %q", got)
	}
	rows := e.outbox(t, to)
	if len(rows) != 1 {
		t.Fatalf("outbox rows = %d", len(rows))
	}
	if want := "<" + rows[0].id.String() + "@learnd.test>"; m.Header.Get("Message-Id") != want {
		t.Errorf("Message-ID = %q, want %q", m.Header.Get("Message-Id"), want)
	}
	eventually(t, "the job to complete", func() bool {
		s := e.jobStates(t, rows[0].id)
		return len(s) == 1 && s[0] == "completed"
	})
	if rows := e.outbox(t, to); !rows[0].sent || rows[0].attempts != 1 || rows[0].lastError != nil {
		t.Errorf("outbox row = %+v, want sent after 1 attempt", rows[0])
	}
	var audits int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE tenant_id = 'acme' AND action = 'mail.send' AND target_id = $1`, to).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("mail.send audit rows = %d (%v), want 1", audits, err)
	}
	if got := srv.Attempts(); got != 1 {
		t.Errorf("SMTP deliveries = %d, want 1", got)
	}
}

// The job is inserted in the tenant transaction (visible there, under row-level security,
// as the tenant's only job); when that transaction rolls back, neither message nor job
// remains and nothing is sent.
func TestJobsMailRollbackSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	r := e.start(t, jobs.Config{SMTPURL: srv.URL}, false)

	// Another tenant's job exists: the tenant transaction must not see it.
	e.st.SetJobQueue(r.Enqueue)
	if err := e.st.SendMail(as("other"), store.Mail{To: "first@example.test", Subject: "first", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "first@example.test", wait)

	boom := errors.New("the change failed after queueing its mail")
	var seen, visible int
	e.st.SetJobQueue(func(ctx context.Context, tx pgx.Tx, job store.Job) error {
		id := job.ID
		if err := r.Enqueue(ctx, tx, job); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'id' = $1`, id.String()).Scan(&seen); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&visible); err != nil {
			return err
		}
		return boom
	})
	err := e.st.SendMail(as("acme"), store.Mail{To: "ghost@example.test", Subject: "never", Body: "never"})
	if !errors.Is(err, boom) {
		t.Fatalf("SendMail = %v, want the enqueuer's error", err)
	}
	if seen != 1 || visible != 1 {
		t.Errorf("in the tenant transaction: job for the message = %d, jobs visible = %d; want 1 and 1", seen, visible)
	}

	// A later message goes out; the rolled-back one never does.
	e.st.SetJobQueue(r.Enqueue)
	if err := e.st.SendMail(as("acme"), store.Mail{To: "after@example.test", Subject: "after", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "after@example.test", wait)
	for _, m := range srv.Messages() {
		if m.To[0] == "ghost@example.test" {
			t.Errorf("the rolled-back message was sent")
		}
	}
	if rows := e.outbox(t, "ghost@example.test"); len(rows) != 0 {
		t.Errorf("outbox rows of the rolled-back message = %d", len(rows))
	}
	var jobs int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'mail'`).Scan(&jobs); err != nil || jobs != 2 {
		t.Errorf("mail jobs = %d (%v), want 2 (first, after)", jobs, err)
	}
}

// A tenant transaction cannot queue a job naming another tenant (row-level security on
// river_job), and the change fails with it.
func TestJobsMailJobOfAnotherTenantRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.start(t, jobs.Config{}, false)
	e.st.SetJobQueue(func(ctx context.Context, tx pgx.Tx, job store.Job) error {
		job.TenantID = "victim"
		return r.Enqueue(ctx, tx, job)
	})
	err := e.st.SendMail(as("acme"), store.Mail{To: "x@example.test", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "row-level security") {
		t.Fatalf("SendMail = %v, want a row-level security violation", err)
	}
	if rows := e.outbox(t, "x@example.test"); len(rows) != 0 {
		t.Errorf("outbox rows = %d, want 0", len(rows))
	}
}

// A temporary SMTP failure is recorded on the message and retried by the queue; the
// retry delivers it once.
func TestJobsMailRetriedAfterSMTPFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	srv.FailNext(1, 451)
	e.start(t, jobs.Config{SMTPURL: srv.URL}, true)

	to := "retry@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "retry me", Body: "second time lucky"}); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, to, wait)
	if m.Subject != "retry me" || strings.TrimSpace(m.Body) != "second time lucky" {
		t.Errorf("delivered %q / %q", m.Subject, m.Body)
	}
	rows := e.outbox(t, to)
	eventually(t, "the job to complete", func() bool {
		s := e.jobStates(t, rows[0].id)
		return len(s) == 1 && s[0] == "completed"
	})
	rows = e.outbox(t, to)
	if !rows[0].sent || rows[0].attempts != 2 || rows[0].lastError != nil {
		t.Errorf("outbox row = %+v, want sent on the 2nd attempt, error cleared", rows[0])
	}
	var errs int
	if err := e.db.QueryRow(context.Background(), `SELECT coalesce(array_length(errors, 1), 0) FROM river_job WHERE args->>'id' = $1`, rows[0].id.String()).Scan(&errs); err != nil || errs != 1 {
		t.Errorf("job errors = %d (%v), want 1", errs, err)
	}
	if got, n := srv.Attempts(), len(srv.Messages()); got != 2 || n != 1 {
		t.Errorf("SMTP attempts = %d, delivered = %d; want 2 and 1", got, n)
	}
}

// A recipient the server refuses permanently is not retried: the attempt and the server's
// reply are recorded, the message stays unsent, the job is cancelled.
func TestJobsMailPermanentRefusalNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	to := "nobody@example.test"
	srv.Reject(to)
	e.start(t, jobs.Config{SMTPURL: srv.URL}, true)

	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	var id uuid.UUID
	eventually(t, "the job to be cancelled", func() bool {
		rows := e.outbox(t, to)
		if len(rows) != 1 {
			return false
		}
		id = rows[0].id
		s := e.jobStates(t, id)
		return len(s) == 1 && s[0] == "cancelled"
	})
	rows := e.outbox(t, to)
	if rows[0].sent || rows[0].attempts != 1 || rows[0].lastError == nil || !strings.Contains(*rows[0].lastError, "550") {
		t.Errorf("outbox row = %+v (last error %v), want unsent after 1 attempt with the 550 reply", rows[0], deref(rows[0].lastError))
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("delivered = %d", n)
	}
}

// Without an SMTP URL the message is written to the log and marked sent.
func TestJobsMailDevLogSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var buf syncBuffer
	e.start(t, jobs.Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}, true)

	to := "dev@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{Kind: "test", To: to, Subject: "dev subject", Body: "dev body"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the message to be marked sent", func() bool {
		rows := e.outbox(t, to)
		return len(rows) == 1 && rows[0].sent
	})
	if rows := e.outbox(t, to); rows[0].attempts != 1 {
		t.Errorf("attempts = %d", rows[0].attempts)
	}
	log := buf.String()
	for _, want := range []string{`"to":"dev@example.test"`, `"subject":"dev subject"`, `"body":"dev body"`, `"kind":"test"`, `LEARND_SMTP_URL is unset`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

// A message written without a queue (no enqueuer installed) is found by the sweep once it
// is old enough and delivered once, even though several sweeps see it.
func TestJobsMailSweepQueuesUnqueued(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	to := "swept@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "swept", Body: "found by the sweep"}); err != nil {
		t.Fatal(err)
	}
	if rows := e.outbox(t, to); len(rows) != 1 || rows[0].sent {
		t.Fatalf("outbox = %+v", rows)
	}
	e.start(t, jobs.Config{SMTPURL: srv.URL, SweepInterval: 200 * time.Millisecond, SweepAge: time.Millisecond}, false)
	m := srv.WaitFor(t, to, wait)
	if m.Subject != "swept" {
		t.Errorf("subject = %q", m.Subject)
	}
	var sweeps int
	eventually(t, "more sweeps", func() bool {
		_ = e.db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'mail_sweep' AND state = 'completed'`).Scan(&sweeps)
		return sweeps >= 3
	})
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
	if rows := e.outbox(t, to); !rows[0].sent || rows[0].attempts != 1 {
		t.Errorf("outbox row = %+v", rows[0])
	}
}

// Production connects as a database owner that is not a superuser: river's migrations,
// the grants to learnd_app, the job insert in the tenant transaction and the delivery
// must all work for it.
func TestJobsMailNonSuperuserOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	// Closed after the drop below (cleanups run last-registered first): a deferred Close
	// would run before it and leave the database and role behind.
	t.Cleanup(func() { _ = admin.Close(context.Background()) })
	var b [5]byte
	_, _ = rand.Read(b[:])
	name := "learnd_jobowner_" + hex.EncodeToString(b[:])
	for _, q := range []string{
		`CREATE ROLE ` + name + ` LOGIN NOSUPERUSER CREATEROLE`,
		`CREATE DATABASE ` + name + ` OWNER ` + name,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop the test database %s: %v", name, err)
		}
		if _, err := admin.Exec(ctx, `DROP ROLE IF EXISTS `+name); err != nil {
			t.Errorf("drop the test role %s: %v", name, err)
		}
	})
	u, err := url.Parse(storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.User, u.Path = url.User(name), "/"+name
	st, err := store.Open(ctx, u.String(), store.Options{MaxOpenConns: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate as a non-superuser owner: %v", err)
	}
	// Inspect as the superuser: the owner is subject to the outbox's forced row-level security.
	su, _ := url.Parse(storetest.AdminURL())
	su.Path = "/" + name
	db, err := pgx.Connect(ctx, su.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	e := &env{url: u.String(), st: st, db: db}
	srv := smtptest.Start(t)
	e.start(t, jobs.Config{SMTPURL: srv.URL}, true)
	if err := st.SendMail(as("acme"), store.Mail{To: "owner@example.test", Subject: "as owner", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if m := srv.WaitFor(t, "owner@example.test", wait); m.Subject != "as owner" {
		t.Errorf("subject = %q", m.Subject)
	}
	eventually(t, "the message to be marked sent", func() bool {
		rows := e.outbox(t, "owner@example.test")
		return len(rows) == 1 && rows[0].sent
	})
}

// An insert-only Runner (no workers) queues jobs but works none.
func TestJobsInsertOnlyRunner(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r, err := jobs.New(context.Background(), e.st, jobs.Config{DatabaseURL: e.url})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(context.Background()) //nolint:errcheck
	e.st.SetJobQueue(r.Enqueue)
	to := "queued@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	rows := e.outbox(t, to)
	if s := e.jobStates(t, rows[0].id); len(s) != 1 || s[0] != "available" {
		t.Errorf("job states = %v, want [available]", s)
	}
}

func TestJobsConfigRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, from, want string }{
		{"http://mail.example.test", "", "scheme"},
		{"smtp://", "", "no host"},
		{"smtp://mail.example.test:99999", "", "bad port"},
		{"smtp://mail.example.test/x", "", "no path"},
		{"smtp://mail.example.test?tls=no", "", "no path, query"},
		{"smtp://u:p@mail.example.test", "not an address", "mail sender"},
		{"smtp://u:p%zz@mail.example.test", "", "not a URL"},
	} {
		_, err := jobs.NewSender(tc.url, tc.from, nil, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSender(%q, %q) = %v, want an error with %q", tc.url, tc.from, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "p%zz") {
			t.Errorf("error repeats the credentials: %v", err)
		}
	}
	for _, ok := range []string{"", "smtp://mail.example.test", "smtps://u:p@mail.example.test:2465", "smtp://u:p%40x@mail.example.test:587/"} {
		if _, err := jobs.NewSender(ok, "", nil, nil); err != nil {
			t.Errorf("NewSender(%q) = %v", ok, err)
		}
	}
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
