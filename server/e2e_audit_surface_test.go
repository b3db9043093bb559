package server_test

import (
	"context"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAuditSurface: a write records its surface — "mcp" when the learnd MCP server
// marks the request (X-Learnd-Surface: mcp), else "api" — with the actor, and the API key
// when the call was made with one.
func TestE2EAuditSurface(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	env.Licence(t, "surf", auth.TierEnterprise, auth.MCPFull, false)
	admin := env.User(t, servertest.UserSpec{Tenant: "surf", Role: auth.RoleAdmin})
	ctx := e2eCtx(t)
	jwtClient, err := sdk.New(env.URL, sdk.WithToken(admin.Token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwtClient.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "agent", Scopes: &[]client.APIKeyScope{"read", "write"}})
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	mcpClient, err := sdk.New(env.URL, sdk.WithHeader("X-MCP-Key", key.Key), sdk.WithHeader(wire.HeaderSurface, "mcp"), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		c       *sdk.Client
		surface string
		keyID   string
	}{
		{"jwt", jwtClient, "api", ""},
		{"mcp key", mcpClient, "mcp", key.Id},
	}
	db := env.DB(t)
	for _, c := range cases {
		g, err := c.c.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Group via " + c.name})
		if err != nil {
			t.Fatalf("%s: create group: %v", c.name, err)
		}
		var surface string
		var actor, keyID *string
		err = db.QueryRow(context.Background(), `SELECT surface, actor_id::text, key_id::text FROM audit_log WHERE tenant_id = 'surf' AND action = 'group.create' AND target_id = $1`, g.Id).Scan(&surface, &actor, &keyID)
		if err != nil {
			t.Fatalf("%s: audit row: %v", c.name, err)
		}
		wantActor, _ := typeid.Parse(typeid.Person, admin.ID)
		if surface != c.surface || actor == nil || *actor != wantActor.String() {
			t.Errorf("%s: surface %q actor %v, want %q %s", c.name, surface, actor, c.surface, wantActor)
		}
		gotKey := ""
		if keyID != nil {
			u, _ := typeid.Parse(typeid.APIKey, "key-"+*keyID)
			gotKey = typeid.Format(typeid.APIKey, u)
		}
		if gotKey != c.keyID {
			t.Errorf("%s: key %q, want %q", c.name, gotKey, c.keyID)
		}
	}
}
