package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

// identityFixture inserts a user and an API key for it (as the superuser) and returns the
// user's id and the key's secret and id.
func identityFixture(t *testing.T, conn *pgx.Conn, tenant string, role auth.Role, keyMut func(expires, revoked **time.Time)) (uuid.UUID, string, uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	_, user := typeid.New(typeid.Person)
	if _, err := conn.Exec(ctx, `INSERT INTO users (tenant_id, id, name, email, role, created_at, updated_at) VALUES ($1, $2, 'U', $3, $4, now(), now())`,
		tenant, user, user.String()+"@x.test", string(role)); err != nil {
		t.Fatal(err)
	}
	secret, hash := store.NewAPIKeySecret()
	var expires, revoked *time.Time
	if keyMut != nil {
		keyMut(&expires, &revoked)
	}
	_, kid := typeid.New(typeid.APIKey)
	if _, err := conn.Exec(ctx, `INSERT INTO api_keys (tenant_id, id, user_id, name, hash, hint, scopes, expires_at, revoked_at, created_at) VALUES ($1, $2, $3, 'k', $4, 'abcd', '{read}', $5, $6, now())`,
		tenant, kid, user, hash, expires, revoked); err != nil {
		t.Fatal(err)
	}
	return user, secret, kid
}

func TestAPIKeySecretShape(t *testing.T) {
	t.Parallel()
	s, h := store.NewAPIKeySecret()
	if len(s) != 46 || s[:3] != "lk_" || !store.LooksLikeAPIKey(s) {
		t.Fatalf("secret %q: want lk_ + 43 base64url chars", s)
	}
	if sum := sha256.Sum256([]byte(s)); string(sum[:]) != string(h) {
		t.Fatal("hash is not the SHA-256 of the secret")
	}
	s2, _ := store.NewAPIKeySecret()
	if s == s2 {
		t.Fatal("two secrets are equal")
	}
	for _, bad := range []string{"", "lk_", s[:45], s + "A", "xx" + s[2:], "lk_" + string(make([]byte, 43))} {
		if store.LooksLikeAPIKey(bad) {
			t.Errorf("LooksLikeAPIKey(%q) = true", bad)
		}
	}
}

func TestAuthenticateKey(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ('keys-a', 'A', 'business', 'read', true)`); err != nil {
		t.Fatal(err)
	}
	user, secret, kid := identityFixture(t, conn, "keys-a", auth.RoleManager, nil)

	kc, err := st.AuthenticateKey(ctx, secret)
	if err != nil {
		t.Fatalf("live key: %v", err)
	}
	p := kc.Principal
	want := auth.Licence{Tier: "business", MCPAccess: "read", MCPAIAccess: true}
	if p.TenantID != "keys-a" || p.PersonID != user || p.Role != auth.RoleManager || p.KeyID != typeid.Format(typeid.APIKey, kid) ||
		len(p.Scopes) != 1 || p.Scopes[0] != "read" || p.Licence != want || !p.Known {
		t.Fatalf("principal = %+v", p)
	}
	var used *time.Time
	if err := conn.QueryRow(ctx, `SELECT last_used_at FROM api_keys WHERE id = $1`, kid).Scan(&used); err != nil || used == nil {
		t.Fatalf("last_used_at = %v (%v), want set", used, err)
	}

	// A role change applies to the next call.
	if _, err := conn.Exec(ctx, `UPDATE users SET role = 'learner' WHERE id = $1`, user); err != nil {
		t.Fatal(err)
	}
	if kc, err = st.AuthenticateKey(ctx, secret); err != nil || kc.Principal.Role != auth.RoleLearner {
		t.Fatalf("after demotion: role %q, err %v", kc.Principal.Role, err)
	}
	// Banning stops the key at once.
	if _, err := conn.Exec(ctx, `UPDATE users SET status = 'banned', banned_at = now() WHERE id = $1`, user); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AuthenticateKey(ctx, secret); !errors.Is(err, store.ErrBanned) {
		t.Fatalf("banned user's key: err = %v, want ErrBanned", err)
	}

	past := time.Now().Add(-time.Minute)
	cases := []struct {
		name   string
		secret func() string
	}{
		{"unknown", func() string { s, _ := store.NewAPIKeySecret(); return s }},
		{"malformed", func() string { return "lk_short" }},
		{"revoked", func() string {
			_, s, _ := identityFixture(t, conn, "keys-a", auth.RoleAdmin, func(_, r **time.Time) { *r = &past })
			return s
		}},
		{"expired", func() string {
			_, s, _ := identityFixture(t, conn, "keys-a", auth.RoleAdmin, func(e, _ **time.Time) { *e = &past })
			return s
		}},
	}
	for _, c := range cases {
		if _, err := st.AuthenticateKey(ctx, c.secret()); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("%s key: err = %v, want ErrInvalidKey", c.name, err)
		}
	}
}

// TestKeyLookupPolicy: a transaction that presents a key's hash can read that key and no
// other, whatever tenant; without a tenant nothing else is visible.
func TestKeyLookupPolicy(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	_, secretA, _ := identityFixture(t, conn, "look-a", auth.RoleAdmin, nil)
	identityFixture(t, conn, "look-b", auth.RoleAdmin, nil)
	if n, err := store.CountVisibleKeys(ctx, st, secretA); err != nil || n != 1 {
		t.Fatalf("keys visible with A's hash = %d (%v), want 1", n, err)
	}
	if n, err := store.CountVisibleKeys(ctx, st, ""); err != nil || n != 0 {
		t.Fatalf("keys visible without a hash = %d (%v), want 0", n, err)
	}
}

func TestResolveCaller(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	user, _, kid := identityFixture(t, conn, "res-a", auth.RoleAdmin, nil)

	c, err := st.ResolveCaller(ctx, "res-a", user, typeid.Format(typeid.APIKey, kid))
	if err != nil {
		t.Fatal(err)
	}
	starter := auth.Licence{Tier: "starter", MCPAccess: "none"}
	if !c.Known || c.Role != auth.RoleAdmin || c.Banned || !c.KeyLive || c.Licence != starter {
		t.Fatalf("caller = %+v", c)
	}
	// Unknown person, other tenant, revoked key.
	if c, err = st.ResolveCaller(ctx, "res-b", user, ""); err != nil || c.Known {
		t.Fatalf("other tenant: %+v %v, want unknown", c, err)
	}
	if _, err := conn.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE id = $1`, kid); err != nil {
		t.Fatal(err)
	}
	// Revoked by another program: the trigger's notification drops the cached caller
	// (it arrives at commit; the bound only keeps a broken test from hanging).
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		if c, err = st.ResolveCaller(ctx, "res-a", user, typeid.Format(typeid.APIKey, kid)); err != nil || !c.KeyLive {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("revoked key: %+v, want not live", c)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestUUIDv7SQL(t *testing.T) {
	t.Parallel()
	_, conn := storetest.OpenWithConn(t)
	var a, b uuid.UUID
	if err := conn.QueryRow(context.Background(), `SELECT learnd_uuidv7(), learnd_uuidv7()`).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a.Version() != 7 || a.Variant() != uuid.RFC4122 || a == b {
		t.Fatalf("uuids %s %s: want distinct version-7 RFC 4122 ids", a, b)
	}
	ms := int64(a[0])<<40 | int64(a[1])<<32 | int64(a[2])<<24 | int64(a[3])<<16 | int64(a[4])<<8 | int64(a[5])
	if d := time.Since(time.UnixMilli(ms)); d < 0 || d > time.Minute {
		t.Fatalf("timestamp %v is not now", time.UnixMilli(ms))
	}
}
