package people_test

import (
	"context"
	"errors"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
)

// TestTenantsStarterLicence: full MCP access and AI authoring are Business and Enterprise
// features: the operator commands refuse them on the starter tier, and so does the table.
func TestTenantsStarterLicence(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	cases := []auth.Licence{
		{Tier: auth.TierStarter, MCPAccess: auth.MCPFull},
		{Tier: auth.TierStarter, MCPAccess: auth.MCPRead, MCPAIAccess: true},
	}
	for i, l := range cases {
		_, _, err := people.New(st).Tenants().CreateTenant(ctx, people.NewTenant{ID: "starter-" + string(rune('a'+i)), Name: "S", Licence: l})
		var ve *store.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("create %+v: err = %v, want a validation error", l, err)
		}
	}
	if _, _, err := people.New(st).Tenants().CreateTenant(ctx, people.NewTenant{ID: "starter-ok", Name: "S", Licence: auth.Licence{Tier: auth.TierStarter, MCPAccess: auth.MCPRead}}); err != nil {
		t.Fatalf("starter with read access: %v", err)
	}
	full := auth.MCPFull
	var ve *store.ValidationError
	if _, err := people.New(st).Tenants().SetLicence(ctx, "starter-ok", people.LicenceChange{MCPAccess: &full}); !errors.As(err, &ve) {
		t.Errorf("set-licence to full on starter: err = %v, want a validation error", err)
	}
	if _, err := conn.Exec(ctx, `UPDATE tenants SET mcp_ai_access = true WHERE id = 'starter-ok'`); err == nil {
		t.Error("the table accepted AI access on the starter tier")
	}
}
