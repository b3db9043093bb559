package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/jobs/smtptest"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// Production connects as a database owner that is not a superuser: river's migrations,
// the grants to learnd_app, the job insert in the tenant transaction and the delivery
// must all work for it.
func TestJobsMailNonSuperuserOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ownerURL, superURL := storetest.NonSuperuserOwner(t, "learnd_jobowner_")
	st, err := store.Open(ctx, ownerURL, store.Options{MaxOpenConns: 6})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate as a non-superuser owner: %v", err)
	}
	// Inspect as the superuser: the owner is subject to the outbox's forced row-level security.
	db, err := pgx.Connect(ctx, superURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	e := &env{url: ownerURL, st: st, db: db}
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
