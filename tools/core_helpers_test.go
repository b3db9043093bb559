package tools

// Helpers of the core tool tests (core_test.go): SDK clients and API keys for minted
// callers, MCP sessions and tool calls, and a transport that records request headers.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// coreCtx bounds a test's calls.
func coreCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// coreAPI is an SDK client for a fixture user's token (no retries).
func coreAPI(t *testing.T, env *servertest.Env, token string) *sdk.Client {
	t.Helper()
	c, err := sdk.New(env.URL, sdk.WithToken(token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

// coreKey creates an API key for u with the given scopes (through the API) and returns
// its secret.
func coreKey(t *testing.T, env *servertest.Env, u servertest.User, scopes ...client.APIKeyScope) string {
	t.Helper()
	if len(scopes) == 0 {
		scopes = []client.APIKeyScope{client.APIKeyScopeRead}
	}
	k, err := coreAPI(t, env, u.Token).LMS.Keys.Create(coreCtx(t), client.APIKeyCreate{Name: "mcp test", Scopes: &scopes})
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	return k.Key
}

// coreSession builds the MCP server for cfg and connects the official client to it in
// process. It fails the test when New fails.
func coreSession(t *testing.T, cfg Config) *mcp.ClientSession {
	t.Helper()
	cs, err := coreConnect(t, cfg)
	if err != nil {
		t.Fatalf("tools.New: %v", err)
	}
	return cs
}

// coreConnect is coreSession returning New's error.
func coreConnect(t *testing.T, cfg Config) (*mcp.ClientSession, error) {
	t.Helper()
	ctx := coreCtx(t)
	srv, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatalf("server connect: %v", err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "learnd-test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatalf("client connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs, nil
}

// coreCall calls a tool and returns its result (a protocol error fails the test).
func coreCall(t *testing.T, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(coreCtx(t), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("call %s: %v", name, err)
	}
	return res
}

// coreText is the text content of a result.
func coreText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	var b strings.Builder
	for _, c := range res.Content {
		tc, ok := c.(*mcp.TextContent)
		if !ok {
			t.Fatalf("content %T, want text", c)
		}
		b.WriteString(tc.Text)
	}
	return b.String()
}

// coreOK asserts a successful call, decodes its structured content into out and returns
// the text.
func coreOK(t *testing.T, cs *mcp.ClientSession, name string, args any, out any) string {
	t.Helper()
	res := coreCall(t, cs, name, args)
	text := coreText(t, res)
	if res.IsError {
		t.Fatalf("%s: tool error %q", name, text)
	}
	if out != nil {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			t.Fatalf("%s: structured content: %v", name, err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: decode structured content %s: %v", name, b, err)
		}
	}
	return text
}

// coreErr asserts a tool error and returns its text.
func coreErr(t *testing.T, cs *mcp.ClientSession, name string, args any) string {
	t.Helper()
	res := coreCall(t, cs, name, args)
	text := coreText(t, res)
	if !res.IsError {
		t.Fatalf("%s: got success %q, want a tool error", name, text)
	}
	return text
}

// coreTools lists the tool names a session sees.
func coreTools(t *testing.T, cs *mcp.ClientSession) map[string]*mcp.Tool {
	t.Helper()
	out := map[string]*mcp.Tool{}
	for tool, err := range cs.Tools(coreCtx(t), nil) {
		if err != nil {
			t.Fatalf("list tools: %v", err)
		}
		out[tool.Name] = tool
	}
	return out
}

// headerRecorder is an http.RoundTripper that records the request headers it forwards.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
}

func (h *headerRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.headers = append(h.headers, req.Header.Clone())
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (h *headerRecorder) all() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.headers...)
}
