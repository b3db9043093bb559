package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/tools"
)

// TestE2EMCPInspectorStrict runs the MCP Inspector 2.x CLI's schema lint (`--method
// tools/list --strict`, pinned in scripts/mcp-inspector-strict) against /mcp over
// streamable HTTP with a key that lists every tool: 0 errors and 0 warnings.
func TestE2EMCPInspectorStrict(t *testing.T) {
	t.Parallel()
	inspector := mcpE2EInspectorStrict(t)
	env, _ := fitReplica(t, nil)
	ten := mcpE2ENewTenant(t, env, "strict", "enterprise", "full", true)
	key := mcpE2EKey(t, env.URL, ten.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, inspector, "--cli", env.URL+"/mcp", "--transport", "http",
		"--header", "X-MCP-Key: "+key.Secret, "--method", "tools/list", "--strict")
	cmd.Dir = t.TempDir() // no package.json above it to trip over
	cmd.Env = mcpE2EEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || strings.Contains(stderr.String(), "Warning:") || strings.Contains(stderr.String(), "Error:") {
		t.Fatalf("inspector --strict: %v\nstderr: %s", err, stderr.String())
	}
	var out struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("inspector tools/list printed %s: %v", mcpE2EShort(stdout.String()), err)
	}
	var names []string
	for _, tl := range out.Tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	if want := mcpE2EWant(tools.Config{}, tools.KindRead, tools.KindWrite, tools.KindAI); !slices.Equal(names, want) {
		t.Errorf("inspector tools/list\n got %v\nwant %v", names, want)
	}
	t.Logf("inspector --strict stderr: %q", stderr.String())
}

// mcpE2EInspectorStrict is the Inspector 2.x CLI of scripts/mcp-inspector-strict,
// installed by scripts/ensure-inspector-strict.sh (run here when it is missing).
func mcpE2EInspectorStrict(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the MCP Inspector CLI needs node: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "ensure-inspector-strict.sh"))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ensure-inspector-strict.sh: %v\n%s", err, out)
	}
	return filepath.Join(root, "scripts", "mcp-inspector-strict", "node_modules", ".bin", "mcp-inspector")
}
