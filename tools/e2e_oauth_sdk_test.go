package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/tools"
)

// TestOAuthTypeScriptSDK connects a client no one here wrote — the official TypeScript
// MCP SDK's OAuth client (npm @modelcontextprotocol/sdk, scripts/mcp-oauth-e2e) — to
// /mcp of the built binary's `learnd serve` by URL alone: discovery from the 401,
// registration, authorization with PKCE and the consent page driven in headless
// Chromium (API-key sign-in), the code exchange, tools/list and calls that act as the
// person (audited as them), refresh with rotation and the rotated token refused.
func TestOAuthTypeScriptSDK(t *testing.T) {
	t.Parallel()
	script := oauthTScript(t)
	bin := mcpE2EBuild(t)
	srv := mcpE2EServe(t, bin)
	tenant := mcpE2ENewTenant(t, srv.Env, "oauth-sdk", "business", "full", false)
	key := mcpE2EKey(t, srv.Env.URL, tenant.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	endpoint := srv.Env.URL + "/mcp"

	dir := os.Getenv("LEARND_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "mcp-oauth-consent.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "node", script, endpoint, key.Secret, "Quinn Learner "+tenant.ID, tenant.Learner.ID, shot)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = mcpE2EEnv("CHROMIUM_PATH=" + os.Getenv("CHROMIUM_PATH"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the TypeScript SDK's OAuth flow failed: %v\nstdout: %s\nstderr: %s\nserver: %s", err, stdout.String(), stderr.String(), srv.Logs())
	}
	t.Logf("screenshot: %s", shot)
	var got struct {
		ClientID        string            `json:"clientId"`
		AuthorizeParams map[string]string `json:"authorizeParams"`
		Consent         struct {
			URL, Client, RedirectHost string
			Scopes                    []string
		} `json:"consent"`
		TokenScope      string   `json:"tokenScope"`
		HasRefreshToken bool     `json:"hasRefreshToken"`
		Tools           []string `json:"tools"`
		FoundUsers      []string `json:"foundUsers"`
		Banned          string   `json:"banned"`
		Refresh         struct {
			Result             string
			Rotated, NewAccess bool
		} `json:"refresh"`
		AfterRefresh      string `json:"afterRefresh"`
		OldRefreshRefused any    `json:"oldRefreshRefused"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &got); err != nil {
		t.Fatalf("oauth.mjs printed %q: %v", stdout.String(), err)
	}
	if !strings.HasPrefix(got.ClientID, "mcp_") || got.AuthorizeParams["resource"] != endpoint ||
		got.AuthorizeParams["scope"] != "read write ai" || got.AuthorizeParams["code_challenge_method"] != "S256" {
		t.Errorf("registration and authorization request: client %q params %v", got.ClientID, got.AuthorizeParams)
	}
	if got.Consent.URL != srv.Env.URL+"/oauth/consent" || got.Consent.Client != "learnd e2e (TypeScript MCP SDK)" ||
		!strings.HasPrefix(got.Consent.RedirectHost, "127.0.0.1:") || !slices.Equal(got.Consent.Scopes, []string{"read", "write", "ai"}) {
		t.Errorf("consent page showed %+v", got.Consent)
	}
	// The tenant's licence has no AI authoring: the grant carries ai, the tools are read and write.
	if !got.HasRefreshToken || !strings.Contains(got.TokenScope, "read write ai") {
		t.Errorf("tokens: scope %q, refresh token %t", got.TokenScope, got.HasRefreshToken)
	}
	if want := mcpE2EWant(tools.Config{}, tools.KindRead, tools.KindWrite); !slices.Equal(got.Tools, want) {
		t.Errorf("tools/list\n got %v\nwant %v", got.Tools, want)
	}
	if !slices.Equal(got.FoundUsers, []string{tenant.Learner.ID}) || got.Banned != "banned" || got.AfterRefresh != "banned" {
		t.Errorf("tool calls: found %v, ban %q, after refresh %q", got.FoundUsers, got.Banned, got.AfterRefresh)
	}
	if got.Refresh.Result != "AUTHORIZED" || !got.Refresh.Rotated || !got.Refresh.NewAccess {
		t.Errorf("refresh: %+v", got.Refresh)
	}
	if got.OldRefreshRefused != "invalid_grant" {
		t.Errorf("the rotated refresh token: %v, want refused with invalid_grant", got.OldRefreshRefused)
	}
	// The ban acted as the admin who consented, through MCP, without their key.
	var actor string
	if err := srv.Env.DB(t).QueryRow(context.Background(), `SELECT surface || ' ' || actor_id::text || ' ' || coalesce(key_id::text, '-')
FROM audit_log WHERE tenant_id = $1 AND action = 'user.ban' AND target_id = $2`, tenant.ID, tenant.Learner.ID).Scan(&actor); err != nil ||
		actor != "mcp "+mcpE2EUUID(t, tenant.Admin.ID)+" -" {
		t.Errorf("audit user.ban: %q (%v), want surface mcp, the admin, no key", actor, err)
	}
	if surface, _ := mcpE2EAudit(t, srv.Env, tenant.ID, "oauth.grant", got.ClientID); surface != "mcp" {
		t.Errorf("audit oauth.grant: surface %q", surface)
	}
	srv.Stop(t)
}

// oauthTScript is scripts/mcp-oauth-e2e/oauth.mjs, with its packages and Chromium
// installed (scripts/ensure-browser.sh, which make test runs, installs what is missing).
func oauthTScript(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts", "mcp-oauth-e2e", "oauth.mjs")
	chromium := os.Getenv("CHROMIUM_PATH")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	_, errBrowser := os.Stat(chromium)
	_, errSDK := os.Stat(filepath.Join(root, "scripts", "mcp-oauth-e2e", "node_modules", "@modelcontextprotocol", "sdk"))
	if errBrowser != nil || errSDK != nil {
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "ensure-browser.sh"))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ensure-browser.sh: %v\n%s", err, out)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the TypeScript SDK test needs node: %v", err)
	}
	return script
}
