package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// mailRow is one mail_outbox row as stored.
type mailRow struct {
	id        uuid.UUID
	tenant    string
	sent      bool
	attempts  int
	lastError *string
}

func mailRows(t *testing.T, conn *pgx.Conn, to string) []mailRow {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT id, tenant_id, sent_at IS NOT NULL, attempts, last_error FROM mail_outbox WHERE to_addr = $1 ORDER BY created_at`, to)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (mailRow, error) {
		var m mailRow
		err := r.Scan(&m.id, &m.tenant, &m.sent, &m.attempts, &m.lastError)
		return m, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// queue writes one message to tenant's outbox and returns its row.
func queue(t *testing.T, st *store.Store, conn *pgx.Conn, tenant, to string) mailRow {
	t.Helper()
	if err := st.SendMail(storetest.As(tenant, "", auth.RoleAdmin), store.Mail{Kind: "test", To: to, Subject: "Subject " + to, Body: "Body " + to}); err != nil {
		t.Fatal(err)
	}
	rows := mailRows(t, conn, to)
	if len(rows) != 1 {
		t.Fatalf("outbox rows for %s = %d", to, len(rows))
	}
	return rows[0]
}

func TestMailDeliverMarksSentOnce(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	row := queue(t, st, conn, "acme", "a@example.test")

	var got []store.OutboxMail
	send := func(_ context.Context, m store.OutboxMail) error { got = append(got, m); return nil }
	if err := st.DeliverMail(ctx, "acme", row.id, send); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("sent %d times", len(got))
	}
	m := got[0]
	if m.TenantID != "acme" || m.ID != row.id || m.Kind != "test" || m.To != "a@example.test" ||
		m.Subject != "Subject a@example.test" || m.Body != "Body a@example.test" || m.Attempts != 0 || m.CreatedAt.IsZero() {
		t.Errorf("send got %+v", m)
	}
	if r := mailRows(t, conn, "a@example.test")[0]; !r.sent || r.attempts != 1 || r.lastError != nil {
		t.Errorf("row = %+v", r)
	}
	// Delivered already: not sent again.
	if err := st.DeliverMail(ctx, "acme", row.id, send); err != nil || len(got) != 1 {
		t.Errorf("second delivery = %v, sent %d times", err, len(got))
	}
	// The id under another tenant is no message.
	if err := st.DeliverMail(ctx, "other", row.id, send); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another tenant's id = %v, want ErrNotFound", err)
	}
	if err := st.DeliverMail(ctx, "acme", uuid.Must(uuid.NewV7()), send); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown id = %v, want ErrNotFound", err)
	}
}

func TestMailDeliverFailureRecorded(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	row := queue(t, st, conn, "acme", "f@example.test")

	boom := errors.New("451 try again later " + strings.Repeat("é", 3000))
	err := st.DeliverMail(ctx, "acme", row.id, func(context.Context, store.OutboxMail) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("DeliverMail = %v, want the send error", err)
	}
	r := mailRows(t, conn, "f@example.test")[0]
	if r.sent || r.attempts != 1 || r.lastError == nil || !strings.HasPrefix(*r.lastError, "451 try again later") || len(*r.lastError) > 2000 || !strings.HasSuffix(*r.lastError, "é") {
		t.Errorf("row = %+v, last error %d bytes", r, len(deref(r.lastError)))
	}
	// The next attempt sees the count and clears the error on success.
	var attempts int
	if err := st.DeliverMail(ctx, "acme", row.id, func(_ context.Context, m store.OutboxMail) error { attempts = m.Attempts; return nil }); err != nil {
		t.Fatal(err)
	}
	if r := mailRows(t, conn, "f@example.test")[0]; attempts != 1 || !r.sent || r.attempts != 2 || r.lastError != nil {
		t.Errorf("after retry: seen attempts %d, row %+v", attempts, r)
	}
}

// While one delivery holds a message, another gets ErrMailBusy and sends nothing.
func TestMailDeliverClaimIsExclusive(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	row := queue(t, st, conn, "acme", "c@example.test")

	var inner error
	sends := 0
	err := st.DeliverMail(ctx, "acme", row.id, func(context.Context, store.OutboxMail) error {
		sends++
		inner = st.DeliverMail(ctx, "acme", row.id, func(context.Context, store.OutboxMail) error { sends++; return nil })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(inner, store.ErrMailBusy) || sends != 1 {
		t.Errorf("concurrent delivery = %v after %d sends, want ErrMailBusy after 1", inner, sends)
	}
}

func TestMailUnattempted(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	a := queue(t, st, conn, "acme", "u1@example.test")
	b := queue(t, st, conn, "other", "u2@example.test")
	sent := queue(t, st, conn, "acme", "u3@example.test")
	failed := queue(t, st, conn, "acme", "u4@example.test")
	if err := st.DeliverMail(ctx, "acme", sent.id, func(context.Context, store.OutboxMail) error { return nil }); err != nil {
		t.Fatal(err)
	}
	_ = st.DeliverMail(ctx, "acme", failed.id, func(context.Context, store.OutboxMail) error { return errors.New("down") })
	young := queue(t, st, conn, "acme", "u5@example.test")
	if _, err := conn.Exec(ctx, `UPDATE mail_outbox SET created_at = now() - interval '1 hour' WHERE id <> $1`, young.id); err != nil {
		t.Fatal(err)
	}

	refs, err := st.UnattemptedMail(ctx, time.Now().Add(-time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.MailRef{{TenantID: "acme", ID: a.id}, {TenantID: "other", ID: b.id}}
	if len(refs) != 2 || refs[0] != want[0] || refs[1] != want[1] {
		t.Errorf("unattempted = %+v, want %+v", refs, want)
	}
	if refs, err := st.UnattemptedMail(ctx, time.Now().Add(-time.Minute), 1); err != nil || len(refs) != 1 || refs[0] != want[0] {
		t.Errorf("limit 1 = %+v, %v", refs, err)
	}
}

func TestMailSendValidatesAndAudits(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	for _, tc := range []struct {
		m       store.Mail
		pointer string
	}{
		{store.Mail{To: "not an address", Subject: "s"}, "/to"},
		{store.Mail{To: "Ada <ada@example.test>", Subject: "s"}, "/to"},
		{store.Mail{To: "a@example.test, b@example.test", Subject: "s"}, "/to"},
		{store.Mail{To: "ok@example.test", Subject: "  "}, "/subject"},
	} {
		err := st.SendMail(ctx, tc.m)
		var ve *store.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Pointer != tc.pointer {
			t.Errorf("SendMail(%+v) = %v, want a validation error at %s", tc.m, err, tc.pointer)
		}
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox`).Scan(&n); err != nil || n != 0 {
		t.Errorf("outbox rows after invalid sends = %d (%v)", n, err)
	}
	if err := st.SendMail(ctx, store.Mail{To: "ok@example.test", Subject: "hello", Body: "secret body"}); err != nil {
		t.Fatal(err)
	}
	var kind, after string
	if err := conn.QueryRow(context.Background(), `SELECT o.kind, a.after::text FROM mail_outbox o, audit_log a
WHERE a.tenant_id = 'acme' AND a.action = 'mail.send' AND a.target_type = 'mail' AND a.target_id = 'ok@example.test'`).Scan(&kind, &after); err != nil {
		t.Fatal(err)
	}
	if kind != "message" || !strings.Contains(after, `"subject": "hello"`) || strings.Contains(after, "secret body") {
		t.Errorf("kind %q, audit after %s", kind, after)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
