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
	a, b := as("ta", "", auth.RoleAdmin), as("tb", "", auth.RoleAdmin)
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
	if err := st.Idempotency.Complete(a, "k1", store.StoredResponse{Status: 201, Headers: map[string]string{"ETag": `"1"`}, Body: []byte(`{"x":1}`)}); err != nil {
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
	st, conn := openWithConn(t)
	a, b := as("ta", "", auth.RoleAdmin), as("tb", "", auth.RoleAdmin)
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
