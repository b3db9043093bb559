package tools_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
)

// oauthTEnv is a server with learnd's authorization server and /mcp, and a tenant with
// an admin's API key (their sign-in on the consent page).
type oauthTEnv struct {
	env      *servertest.Env
	resource string
	tenant   mcpE2ETenant
	key      mcpE2EAPIKey
}

func oauthTStart(t *testing.T, tenant string, ai bool) oauthTEnv {
	t.Helper()
	env := servertest.Start(t, servertest.Options{OAuth: true, MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})
	ten := mcpE2ENewTenant(t, env, tenant, "enterprise", "full", ai)
	key := mcpE2EKey(t, env.URL, ten.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	return oauthTEnv{env: env, resource: env.URL + "/mcp", tenant: ten, key: key}
}

// oauthTClaims decodes a JWT's claims (the signature is the server's business).
func oauthTClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c map[string]any
	if err != nil || json.Unmarshal(b, &c) != nil {
		t.Fatalf("JWT claims: %v %s", err, b)
	}
	return c
}

// TestOAuthFlow is the whole flow with a raw client: discovery from the 401 of /mcp,
// registration, authorization with PKCE and the consent page (API-key sign-in), the code
// exchange, MCP tools acting as the person, and refresh-token rotation: the rotated
// token is refused and its reuse revokes the family.
func TestOAuthFlow(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-flow", true)
	base := o.env.URL

	r := mcpE2EPost(t, o.resource, mcpE2EInitialize)
	want := `resource_metadata="` + base + `/.well-known/oauth-protected-resource", scope="read write ai"`
	if r.Status != http.StatusUnauthorized || !strings.Contains(r.Header.Get("WWW-Authenticate"), want) {
		t.Fatalf("/mcp without credentials: %d WWW-Authenticate %q, want 401 with %s", r.Status, r.Header.Get("WWW-Authenticate"), want)
	}
	for _, p := range []string{"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"} {
		status, prm := oauthTJSON(t, http.MethodGet, base+p, "")
		servers, _ := prm["authorization_servers"].([]any)
		if status != http.StatusOK || prm["resource"] != o.resource || len(servers) != 1 || servers[0] != base {
			t.Errorf("%s: %d %v", p, status, prm)
		}
	}
	status, md := oauthTJSON(t, http.MethodGet, base+"/.well-known/oauth-authorization-server", "")
	if status != http.StatusOK || md["issuer"] != base || md["registration_endpoint"] != base+"/oauth/register" ||
		md["authorization_endpoint"] != base+"/oauth/authorize" || md["token_endpoint"] != base+"/oauth/token" ||
		!slices.Equal(anyStrings(md["code_challenge_methods_supported"]), []string{"S256"}) ||
		md["authorization_response_iss_parameter_supported"] != true {
		t.Fatalf("authorization server metadata: %d %v", status, md)
	}

	c := oauthTRegister(t, base, "http://127.0.0.1:9/callback")
	verifier, challenge := oauthTPKCE()
	code := c.code(t, challenge, o.resource, o.key.Secret)
	status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect},
		"code_verifier": {verifier}, "resource": {o.resource}})
	access, _ := tok["access_token"].(string)
	refresh, _ := tok["refresh_token"].(string)
	if status != http.StatusOK || access == "" || !strings.HasPrefix(refresh, "lr_") {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	claims := oauthTClaims(t, access)
	if claims["aud"] != o.resource && !slices.Contains(anyStrings(claims["aud"]), o.resource) || claims["iss"] != base ||
		claims["sub"] != o.tenant.Admin.ID || claims["tenant_id"] != o.tenant.ID || claims["role"] != "admin" ||
		claims["scope"] != "read write" || claims["client_id"] != c.id {
		t.Errorf("access token claims %v", claims)
	}
	surface, key := mcpE2EAudit(t, o.env, o.tenant.ID, "oauth.grant", c.id)
	if surface != "mcp" || key != "" {
		t.Errorf("audit oauth.grant: surface %q key %q, want mcp and no key", surface, key)
	}

	// MCP as the person: read and write tools (ai was not asked for), a write audited as them.
	cs, err := mcpE2EConnectHTTP(t, o.resource, "Authorization", "Bearer "+access)
	if err != nil {
		t.Fatalf("connect with the access token: %v", err)
	}
	if got, want := mcpE2EToolNames(t, cs), mcpE2EWant(tools.Config{}, tools.KindRead, tools.KindWrite); !slices.Equal(got, want) {
		t.Errorf("tools\n got %v\nwant %v", got, want)
	}
	_, sc := mcpE2EConfirmed(t, cs, "ban_user", map[string]any{"userId": o.tenant.Learner.ID})
	if sc["status"] != "banned" {
		t.Errorf("ban_user: %v", sc)
	}
	var actor string
	if err := o.env.DB(t).QueryRow(context.Background(), `SELECT surface || ' ' || actor_id::text || ' ' || coalesce(key_id::text, '-') FROM audit_log
WHERE tenant_id = $1 AND action = 'user.ban' AND target_id = $2`, o.tenant.ID, o.tenant.Learner.ID).Scan(&actor); err != nil ||
		actor != "mcp "+mcpE2EUUID(t, o.tenant.Admin.ID)+" -" {
		t.Errorf("audit user.ban: %q (%v), want surface mcp, the admin, no key", actor, err)
	}

	// The token is for /mcp only: the API refuses it.
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v2/me", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the API with an access token for /mcp: %v %v, want 401", res.StatusCode, err)
	}

	// Refresh with rotation.
	rotate := func(token string) (int, map[string]any) {
		return c.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}, "resource": {o.resource}})
	}
	status, next := rotate(refresh)
	refresh2, _ := next["refresh_token"].(string)
	access2, _ := next["access_token"].(string)
	if status != http.StatusOK || refresh2 == "" || refresh2 == refresh || access2 == "" {
		t.Fatalf("refresh: %d %v", status, next)
	}
	if _, sc := mcpE2ECall(t, cs, "get_user", map[string]any{"userId": o.tenant.Learner.ID}); sc["id"] != o.tenant.Learner.ID {
		t.Errorf("get_user after refresh: %v", sc)
	}
	if status, body := rotate(refresh); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("the rotated refresh token again: %d %v, want 400 invalid_grant", status, body)
	}
	if status, body := rotate(refresh2); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("the newest refresh token after a replay: %d %v, want 400 invalid_grant (family revoked)", status, body)
	}
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestOAuthRevocation ends grants: a refresh token revoked by its client (RFC 7009), and a
// person banned after granting — their access token stops at once and their refresh is
// refused.
func TestOAuthRevocation(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-revoke", false)
	manager := o.env.User(t, servertest.UserSpec{Tenant: o.tenant.ID, Role: "manager"})
	managerKey := mcpE2EKey(t, o.env.URL, manager.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	c := oauthTRegister(t, o.env.URL, "http://localhost:9/callback")
	grant := func(key string) (access, refresh string) {
		verifier, challenge := oauthTPKCE()
		status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {c.code(t, challenge, o.resource, key)},
			"redirect_uri": {c.redirect}, "code_verifier": {verifier}, "resource": {o.resource}})
		if status != http.StatusOK {
			t.Fatalf("code exchange: %d %v", status, tok)
		}
		access, _ = tok["access_token"].(string)
		refresh, _ = tok["refresh_token"].(string)
		return access, refresh
	}
	refreshes := func(refresh string) int {
		status, _ := c.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "resource": {o.resource}})
		return status
	}

	_, refresh := grant(o.key.Secret)
	if res, err := http.PostForm(o.env.URL+"/oauth/revoke", url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"}, "client_id": {c.id}}); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("revoke: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	if status := refreshes(refresh); status != http.StatusBadRequest {
		t.Errorf("a revoked refresh token: %d, want 400", status)
	}

	access, refresh := grant(managerKey.Secret)
	if r := mcpE2EPost(t, o.resource, mcpE2EInitialize, "Authorization", "Bearer "+access); r.Status != http.StatusOK {
		t.Fatalf("the manager's token before the ban: %d %s", r.Status, mcpE2EShort(r.Body))
	}
	if _, err := mcpE2EAPI(t, o.env.URL, o.tenant.Admin.Token).LMS.Users.Ban(mcpE2ECtx(t), nil, client.UserBan{UserId: manager.ID}); err != nil {
		t.Fatalf("ban: %v", err)
	}
	if r := mcpE2EPost(t, o.resource, mcpE2EInitialize, "Authorization", "Bearer "+access); r.Status != http.StatusUnauthorized {
		t.Errorf("a banned person's access token: %d, want 401", r.Status)
	}
	if status := refreshes(refresh); status != http.StatusBadRequest {
		t.Errorf("a banned person's refresh token: %d, want 400", status)
	}
}
