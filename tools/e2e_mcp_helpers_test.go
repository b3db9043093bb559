package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
	"github.com/learnd/learnd/typeid"
)

// The end-to-end tests of the MCP transports (helper names start with mcpE2E): the
// official Go client over streamable HTTP and over stdio (the built learnd binary), and
// the MCP Inspector CLI against `learnd serve`.

// mcpE2ECtx bounds a test's calls.
func mcpE2ECtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// mcpE2EAPI is an SDK client of the API at url with token (no retries).
func mcpE2EAPI(t *testing.T, url, token string) *sdk.Client {
	t.Helper()
	c, err := sdk.New(url, sdk.WithToken(token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

// mcpE2EAPIKey is an API key the tests created.
type mcpE2EAPIKey struct {
	Secret string // lk_…
	ID     string // key_…
	UUID   string // as audit_log.key_id holds it
}

// mcpE2EKey creates an API key with scopes for the user of token.
func mcpE2EKey(t *testing.T, url, token string, scopes ...client.APIKeyScope) mcpE2EAPIKey {
	t.Helper()
	k, err := mcpE2EAPI(t, url, token).LMS.Keys.Create(mcpE2ECtx(t), client.APIKeyCreate{Name: "mcp e2e", Scopes: &scopes})
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	u, err := typeid.Parse(typeid.APIKey, k.Id)
	if err != nil {
		t.Fatalf("key id %s: %v", k.Id, err)
	}
	return mcpE2EAPIKey{Secret: k.Key, ID: k.Id, UUID: u.String()}
}

// mcpE2ETenant is a tenant with a licence, an admin and a learner (the admin may ban).
type mcpE2ETenant struct {
	ID      string
	Admin   servertest.User
	Learner servertest.User
}

func mcpE2ENewTenant(t *testing.T, env *servertest.Env, id, tier, access string, ai bool) mcpE2ETenant {
	t.Helper()
	env.Licence(t, id, tier, access, ai)
	return mcpE2ETenant{
		ID:      id,
		Admin:   env.User(t, servertest.UserSpec{Tenant: id, Role: auth.RoleAdmin}),
		Learner: env.User(t, servertest.UserSpec{Tenant: id, Role: auth.RoleLearner, Name: "Quinn Learner " + id}),
	}
}

// mcpE2EHeader adds a header to every request (the MCP client's key).
type mcpE2EHeader struct {
	name, value string
}

func (h mcpE2EHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// mcpE2EConnectHTTP connects the official client to endpoint over streamable HTTP,
// sending header: value with every request.
func mcpE2EConnectHTTP(t *testing.T, endpoint, header, value string) (*mcp.ClientSession, error) {
	t.Helper()
	tr := &mcp.StreamableClientTransport{
		Endpoint:   endpoint,
		HTTPClient: &http.Client{Transport: mcpE2EHeader{header, value}},
		MaxRetries: -1,
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "learnd-e2e", Version: "1"}, nil).Connect(mcpE2ECtx(t), tr, nil)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs, nil
}

// mcpE2EInitialize is an MCP initialize request.
const mcpE2EInitialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// mcpE2ERaw is a response to mcpE2EPost.
type mcpE2ERaw struct {
	Status int
	Header http.Header
	Body   string
}

// mcpE2EPost posts a JSON-RPC body to an MCP endpoint with headers (name, value, …).
func mcpE2EPost(t *testing.T, endpoint, body string, headers ...string) mcpE2ERaw {
	t.Helper()
	req, err := http.NewRequestWithContext(mcpE2ECtx(t), http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", endpoint, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("POST %s: read: %v", endpoint, err)
	}
	return mcpE2ERaw{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// mcpE2EShort cuts s for a failure message.
func mcpE2EShort(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// mcpE2EProblem decodes a problem response, failing unless it has status.
func mcpE2EProblem(t *testing.T, r mcpE2ERaw, status int) client.Problem {
	t.Helper()
	if r.Status != status || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d (%s) %s, want a %d problem", r.Status, r.Header.Get("Content-Type"), mcpE2EShort(r.Body), status)
	}
	var p client.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("problem %s: %v", r.Body, err)
	}
	if p.Status != status || p.Detail == nil || p.Code == nil || p.RequestId == nil || *p.RequestId != r.Header.Get("X-Request-Id") {
		t.Fatalf("problem %s: want status %d with detail, code and the request id", r.Body, status)
	}
	return p
}

// mcpE2EToolNames lists the tools a session sees, sorted.
func mcpE2EToolNames(t *testing.T, cs *mcp.ClientSession) []string {
	t.Helper()
	var names []string
	for tool, err := range cs.Tools(mcpE2ECtx(t), nil) {
		if err != nil {
			t.Fatalf("list tools: %v", err)
		}
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

// mcpE2EWant is the sorted names of the registered tools of kinds enabled for cfg.
func mcpE2EWant(cfg tools.Config, kinds ...tools.Kind) []string {
	var names []string
	for _, k := range kinds {
		names = append(names, tools.Names(k, cfg)...)
	}
	slices.Sort(names)
	return names
}

// mcpE2ECall calls a tool, fails the test on a protocol or tool error, and returns the
// text content and the structured content.
func mcpE2ECall(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (string, map[string]any) {
	t.Helper()
	res, err := cs.CallTool(mcpE2ECtx(t), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError {
		t.Fatalf("call %s: tool error %q", name, text.String())
	}
	var structured map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &structured); err != nil {
		t.Fatalf("call %s: structured content %s: %v", name, b, err)
	}
	return text.String(), structured
}

// mcpE2EAudit is the surface and the key (uuid text, "" without one) of the audit row of
// action on target in tenant.
func mcpE2EAudit(t *testing.T, env *servertest.Env, tenant, action, target string) (surface, key string) {
	t.Helper()
	var keyID *string
	err := env.DB(t).QueryRow(context.Background(),
		`SELECT surface, key_id::text FROM audit_log WHERE tenant_id = $1 AND action = $2 AND target_id = $3`,
		tenant, action, target).Scan(&surface, &keyID)
	if err != nil {
		t.Fatalf("audit row %s %s: %v", action, target, err)
	}
	if keyID != nil {
		key = *keyID
	}
	return surface, key
}

// mcpE2EUserStatus is a user's status as stored.
func mcpE2EUserStatus(t *testing.T, env *servertest.Env, tenant, id string) string {
	t.Helper()
	var status string
	err := env.DB(t).QueryRow(context.Background(),
		`SELECT status FROM users WHERE tenant_id = $1 AND id = $2`, tenant, mcpE2EUUID(t, id)).Scan(&status)
	if err != nil {
		t.Fatalf("user %s: %v", id, err)
	}
	return status
}

// mcpE2EUUID is the uuid of a per_ id.
func mcpE2EUUID(t *testing.T, id string) string {
	t.Helper()
	u, err := typeid.Parse(typeid.Person, id)
	if err != nil {
		t.Fatalf("parse %s: %v", id, err)
	}
	return u.String()
}

// mcpE2EVersion is the version mcpE2EBuild builds learnd as (MCP's serverInfo.version).
const mcpE2EVersion = "v0.0.0-e2e"

// mcpE2EBuild builds the learnd binary, as version mcpE2EVersion, into a temporary
// directory and returns its path.
func mcpE2EBuild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "learnd")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	cmd := exec.Command(gobin, "build", "-ldflags", "-X main.version="+mcpE2EVersion, "-o", bin, "github.com/learnd/learnd")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build learnd: %v\n%s", err, out.String())
	}
	return bin
}

// mcpE2EEnv is a minimal environment for a learnd subprocess plus extra (KEY=VALUE).
func mcpE2EEnv(extra ...string) []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	return append(out, extra...)
}

// mcpE2ENode runs script (a .mjs of scripts/mcp-oauth-e2e) with node and args within
// timeout and decodes the JSON it prints into out; a failure ends the test with what the
// script wrote (and logs, when given: the server's). It returns what the script printed.
func mcpE2ENode(t *testing.T, timeout time.Duration, logs func() string, out any, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = mcpE2EEnv()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		more := ""
		if logs != nil {
			more = "\nserver: " + logs()
		}
		t.Fatalf("%s: %v\nstdout: %s\nstderr: %s%s", filepath.Base(script), err, stdout.String(), stderr.String(), more)
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), out); err != nil {
		t.Fatalf("%s printed %q: %v", filepath.Base(script), stdout.String(), err)
	}
	return stdout.String()
}
