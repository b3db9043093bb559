package store_test

import (
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/storetest"
)

// TestScopedBegin: the transaction's scope, sent with BEGIN as literals in one round trip,
// holds exactly the caller's tenant and application, whatever characters they carry
// (quotes, backslashes, SQL), and runs as the row-level-security role; a NUL byte is
// refused.
func TestScopedBegin(t *testing.T) {
	t.Parallel()
	st, _ := storetest.OpenWithConn(t)
	for _, app := range []string{"", "app_hr_sync", `x'); SELECT set_config('learnd.tenant_id', 'other', true); --`, `back\slash\'`} {
		ctx := auth.WithPrincipal(t.Context(), auth.Principal{TenantID: "t1", AppID: app, Role: auth.RoleManager})
		role, tenant, gotApp, err := storetest.ScopeSettings(ctx, st)
		if err != nil || role != "learnd_app" || tenant != "t1" || gotApp != app {
			t.Errorf("app %q: role %q tenant %q app %q, %v", app, role, tenant, gotApp, err)
		}
	}
	ctx := auth.WithPrincipal(t.Context(), auth.Principal{TenantID: "t1", AppID: "a\x00b"})
	if _, _, _, err := storetest.ScopeSettings(ctx, st); err == nil {
		t.Error("a NUL byte in the application id was accepted")
	}
}
