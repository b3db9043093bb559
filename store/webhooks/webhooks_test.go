package webhooks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/store/webhooks"
)

// Emit writes an event with its cause: a transaction that fails leaves no message and no
// delivery; one that commits leaves one delivery per endpoint whose filter admits the
// event (disabled endpoints get none); an unknown event type is refused and rolls its
// transaction back.
func TestEmitTravelsWithItsCause(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	repo := webhooks.New(st, webhooks.Options{})
	endpoint := func(events []string, enabled bool) {
		t.Helper()
		url := "https://hooks.example.com/" + strings.Join(events, "-")
		if _, _, err := repo.Create(ctx, webhooks.Input{URL: &url, Events: &events, Enabled: &enabled}); err != nil {
			t.Fatal(err)
		}
	}
	endpoint([]string{}, true)                           // all events
	endpoint([]string{store.EventUserCreated}, true)     // this one
	endpoint([]string{store.EventCoursePublished}, true) // another
	endpoint([]string{store.EventUserCreated}, false)    // disabled
	count := func(table string) int {
		var n int
		if err := st.AsOperator(t.Context(), "acme", func(tx *store.Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM ` + table + ` WHERE tenant_id = 'acme'`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("the cause failed")
	err := st.InTenant(ctx, func(tx *store.Tx) error {
		if err := tx.Emit(store.EventUserCreated, map[string]string{"id": "per_1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || count("webhook_messages") != 0 || count("webhook_deliveries") != 0 {
		t.Fatalf("rolled back: %v, %d messages, %d deliveries", err, count("webhook_messages"), count("webhook_deliveries"))
	}
	if err := st.InTenant(ctx, func(tx *store.Tx) error { return tx.Emit(store.EventUserCreated, map[string]string{"id": "per_2"}) }); err != nil {
		t.Fatal(err)
	}
	if m, d := count("webhook_messages"), count("webhook_deliveries"); m != 1 || d != 2 {
		t.Errorf("committed: %d messages, %d deliveries; want 1 and 2", m, d)
	}
	err = st.InTenant(ctx, func(tx *store.Tx) error {
		if err := tx.Emit(store.EventUserBanned, map[string]string{"id": "per_3"}); err != nil {
			return err
		}
		return tx.Emit("user.exploded", nil)
	})
	if err == nil || !strings.Contains(err.Error(), "unknown webhook event") || count("webhook_messages") != 1 {
		t.Errorf("unknown event: %v, %d messages", err, count("webhook_messages"))
	}
	if err := st.InTenant(storetest.As("globex", "", auth.RoleAdmin), func(tx *store.Tx) error {
		return tx.Emit(store.EventUserCreated, map[string]string{"id": "per_4"})
	}); err != nil || count("webhook_messages") != 1 {
		t.Errorf("another tenant's event: %v, %d messages of acme", err, count("webhook_messages"))
	}
}

// A tenant holds at most MaxEndpoints endpoints, also when they are created concurrently;
// another tenant's count is its own.
func TestEndpointCap(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	repo := webhooks.New(st, webhooks.Options{})
	url := "https://hooks.example.com/learnd"
	create := func(tenant string) error {
		_, _, err := repo.Create(storetest.As(tenant, "", auth.RoleAdmin), webhooks.Input{URL: &url})
		return err
	}
	errs := make(chan error, webhooks.MaxEndpoints+5)
	for range webhooks.MaxEndpoints + 5 {
		go func() { errs <- create("acme") }()
	}
	refused := 0
	for range webhooks.MaxEndpoints + 5 {
		err := <-errs
		var v *store.ValidationError
		switch {
		case err == nil:
		case errors.As(err, &v):
			refused++
		default:
			t.Fatal(err)
		}
	}
	if refused != 5 {
		t.Errorf("%d creates refused, want 5 (the cap is %d)", refused, webhooks.MaxEndpoints)
	}
	if err := create("globex"); err != nil {
		t.Errorf("another tenant: %v", err)
	}
}

// The purge deletes messages older than 30 days in every tenant, with their deliveries
// and attempts, and keeps the younger ones.
func TestPurgeWebhooks(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	url := "https://hooks.example.com/learnd"
	for _, tenant := range []string{"acme", "globex"} {
		ctx := storetest.As(tenant, "", auth.RoleAdmin)
		if _, _, err := webhooks.New(st, webhooks.Options{}).Create(ctx, webhooks.Input{URL: &url}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"per_old", "per_new"} {
			if err := st.InTenant(ctx, func(tx *store.Tx) error { return tx.Emit(store.EventUserCreated, map[string]string{"id": id}) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE webhook_messages SET created_at = now() - interval '31 days' WHERE body LIKE '%per_old%'`)
	exec(`INSERT INTO webhook_attempts (tenant_id, id, delivery_id, endpoint_id, message_id, event_type, attempted_at, latency_ms, succeeded)
SELECT d.tenant_id, gen_random_uuid(), d.id, d.endpoint_id, d.message_id, 'user.created', now(), 1, true FROM webhook_deliveries d`)
	n, err := st.PurgeWebhooks(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("purged %d (%v), want the 2 old messages", n, err)
	}
	for table, want := range map[string]int{"webhook_messages": 2, "webhook_deliveries": 2, "webhook_attempts": 2} {
		var got int
		if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM `+table).Scan(&got); err != nil || got != want {
			t.Errorf("%s: %d rows (%v), want %d", table, got, err, want)
		}
	}
	var old int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM webhook_messages WHERE body LIKE '%per_old%'`).Scan(&old); err != nil || old != 0 {
		t.Errorf("old messages left: %d (%v)", old, err)
	}
}
