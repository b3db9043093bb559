package materials_test

import (
	"context"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

func TestTakeAIQuota(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	q := materials.AIQuota{PerKey: 3, PerTenant: 7}
	ctx := context.Background()
	keyCtx := func(tenant string) context.Context {
		c := storetest.As(tenant, "", auth.RoleManager)
		p, _ := auth.FromContext(c)
		p.KeyID, _ = typeid.New(typeid.APIKey)
		return auth.WithPrincipal(c, p)
	}
	a := keyCtx("quota-a")
	for i := range 3 {
		if err := materials.New(st).TakeAIQuota(a, q); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	err := materials.New(st).TakeAIQuota(a, q)
	e, ok := materials.IsQuotaExceeded(err)
	if !ok || e.Scope != "key" || e.Limit != 3 || e.RetryAfter <= 0 || e.RetryAfter > 24*time.Hour {
		t.Fatalf("4th call of a key: %v, want the key quota refused with a wait until midnight", err)
	}
	// The refused call counted nothing; other keys of the tenant share its 7.
	for i := range 4 {
		if err := materials.New(st).TakeAIQuota(keyCtx("quota-a"), q); err != nil {
			t.Fatalf("another key, call %d: %v", i+1, err)
		}
	}
	if _, ok := materials.IsQuotaExceeded(materials.New(st).TakeAIQuota(keyCtx("quota-a"), q)); !ok {
		t.Fatal("8th call of the tenant was allowed")
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count FROM ai_usage WHERE tenant_id = 'quota-a' AND subject = 'tenant'`).Scan(&n); err != nil || n != 7 {
		t.Fatalf("tenant counter = %d (%v), want 7", n, err)
	}
	// Another tenant is unaffected; a token caller without a key is counted per person.
	b := storetest.As("quota-b", "", auth.RoleManager)
	for i := range 3 {
		if err := materials.New(st).TakeAIQuota(b, q); err != nil {
			t.Fatalf("person call %d: %v", i+1, err)
		}
	}
	if e, ok := materials.IsQuotaExceeded(materials.New(st).TakeAIQuota(b, q)); !ok || e.Scope != "key" {
		t.Fatalf("4th call of a person: %v", e)
	}
}
