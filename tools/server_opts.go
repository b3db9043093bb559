package tools

import (
	"context"
	"log/slog"
	"runtime/debug"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// What every MCP server learnd builds carries besides its tools, resources and prompts:
// the instructions for the model and the guard against a panicking request.

const instructions = `learnd is a learning-management system. These tools act as the API key's user, ` +
	`with that user's permissions. Ids are typed strings (users per_…, groups grp_…, courses crs_…, ` +
	`chains chn_…, assignments asg_…); find them with find_user and find_course. Deadlines and ` +
	`schedules in inputs are Unix timestamps in seconds; dates in results are RFC 3339. Lists are ` +
	`bounded: pass the returned nextPageToken (or offset) to read more.`

// recoverRequests ends a request whose handler panicked with an internal error: go-sdk runs
// each request in a goroutine of its own without recover, where a panic would end the
// whole process (every session of every tenant).
func recoverRequests(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (res mcp.Result, err error) {
		defer func() {
			if v := recover(); v != nil {
				slog.Error("mcp: a request panicked", "method", method, "panic", v, "stack", string(debug.Stack()))
				res, err = nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "internal error"}
			}
		}()
		return next(ctx, method, req)
	}
}
