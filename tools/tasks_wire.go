package tools

// The wire side of tasks (tasks.go) that go-sdk v1.8.0 does not model: its
// ServerCapabilities has no tasks, its Tool no execution, and its CallToolParams drops
// params.task when it decodes a request. So:
//
//   - the transports lift a tools/call's params.task into params._meta[taskMetaKey]
//     before the SDK decodes it (liftTask: the HTTP body in HTTPHandler, the stdio
//     connection in liftTransport), where the middleware finds it;
//   - the middleware adds capabilities.tasks to the initialize result and
//     execution.taskSupport to each listed tool (as JSON beside what the SDK writes),
//     and answers a task-augmented tools/call with a CreateTaskResult.
//
// All of it only for sessions of protocol 2025-11-25, the version that defines these
// tasks (2026-07-28 moved them to an extension with another wire format).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// tasksProtocol is the protocol version whose tasks learnd serves.
const tasksProtocol = "2025-11-25"

// taskMetaKey carries a tools/call's params.task inside learnd, from the transport that
// lifted it to the middleware.
const taskMetaKey = "dev.learnd/task"

// tasksCapability is capabilities.tasks: tasks/get, tasks/result, tasks/list and
// tasks/cancel; tasks for tools/call.
var tasksCapability = map[string]any{
	"list":     map[string]any{},
	"cancel":   map[string]any{},
	"requests": map[string]any{"tools": map[string]any{"call": map[string]any{}}},
}

// tasksOn reports whether ss speaks the protocol of these tasks.
func tasksOn(ss *mcp.ServerSession) bool {
	if ss == nil {
		return false
	}
	p := ss.InitializeParams()
	return p != nil && p.ProtocolVersion == tasksProtocol
}

func (tk *tasks) middleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		ss, _ := req.GetSession().(*mcp.ServerSession)
		switch method {
		case "initialize":
			res, err := next(ctx, method, req)
			if ir, ok := res.(*mcp.InitializeResult); ok && err == nil && ir.ProtocolVersion == tasksProtocol {
				return &initializeWithTasks{ir}, nil
			}
			return res, err
		case "tools/list":
			res, err := next(ctx, method, req)
			if lr, ok := res.(*mcp.ListToolsResult); ok && err == nil && tasksOn(ss) {
				return &toolsWithExecution{lr, tk.support}, nil
			}
			return res, err
		case "tools/call":
			if cr, ok := req.(*mcp.CallToolRequest); ok && cr.Params != nil && tasksOn(ss) {
				if _, asked := cr.Params.Meta[taskMetaKey]; asked {
					return tk.call(withCallCredential(ctx, req.GetExtra()), next, cr)
				}
			}
		case "tasks/get", "tasks/result", "tasks/cancel", "tasks/list":
			ctx = withCallCredential(ctx, req.GetExtra())
		}
		return next(ctx, method, req)
	}
}

// call runs a task-augmented tools/call: a tool that supports tasks queues its job and
// the call answers the task; a tool that does not is refused (-32601, as the spec says).
// A call refused before a job was queued (input, permission, quota) is an error with the
// tool's message (-32602): there is no task to report it in.
func (tk *tasks) call(ctx context.Context, next mcp.MethodHandler, req *mcp.CallToolRequest) (mcp.Result, error) {
	name := req.Params.Name
	supports, known := tk.support[name]
	if !known {
		return next(ctx, "tools/call", req) // the SDK's own "unknown tool"
	}
	if !supports { // (go-sdk sends every -32601 with its own message: method not found: "tools/call")
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound,
			Message: fmt.Sprintf("tool %s does not support task-augmented execution (execution.taskSupport is forbidden); call it without task", name)}
	}
	t := &taskCall{}
	res, err := next(withTaskCall(ctx, t), "tools/call", req)
	if err != nil {
		return nil, err
	}
	if t.jobID == "" {
		msg := name + " queued no job"
		if cr, ok := res.(*mcp.CallToolResult); ok {
			for _, c := range cr.Content {
				if tc, ok := c.(*mcp.TextContent); ok {
					msg = tc.Text
				}
			}
		}
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: msg}
	}
	j, err := tk.job(ctx, &taskIDParams{TaskID: t.jobID}, false)
	if err != nil {
		// The client cannot learn of a job no task answers for: cancel it (its quota call
		// comes back), even when the request itself was cancelled.
		cctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_, _ = tk.job(cctx, &taskIDParams{TaskID: t.jobID}, true)
		stop()
		return nil, err
	}
	return &createTaskResult{Task: toTask(j)}, nil
}

// initializeWithTasks is an initialize result with capabilities.tasks.
type initializeWithTasks struct{ *mcp.InitializeResult }

func (r *initializeWithTasks) MarshalJSON() ([]byte, error) {
	return withField(r.InitializeResult, func(m map[string]json.RawMessage) error {
		caps := map[string]json.RawMessage{}
		if raw, ok := m["capabilities"]; ok {
			if err := json.Unmarshal(raw, &caps); err != nil {
				return err
			}
		}
		b, err := json.Marshal(tasksCapability)
		if err != nil {
			return err
		}
		caps["tasks"] = b
		m["capabilities"], err = json.Marshal(caps)
		return err
	})
}

// toolsWithExecution is a tools/list result whose tools say their taskSupport.
type toolsWithExecution struct {
	*mcp.ListToolsResult
	support map[string]bool
}

func (r *toolsWithExecution) MarshalJSON() ([]byte, error) {
	tools := make([]json.RawMessage, len(r.Tools))
	for i, t := range r.Tools {
		support := "forbidden"
		if r.support[t.Name] {
			support = "optional"
		}
		b, err := withField(t, func(m map[string]json.RawMessage) error {
			m["execution"] = json.RawMessage(`{"taskSupport":"` + support + `"}`)
			return nil
		})
		if err != nil {
			return nil, err
		}
		tools[i] = b
	}
	return withField(r.ListToolsResult, func(m map[string]json.RawMessage) (err error) {
		m["tools"], err = json.Marshal(tools)
		return err
	})
}

// withField is v's JSON object changed by edit.
func withField(v any, edit func(map[string]json.RawMessage) error) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if err := edit(m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// liftTask moves params.task of a tools/call request (one JSON-RPC message) into
// params._meta[taskMetaKey], where go-sdk keeps it; anything else is returned as is.
func liftTask(msg []byte) []byte {
	if !bytes.Contains(msg, []byte(`"task"`)) || !bytes.Contains(msg, []byte(`"tools/call"`)) {
		return msg
	}
	var req map[string]json.RawMessage
	if json.Unmarshal(msg, &req) != nil {
		return msg
	}
	var method string
	if json.Unmarshal(req["method"], &method) != nil || method != "tools/call" {
		return msg
	}
	params, ok := liftTaskParams(req["params"])
	if !ok {
		return msg
	}
	req["params"] = params
	out, err := json.Marshal(req)
	if err != nil {
		return msg
	}
	return out
}

// liftTaskParams is tools/call params with task moved into _meta (false: no task).
func liftTaskParams(raw json.RawMessage) (json.RawMessage, bool) {
	var params map[string]json.RawMessage
	if json.Unmarshal(raw, &params) != nil {
		return nil, false
	}
	task, ok := params["task"]
	if !ok || bytes.Equal(bytes.TrimSpace(task), []byte("null")) {
		return nil, false
	}
	meta := map[string]json.RawMessage{}
	if m, ok := params["_meta"]; ok && json.Unmarshal(m, &meta) != nil {
		return nil, false
	}
	meta[taskMetaKey] = task
	delete(params, "task")
	var err error
	if params["_meta"], err = json.Marshal(meta); err != nil {
		return nil, false
	}
	out, err := json.Marshal(params)
	return out, err == nil
}

// liftTransport is a transport whose incoming tools/call requests have their task lifted
// (liftTask): learnd mcp's stdio.
type liftTransport struct{ mcp.Transport }

func (t liftTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := t.Transport.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return liftConn{c}, nil
}

type liftConn struct{ mcp.Connection }

func (c liftConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if req, ok := msg.(*jsonrpc.Request); ok && err == nil && req.Method == "tools/call" {
		if params, ok := liftTaskParams(req.Params); ok {
			req.Params = params
		}
	}
	return msg, err
}
