package tools

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/server/servertest"
)

// TestTasksLiftedConnection: over learnd mcp's connection (liftTransport, as stdio has
// it), a raw tools/call with params.task (which go-sdk alone would drop) becomes a task;
// a task-augmented call of a tool without task support is -32601; a session of an older
// protocol is offered no tasks. No workers run here: the job stays queued until
// tasks/cancel, which gives its quota call back.
func TestTasksLiftedConnection(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{})
	w := wrNewWorld(t, env, "mcp-task-lift")
	key := w.key(w.admin)
	ctx := wrCtx(t)

	conn := func(version string) (call func(method, params string) *jsonrpc.Response, init json.RawMessage) {
		srv, err := New(ctx, Config{APIURL: env.URL, Key: key, Version: "test", Tasks: true})
		if err != nil {
			t.Fatal(err)
		}
		st, ct := mcp.NewInMemoryTransports()
		ss, err := srv.Connect(ctx, liftTransport{st}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ss.Close() })
		c, err := ct.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		id := 0
		call = func(method, params string) *jsonrpc.Response {
			t.Helper()
			id++
			msg, err := jsonrpc.DecodeMessage([]byte(`{"jsonrpc":"2.0","id":` + jsonNum(id) + `,"method":"` + method + `","params":` + params + `}`))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Write(ctx, msg); err != nil {
				t.Fatal(err)
			}
			for {
				m, err := c.Read(ctx)
				if err != nil {
					t.Fatalf("%s: %v", method, err)
				}
				if r, ok := m.(*jsonrpc.Response); ok {
					return r
				}
			}
		}
		r := call("initialize", `{"protocolVersion":"`+version+`","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}`)
		if r.Error != nil {
			t.Fatalf("initialize: %v", r.Error)
		}
		note, _ := jsonrpc.DecodeMessage([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}`))
		if err := c.Write(ctx, note); err != nil {
			t.Fatal(err)
		}
		return call, r.Result
	}

	call, init := conn(tasksProtocol)
	if !strings.Contains(string(init), `"tasks":{`) {
		t.Errorf("initialize of %s: no capabilities.tasks in %s", tasksProtocol, init)
	}
	r := call("tools/call", `{"name":"create_course_from_prompt","arguments":{"prompt":"Forklift basics","modules":1},"task":{"ttl":60000}}`)
	var created struct {
		Task taskOut `json:"task"`
	}
	if r.Error != nil || json.Unmarshal(r.Result, &created) != nil || !strings.HasPrefix(created.Task.TaskID, "gen_") || created.Task.Status != "working" {
		t.Fatalf("task-augmented tools/call: %s (%v)", r.Result, r.Error)
	}
	r = call("tools/call", `{"name":"find_user","arguments":{"query":"Ada"},"task":{}}`)
	if we := (*jsonrpc.Error)(nil); !errors.As(r.Error, &we) || we.Code != jsonrpc.CodeMethodNotFound {
		t.Errorf("task-augmented find_user: %s (%v), want -32601", r.Result, r.Error)
	}
	// Missing, null or empty params are invalid params, not a crash of the process.
	for _, params := range []string{`null`, `{}`, `{"taskId":null}`, `{"taskId":"gen_"}`} {
		for _, method := range []string{"tasks/get", "tasks/result", "tasks/cancel"} {
			r := call(method, params)
			if we := (*jsonrpc.Error)(nil); !errors.As(r.Error, &we) || we.Code != jsonrpc.CodeInvalidParams {
				t.Errorf("%s with params %s: %s (%v), want -32602", method, params, r.Result, r.Error)
			}
		}
	}
	r = call("tasks/cancel", `{"taskId":"`+created.Task.TaskID+`"}`)
	var cancelled taskOut
	if r.Error != nil || json.Unmarshal(r.Result, &cancelled) != nil || cancelled.Status != "cancelled" {
		t.Errorf("tasks/cancel: %s (%v)", r.Result, r.Error)
	}
	if n := w.count(`SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1 AND subject = 'tenant'`, w.tenant); n != 0 {
		t.Errorf("AI quota used %d after tasks/cancel, want 0", n)
	}

	// 2025-06-18: no tasks; the generation tool answers as ever, and lists no execution.
	old, init := conn("2025-06-18")
	if strings.Contains(string(init), `"tasks"`) {
		t.Errorf("initialize of 2025-06-18 offers tasks: %s", init)
	}
	if r := old("tools/list", `{}`); r.Error != nil || strings.Contains(string(r.Result), `"execution"`) {
		t.Errorf("tools/list of 2025-06-18: execution listed or %v", r.Error)
	}
	r = old("tools/call", `{"name":"create_course_from_prompt","arguments":{"prompt":"Ladder basics","modules":1},"task":{}}`)
	var plain struct {
		StructuredContent generationQueuedOut `json:"structuredContent"`
	}
	if r.Error != nil || json.Unmarshal(r.Result, &plain) != nil || plain.StructuredContent.Status != "queued" {
		t.Errorf("tools/call of 2025-06-18: %s (%v), want the queued job", r.Result, r.Error)
	}
	if plain.StructuredContent.JobID != "" { // the key's person is the admin
		if _, err := w.api.LMS.AI.CancelCourseGeneration(ctx, plain.StructuredContent.JobID); err != nil {
			t.Errorf("cancel the plain call's job: %v", err)
		}
	}
}

func jsonNum(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestLiftTask: params.task of a tools/call moves into _meta (beside what _meta held);
// every other message passes unchanged.
func TestLiftTask(t *testing.T) {
	t.Parallel()
	in := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":{"task":"not this"},"_meta":{"progressToken":"p"},"task":{"ttl":5}}}`
	var got struct {
		ID     int    `json:"id"`
		Method string `json:"method"`
		Params struct {
			Name      string
			Arguments map[string]string
			Meta      map[string]any `json:"_meta"`
			Task      any            `json:"task"`
		} `json:"params"`
	}
	if err := json.Unmarshal(liftTask([]byte(in)), &got); err != nil {
		t.Fatal(err)
	}
	task, _ := got.Params.Meta[taskMetaKey].(map[string]any)
	if got.ID != 7 || got.Method != "tools/call" || got.Params.Name != "x" || got.Params.Arguments["task"] != "not this" ||
		got.Params.Meta["progressToken"] != "p" || task["ttl"] != float64(5) || got.Params.Task != nil {
		t.Errorf("lifted: %+v", got)
	}
	for _, same := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"task":"y"}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"taskId":"gen_x","task":{}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","task":null}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","task":{}}}]`,
		`{"method":"tools/call","params":{"task":{}`,
	} {
		if out := liftTask([]byte(same)); string(out) != same {
			t.Errorf("%s became %s", same, out)
		}
	}
}
