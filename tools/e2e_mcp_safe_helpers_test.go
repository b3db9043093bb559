package tools_test

import (
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpE2EConfirmed makes a write that needs confirmation the way a client without
// elicitation does: a dry run, then the call with the dry run's planHash.
func mcpE2EConfirmed(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (string, map[string]any) {
	t.Helper()
	dry := map[string]any{"dryRun": true}
	for k, v := range args {
		dry[k] = v
	}
	_, plan := mcpE2ECall(t, cs, name, dry)
	hash, _ := plan["planHash"].(string)
	if plan["dryRun"] != true || hash == "" {
		t.Fatalf("%s dry run: %v", name, plan)
	}
	confirmed := map[string]any{"planHash": hash}
	for k, v := range args {
		confirmed[k] = v
	}
	return mcpE2ECall(t, cs, name, confirmed)
}
