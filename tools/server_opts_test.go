package tools

import (
	"context"
	"errors"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestRecoverRequests: a request whose handler panics ends with an internal error instead
// of the process; others pass through untouched.
func TestRecoverRequests(t *testing.T) {
	t.Parallel()
	panicky := recoverRequests(func(context.Context, string, mcp.Request) (mcp.Result, error) { panic("boom") })
	res, err := panicky(t.Context(), "tasks/get", &mcp.ServerRequest[*mcp.CallToolParamsRaw]{})
	var we *jsonrpc.Error
	if res != nil || !errors.As(err, &we) || we.Code != jsonrpc.CodeInternalError {
		t.Errorf("a panicking handler: %v, %v; want an internal error", res, err)
	}
	want := &mcp.CallToolResult{}
	fine := recoverRequests(func(context.Context, string, mcp.Request) (mcp.Result, error) { return want, nil })
	if res, err := fine(t.Context(), "tools/call", &mcp.ServerRequest[*mcp.CallToolParamsRaw]{}); res != want || err != nil {
		t.Errorf("a handler that returns: %v, %v", res, err)
	}
}
