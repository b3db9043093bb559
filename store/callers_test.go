package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// TestCallerCache: two replicas on one database. Replica A answers a caller from its
// cache (a change made with the notify trigger switched off is not seen); any change
// announced on learnd_callers — a role change, a ban, a new licence, whoever writes it —
// reaches A's cache at once; with A's listener cut, A reads the database on every call
// until the listener is back.
func TestCallerCache(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	a, b := open(), open()
	_ = b // replica B is the other listener; writes come from a plain connection
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	ctx := context.Background()
	person := uuid.New()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO tenants (id, name, tier) VALUES ('cc', 'Cache Co', 'business') ON CONFLICT (id) DO UPDATE SET tier = 'business'`)
	exec(`INSERT INTO users (tenant_id, id, name, email, role, created_at, updated_at) VALUES ('cc', $1, 'Ann', 'ann@cc.example', 'manager', now(), now())`, person)
	waitLive := func(st *store.Store) {
		t.Helper()
		for end := time.Now().Add(5 * time.Second); !st.CallerCacheLive(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatal("the caller cache's listener never connected")
			}
		}
	}
	waitLive(a)
	waitLive(b)
	// The setup's own notifications (tenant and user inserted) are on their way; let them
	// land before filling the cache, or they would empty it after the first resolve.
	time.Sleep(200 * time.Millisecond)
	resolve := func(st *store.Store) store.Caller {
		t.Helper()
		c, err := st.ResolveCaller(ctx, "cc", person, "")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// eventually waits for a notification to reach the cache (it arrives at commit; the
	// bound only keeps a broken test from hanging).
	eventually := func(what string, ok func(store.Caller) bool) {
		t.Helper()
		for end := time.Now().Add(2 * time.Second); !ok(resolve(a)); time.Sleep(time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("%s never reached replica A's cache", what)
			}
		}
	}
	if c := resolve(a); c.Role != auth.RoleManager || c.Banned || c.Licence.Tier != auth.TierBusiness {
		t.Fatalf("first resolve = %+v", c)
	}

	// Cached: a change nobody announces is not seen.
	exec(`ALTER TABLE users DISABLE TRIGGER users_notify_callers`)
	exec(`UPDATE users SET role = 'admin' WHERE id = $1`, person)
	exec(`ALTER TABLE users ENABLE TRIGGER users_notify_callers`)
	if c := resolve(a); c.Role != auth.RoleManager {
		t.Fatalf("role %s: the second resolve did not come from the cache", c.Role)
	}

	// Announced changes reach replica A.
	exec(`UPDATE users SET role = 'learner' WHERE id = $1`, person)
	eventually("a role change", func(c store.Caller) bool { return c.Role == auth.RoleLearner })
	exec(`UPDATE users SET status = 'banned', banned_at = now() WHERE id = $1`, person)
	eventually("a ban", func(c store.Caller) bool { return c.Banned })
	exec(`UPDATE tenants SET tier = 'enterprise' WHERE id = 'cc'`)
	eventually("a licence change", func(c store.Caller) bool { return c.Licence.Tier == auth.TierEnterprise })

	// Listener cut: every call reads the database until it reconnects.
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN learnd_callers' AND pid <> pg_backend_pid()`)
	for end := time.Now().Add(2 * time.Second); a.CallerCacheLive(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("replica A still trusts its cache after its listener was cut")
		}
	}
	exec(`ALTER TABLE users DISABLE TRIGGER users_notify_callers`)
	exec(`UPDATE users SET status = 'active', banned_at = NULL WHERE id = $1`, person)
	exec(`ALTER TABLE users ENABLE TRIGGER users_notify_callers`)
	if !a.CallerCacheLive() {
		if c := resolve(a); c.Banned {
			t.Error("with the listener down, replica A answered from a stale cache")
		}
	}
	waitLive(a) // and it comes back
}
