package tools_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
)

// TestE2EMCPHTTP drives /mcp of a real server over a real socket with the official
// client (streamable HTTP): the tools each licence and key scope sees, the refusals (no
// key, a JWT, a bad, revoked or unlicensed key: 401 problems before anything; another
// key on a session: 403), and a read and a write tool whose API calls are audited as
// surface mcp under the key.
func TestE2EMCPHTTP(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})
	endpoint := env.URL + "/mcp"
	none := mcpE2ENewTenant(t, env, "mcp-none", "starter", "none", false)
	read := mcpE2ENewTenant(t, env, "mcp-read", "business", "read", false)
	full := mcpE2ENewTenant(t, env, "mcp-full", "business", "full", false)
	ai := mcpE2ENewTenant(t, env, "mcp-ai", "enterprise", "full", true)
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	ro := []client.APIKeyScope{client.APIKeyScopeRead}
	httpCfg := tools.Config{} // over HTTP: LocalFiles false

	t.Run("tools per licence and scope", func(t *testing.T) {
		cases := []struct {
			name   string
			tenant mcpE2ETenant
			scopes []client.APIKeyScope
			bearer bool // Authorization: Bearer instead of X-MCP-Key
			want   []tools.Kind
		}{
			{"read licence", read, rw, false, []tools.Kind{tools.KindRead}},
			{"full licence, read-only key", full, ro, true, []tools.Kind{tools.KindRead}},
			{"full licence", full, rw, false, []tools.Kind{tools.KindRead, tools.KindWrite}},
			{"full+AI licence, read-only key", ai, ro, false, []tools.Kind{tools.KindRead}},
			{"full+AI licence", ai, rw, true, []tools.Kind{tools.KindRead, tools.KindWrite, tools.KindAI}},
		}
		for _, c := range cases {
			key := mcpE2EKey(t, env.URL, c.tenant.Admin.Token, c.scopes...).Secret
			header, value := "X-MCP-Key", key
			if c.bearer {
				header, value = "Authorization", "Bearer "+key
			}
			cs, err := mcpE2EConnectHTTP(t, endpoint, header, value)
			if err != nil {
				t.Fatalf("%s: connect: %v", c.name, err)
			}
			got, want := mcpE2EToolNames(t, cs), mcpE2EWant(httpCfg, c.want...)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%s: tools\n got %v\nwant %v", c.name, got, want)
			}
		}
		// The AI key over HTTP gets the upload that takes content, never a path.
		key := mcpE2EKey(t, env.URL, ai.Admin.Token, rw...).Secret
		cs, err := mcpE2EConnectHTTP(t, endpoint, "X-MCP-Key", key)
		if err != nil {
			t.Fatal(err)
		}
		res, err := cs.ListTools(mcpE2ECtx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range res.Tools {
			if tool.Name != "upload_source_material" {
				continue
			}
			schema, _ := tool.InputSchema.(map[string]any)
			props, _ := schema["properties"].(map[string]any)
			if _, ok := props["contentBase64"]; !ok || !strings.Contains(tool.Description, "cannot read files on your machine") {
				t.Errorf("upload_source_material over HTTP: %q %v", tool.Description, props)
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		noneKey := mcpE2EKey(t, env.URL, none.Admin.Token, rw...).Secret
		revoked := mcpE2EKey(t, env.URL, full.Admin.Token, rw...)
		if err := mcpE2EAPI(t, env.URL, full.Admin.Token).LMS.Keys.Revoke(mcpE2ECtx(t), revoked.ID); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		cases := []struct {
			name    string
			headers []string
			code    string
			detail  string
		}{
			{"no key", nil, "unauthorized", "send an API key"},
			{"a JWT", []string{"Authorization", "Bearer " + full.Admin.Token}, "unauthorized", "JWTs are not accepted"},
			{"a JWT as X-MCP-Key", []string{"X-MCP-Key", full.Admin.Token}, "unauthorized", "send an API key"},
			{"an unknown key", []string{"X-MCP-Key", "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "unauthorized", "invalid, expired or revoked"},
			{"a revoked key", []string{"X-MCP-Key", revoked.Secret}, "unauthorized", "invalid, expired or revoked"},
			{"licence mcpAccess none", []string{"Authorization", "Bearer " + noneKey}, "mcp_access_none", "mcpAccess: none"},
		}
		for _, c := range cases {
			r := mcpE2EPost(t, endpoint, mcpE2EInitialize, c.headers...)
			p := mcpE2EProblem(t, r, http.StatusUnauthorized)
			if *p.Code != c.code || !strings.Contains(*p.Detail, c.detail) || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: code %q detail %q (WWW-Authenticate %q), want %q containing %q", c.name, *p.Code, *p.Detail, r.Header.Get("WWW-Authenticate"), c.code, c.detail)
			}
			if r.Header.Get("Mcp-Session-Id") != "" {
				t.Errorf("%s: a session was started", c.name)
			}
		}
		if _, err := mcpE2EConnectHTTP(t, endpoint, "X-MCP-Key", noneKey); err == nil {
			t.Errorf("the official client connected with a key of a licence without MCP access")
		}

		// A session belongs to the key that started it.
		keyA := mcpE2EKey(t, env.URL, full.Admin.Token, rw...).Secret
		keyB := mcpE2EKey(t, env.URL, full.Admin.Token, rw...).Secret
		init := mcpE2EPost(t, endpoint, mcpE2EInitialize, "X-MCP-Key", keyA)
		sid := init.Header.Get("Mcp-Session-Id")
		if init.Status != http.StatusOK || sid == "" {
			t.Fatalf("initialize: %d %s", init.Status, mcpE2EShort(init.Body))
		}
		list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
		if r := mcpE2EPost(t, endpoint, list, "X-MCP-Key", keyB, "Mcp-Session-Id", sid); r.Status != http.StatusForbidden {
			t.Errorf("another key on the session: %d %s, want 403", r.Status, mcpE2EShort(r.Body))
		}
		if r := mcpE2EPost(t, endpoint, list, "Mcp-Session-Id", sid); r.Status != http.StatusUnauthorized {
			t.Errorf("no key on the session: %d %s, want 401", r.Status, mcpE2EShort(r.Body))
		}
		if r := mcpE2EPost(t, endpoint, list, "Authorization", "Bearer "+keyA, "Mcp-Session-Id", sid); r.Status != http.StatusOK || !strings.Contains(r.Body, `"find_user"`) {
			t.Errorf("the session's key (as a bearer): %d %s", r.Status, mcpE2EShort(r.Body))
		}
	})

	t.Run("body limits", func(t *testing.T) {
		// /mcp takes tool calls far beyond the API's 1 MB (a source material's content) up
		// to wire.MCPMaxBodyBytes, and refuses more with a 413 problem.
		key := mcpE2EKey(t, env.URL, full.Admin.Token, rw...).Secret
		init := mcpE2EPost(t, endpoint, mcpE2EInitialize, "X-MCP-Key", key)
		sid := init.Header.Get("Mcp-Session-Id")
		if init.Status != http.StatusOK || sid == "" {
			t.Fatalf("initialize: %d %s", init.Status, mcpE2EShort(init.Body))
		}
		call := func(size int) string {
			return `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"find_user","arguments":{"query":"` +
				strings.Repeat("a", size) + `"}}}`
		}
		r := mcpE2EPost(t, endpoint, call(3<<20), "X-MCP-Key", key, "Mcp-Session-Id", sid)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `"isError":true`) || !strings.Contains(r.Body, tools.MsgInvalidArguments) {
			t.Errorf("a 3 MB tool call: %d %s, want the tool's invalid-arguments error", r.Status, mcpE2EShort(r.Body))
		}
		r = mcpE2EPost(t, endpoint, call(wire.MCPMaxBodyBytes), "X-MCP-Key", key, "Mcp-Session-Id", sid)
		mcpE2EProblem(t, r, http.StatusRequestEntityTooLarge)
	})

	t.Run("read and write tools", func(t *testing.T) {
		key := mcpE2EKey(t, env.URL, full.Admin.Token, rw...)
		cs, err := mcpE2EConnectHTTP(t, endpoint, "Authorization", "Bearer "+key.Secret)
		if err != nil {
			t.Fatal(err)
		}
		text, out := mcpE2ECall(t, cs, "find_user", map[string]any{"query": "Quinn Learner mcp-full"})
		users, _ := out["users"].([]any)
		if len(users) != 1 || users[0].(map[string]any)["id"] != full.Learner.ID || !strings.Contains(text, full.Learner.ID) {
			t.Errorf("find_user: %q %v, want only %s", text, out, full.Learner.ID)
		}
		text, out = mcpE2EConfirmed(t, cs, "ban_user", map[string]any{"userId": full.Learner.ID})
		if out["id"] != full.Learner.ID || out["status"] != "banned" || !strings.Contains(text, "banned") {
			t.Errorf("ban_user: %q %v", text, out)
		}
		if s := mcpE2EUserStatus(t, env, full.ID, full.Learner.ID); s != "banned" {
			t.Errorf("stored status %q, want banned", s)
		}
		surface, auditKey := mcpE2EAudit(t, env, full.ID, "user.ban", full.Learner.ID)
		if surface != "mcp" || auditKey != key.UUID {
			t.Errorf("audit user.ban: surface %q key %q, want mcp %s", surface, auditKey, key.UUID)
		}
	})
}
