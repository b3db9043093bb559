package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

func TestIdempotencyClaims(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	a, b := storetest.As("ta", "", auth.RoleAdmin), storetest.As("tb", "", auth.RoleAdmin)
	fp := []byte("fingerprint")
	steps := []struct {
		ctx  context.Context
		fp   []byte
		want store.ClaimOutcome
	}{
		{a, fp, store.ClaimNew},
		{a, fp, store.ClaimInFlight},
		{a, []byte("other"), store.ClaimMismatch},
		{b, fp, store.ClaimNew}, // keys are per tenant
	}
	for i, s := range steps {
		got, _, err := st.Idempotency.Claim(s.ctx, "k1", s.fp, time.Hour)
		if err != nil || got != s.want {
			t.Fatalf("step %d: outcome %v, %v; want %v", i, got, err, s.want)
		}
	}
	if err := st.Idempotency.Complete(a, "k1", store.StoredResponse{Status: 201, Headers: map[string]string{"ETag": `"1"`}, Body: []byte(`{"x":1}`)}, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, resp, err := st.Idempotency.Claim(a, "k1", fp, time.Hour)
	if err != nil || got != store.ClaimReplay || resp.Status != 201 || string(resp.Body) != `{"x":1}` || resp.Headers["ETag"] != `"1"` {
		t.Fatalf("replay = %v %+v %v", got, resp, err)
	}
	if err := st.Idempotency.Release(b, "k1"); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := st.Idempotency.Claim(b, "k1", []byte("new body"), time.Hour); got != store.ClaimNew {
		t.Fatalf("after release: %v", got)
	}
}

func TestIdempotencyPurge(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	a, b := storetest.As("ta", "", auth.RoleAdmin), storetest.As("tb", "", auth.RoleAdmin)
	for _, ctx := range []context.Context{a, b} {
		if _, _, err := st.Idempotency.Claim(ctx, "old", []byte("x"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.Idempotency.Claim(ctx, "live", []byte("x"), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(context.Background(), `UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = 'old'`); err != nil {
		t.Fatal(err)
	}
	n, err := st.Idempotency.PurgeExpired(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	var left int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM idempotency_keys`).Scan(&left); err != nil || left != 2 {
		t.Fatalf("left %d, %v; want 2", left, err)
	}
}

// TestIdempotencyClaimExpiry: a pending claim lapses at the end of its pendingFor (its
// request is over, however it ended) and the next request takes it over; a claim still
// within it is in flight; a stored response lives for its ttl, not for the claim's time.
func TestIdempotencyClaimExpiry(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	a := storetest.As("ta", "", auth.RoleAdmin)
	if got, _, err := st.Idempotency.Claim(a, "k", []byte("x"), 300*time.Millisecond); err != nil || got != store.ClaimNew {
		t.Fatalf("first claim %v, %v", got, err)
	}
	if got, _, err := st.Idempotency.Claim(a, "k", []byte("x"), time.Minute); err != nil || got != store.ClaimInFlight {
		t.Fatalf("within the claim's time: %v, %v; want in flight", got, err)
	}
	time.Sleep(400 * time.Millisecond)
	// Taken over, even with another body: the lapsed claim's request never answered.
	if got, _, err := st.Idempotency.Claim(a, "k", []byte("y"), time.Minute); err != nil || got != store.ClaimNew {
		t.Fatalf("after the claim lapsed: %v, %v; want a new claim", got, err)
	}

	// A claim left by a process that died: pending, its time long past.
	if _, err := conn.Exec(context.Background(), `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, created_at, expires_at)
		VALUES ('ta', 'dead', 'x', 'pending', now() - interval '20 seconds', now() - interval '5 seconds')`); err != nil {
		t.Fatal(err)
	}
	if got, _, err := st.Idempotency.Claim(a, "dead", []byte("x"), time.Minute); err != nil || got != store.ClaimNew {
		t.Fatalf("dead process's claim: %v, %v; want a new claim", got, err)
	}

	// Completed with a short claim time, the response is kept for its ttl.
	if got, _, err := st.Idempotency.Claim(a, "done", []byte("x"), 200*time.Millisecond); err != nil || got != store.ClaimNew {
		t.Fatalf("claim: %v, %v", got, err)
	}
	if err := st.Idempotency.Complete(a, "done", store.StoredResponse{Status: 201, Body: []byte("{}")}, time.Hour); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got, resp, err := st.Idempotency.Claim(a, "done", []byte("x"), time.Minute); err != nil || got != store.ClaimReplay || resp.Status != 201 {
		t.Fatalf("after the claim's time: %v %+v %v; want the replay", got, resp, err)
	}
}
