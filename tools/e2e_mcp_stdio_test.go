package tools_test

import (
	"bytes"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
)

// TestE2EMCPStdio runs the built learnd binary as `learnd mcp` the way a desktop agent
// does (a subprocess speaking MCP on stdin/stdout, configured by LEARND_URL and
// LEARND_API_KEY) against a running server, driven by the official client's
// CommandTransport: the tools of the key (the local-file variant of the upload), a read
// and a write tool audited as surface mcp, a clean exit when the client hangs up, logs on
// stderr only; and a refused configuration exits 1 with the reason on stderr and
// nothing on stdout.
func TestE2EMCPStdio(t *testing.T) {
	t.Parallel()
	bin := mcpE2EBuild(t)
	env := servertest.Start(t)
	full := mcpE2ENewTenant(t, env, "stdio-full", "business", "full", false)
	ai := mcpE2ENewTenant(t, env, "stdio-ai", "enterprise", "full", true)
	none := mcpE2ENewTenant(t, env, "stdio-none", "starter", "none", false)
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	stdioCfg := tools.Config{LocalFiles: true}

	t.Run("tools", func(t *testing.T) {
		key := mcpE2EKey(t, env.URL, full.Admin.Token, rw...)
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "mcp")
		cmd.Env = mcpE2EEnv("LEARND_URL="+env.URL+"/", "LEARND_API_KEY="+key.Secret, "LEARND_LOG_FORMAT=text")
		cmd.Stderr = &stderr
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "learnd-e2e", Version: "1"}, nil).
			Connect(mcpE2ECtx(t), &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatalf("connect to learnd mcp: %v", err)
		}
		if info := cs.InitializeResult().ServerInfo; info.Name != "learnd" || info.Version != mcpE2EVersion {
			t.Errorf("server info %+v", info)
		}
		got, want := mcpE2EToolNames(t, cs), mcpE2EWant(stdioCfg, tools.KindRead, tools.KindWrite)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("tools\n got %v\nwant %v", got, want)
		}
		text, out := mcpE2ECall(t, cs, "find_user", map[string]any{"query": "quinn learner stdio-full", "limit": 5})
		users, _ := out["users"].([]any)
		if len(users) != 1 || users[0].(map[string]any)["id"] != full.Learner.ID || !strings.Contains(text, "Quinn Learner stdio-full") {
			t.Errorf("find_user: %q %v, want only %s", text, out, full.Learner.ID)
		}
		text, out = mcpE2EConfirmed(t, cs, "ban_user", map[string]any{"userId": full.Learner.ID})
		if out["id"] != full.Learner.ID || out["status"] != "banned" {
			t.Errorf("ban_user: %q %v", text, out)
		}
		if s := mcpE2EUserStatus(t, env, full.ID, full.Learner.ID); s != "banned" {
			t.Errorf("stored status %q, want banned", s)
		}
		surface, auditKey := mcpE2EAudit(t, env, full.ID, "user.ban", full.Learner.ID)
		if surface != "mcp" || auditKey != key.UUID {
			t.Errorf("audit user.ban: surface %q key %q, want mcp %s", surface, auditKey, key.UUID)
		}
		if err := cs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 0 {
			t.Errorf("learnd mcp exit: %v\n%s", cmd.ProcessState, stderr.String())
		}
		if logs := stderr.String(); !strings.Contains(logs, "serving over stdio") || !strings.Contains(logs, "client closed the connection") {
			t.Errorf("stderr %q, want the start and end logged", logs)
		}
	})

	t.Run("AI licence: upload reads local paths", func(t *testing.T) {
		key := mcpE2EKey(t, env.URL, ai.Admin.Token, rw...)
		cmd := exec.Command(bin, "mcp")
		cmd.Env = mcpE2EEnv("LEARND_URL="+env.URL, "LEARND_API_KEY="+key.Secret)
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "learnd-e2e", Version: "1"}, nil).
			Connect(mcpE2ECtx(t), &mcp.CommandTransport{Command: cmd}, nil)
		if err != nil {
			t.Fatalf("connect to learnd mcp: %v", err)
		}
		t.Cleanup(func() { _ = cs.Close() })
		res, err := cs.ListTools(mcpE2ECtx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
			if tool.Name == "upload_source_material" {
				schema, _ := tool.InputSchema.(map[string]any)
				props, _ := schema["properties"].(map[string]any)
				if _, ok := props["filePath"]; !ok || !strings.Contains(tool.Description, "local file") {
					t.Errorf("upload_source_material over stdio: %q %v", tool.Description, props)
				}
			}
		}
		slices.Sort(names)
		if want := mcpE2EWant(stdioCfg, tools.KindRead, tools.KindWrite, tools.KindAI); !slices.Equal(names, want) {
			t.Errorf("tools\n got %v\nwant %v", names, want)
		}
	})

	t.Run("refused", func(t *testing.T) {
		noneKey := mcpE2EKey(t, env.URL, none.Admin.Token, rw...).Secret
		cases := []struct {
			name string
			env  []string
			want string
		}{
			{"no key", []string{"LEARND_URL=" + env.URL}, "LEARND_API_KEY is not set"},
			{"unknown key", []string{"LEARND_URL=" + env.URL, "LEARND_API_KEY=lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "the API key is invalid, expired or revoked"},
			{"licence mcpAccess none", []string{"LEARND_URL=" + env.URL, "LEARND_API_KEY=" + noneKey}, "mcpAccess: none"},
			{"no server", []string{"LEARND_URL=http://127.0.0.1:1", "LEARND_API_KEY=" + noneKey}, "is learnd serving at LEARND_URL=http://127.0.0.1:1"},
		}
		for _, c := range cases {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "mcp")
			cmd.Env = mcpE2EEnv(c.env...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(mcpE2EInitialize+"\n"), &stdout, &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Errorf("%s: exit %v, want 1", c.name, err)
			}
			if stdout.Len() != 0 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("%s: stdout %q stderr %q, want nothing on stdout and %q on stderr", c.name, stdout.String(), stderr.String(), c.want)
			}
		}
	})
}
