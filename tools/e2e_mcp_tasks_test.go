package tools_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
	"github.com/learnd/learnd/typeid"
)

// holdGenerator is the offline generator, except that a prompt containing "HOLD" is
// generated until its job's context ends; stopped receives why.
type holdGenerator struct {
	ai.Generator
	stopped chan error
}

func (g *holdGenerator) Course(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	if !strings.Contains(req.Prompt, "HOLD") {
		return g.Generator.Course(ctx, req)
	}
	<-ctx.Done()
	g.stopped <- ctx.Err()
	return ai.Course{}, ctx.Err()
}

// mcpE2ETask is a task as tasks.mjs prints it.
type mcpE2ETask struct {
	TaskID, Status, StatusMessage, CreatedAt, LastUpdatedAt string
	TTL                                                     *int64
	PollInterval                                            int64
}

type mcpE2ECallResult struct {
	Meta              map[string]struct{ TaskID string } `json:"_meta"`
	StructuredContent struct{ JobID, Status, CourseID, Message string }
	IsError           bool
}

// TestE2EMCPTasksTypeScript: the official TypeScript SDK (scripts/mcp-oauth-e2e/tasks.mjs)
// generates a course as an MCP task — tools/call with task, tasks/get polled until
// completed, tasks/result with the course, read again on another replica — and cancels a
// second one while it is being generated: the generator stops, the job is cancelled and its AI quota call given back.
// Another person's key cannot see or list either task; tasks/list lists the person's
// jobs; a tool without task support refuses a task-augmented call; a call without task
// still answers a jobId.
func TestE2EMCPTasksTypeScript(t *testing.T) {
	t.Parallel()
	script := filepath.Join(filepath.Dir(mcpE2EFeaturesScript(t)), "tasks.mjs")
	gen := &holdGenerator{Generator: offline.New(), stopped: make(chan error, 1)}
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: gen, MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})
	ten := mcpE2ENewTenant(t, env, "mcp-tasks", "enterprise", "full", true)
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	key := mcpE2EKey(t, env.URL, ten.Admin.Token, rw...)
	other := env.User(t, servertest.UserSpec{Tenant: ten.ID, Role: auth.RoleAdmin, Name: "Olga Other"})
	otherKey := mcpE2EKey(t, env.URL, other.Token, rw...)
	// A second replica on the same database, without workers: it answers for the task too.
	two := servertest.Start(t, servertest.Options{DatabaseURL: env.DBURL, MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})

	var got struct {
		Capabilities struct {
			Tasks struct {
				List     *struct{} `json:"list"`
				Cancel   *struct{} `json:"cancel"`
				Requests struct {
					Tools struct {
						Call *struct{} `json:"call"`
					} `json:"tools"`
				} `json:"requests"`
			} `json:"tasks"`
		} `json:"capabilities"`
		TaskSupport map[string]*string `json:"taskSupport"`
		First       struct {
			Created  mcpE2ETask
			Statuses []string
			Result   mcpE2ECallResult
			Error    string
		}
		FirstElsewhere       mcpE2ETask
		FirstResultElsewhere mcpE2ECallResult
		Second               struct {
			Created, Running, Cancelled, After mcpE2ETask
			Result                             mcpE2ECallResult
			CancelAgain                        string
			Error                              string
		}
		Other struct {
			Get, Result, Cancel string
			List                []string
		}
		List      []string
		Forbidden string
		Plain     struct{ JobID, Status, CourseID string }
		Status    struct{ JobID, Status string }
	}
	mcpE2ENode(t, 2*time.Minute, nil, &got, script, env.URL+"/mcp", key.Secret, otherKey.Secret, two.URL+"/mcp")

	if got.Capabilities.Tasks.List == nil || got.Capabilities.Tasks.Cancel == nil || got.Capabilities.Tasks.Requests.Tools.Call == nil {
		t.Errorf("capabilities.tasks: %+v", got.Capabilities.Tasks)
	}
	for name, want := range map[string]string{"create_course_from_prompt": "optional", "create_course_from_files": "optional",
		"get_course_generation_status": "forbidden", "find_user": "forbidden"} {
		if s := got.TaskSupport[name]; s == nil || *s != want {
			t.Errorf("%s: execution.taskSupport %v, want %s", name, s, want)
		}
	}

	// 1. The task is the job; it completed with the course, as tasks/result says.
	first, db := got.First, env.DB(t)
	if first.Error != "" || first.Created.Status != "working" || !strings.HasPrefix(first.Created.TaskID, "gen_") ||
		first.Created.TTL != nil || first.Created.PollInterval <= 0 || first.Created.CreatedAt == "" {
		t.Fatalf("task created %+v (error %q)", first.Created, first.Error)
	}
	if len(first.Statuses) == 0 || first.Statuses[len(first.Statuses)-1] != "completed" {
		t.Errorf("tasks/get statuses %v, want them to end completed", first.Statuses)
	}
	res := first.Result
	if res.IsError || res.StructuredContent.Status != "completed" || res.StructuredContent.JobID != first.Created.TaskID ||
		!strings.HasPrefix(res.StructuredContent.CourseID, "crs_") || res.Meta["io.modelcontextprotocol/related-task"].TaskID != first.Created.TaskID {
		t.Errorf("tasks/result: %+v", res)
	}
	jobStatus := func(taskID string) string {
		t.Helper()
		id, err := typeid.Parse("gen", taskID)
		if err != nil {
			t.Fatalf("task id %q: %v", taskID, err)
		}
		var s string
		if err := db.QueryRow(t.Context(), `SELECT status FROM generation_jobs WHERE tenant_id = $1 AND id = $2`, ten.ID, id).Scan(&s); err != nil {
			t.Fatalf("job of task %s: %v", taskID, err)
		}
		return s
	}
	if s := jobStatus(first.Created.TaskID); s != "completed" {
		t.Errorf("job of the first task: %s, want completed", s)
	}
	if n := mcpE2ECount(t, db, `SELECT count(*) FROM courses WHERE tenant_id = $1 AND id = $2`, ten.ID, mustTypeID(t, res.StructuredContent.CourseID)); n != 1 {
		t.Errorf("the task's course %s: %d rows", res.StructuredContent.CourseID, n)
	}
	if got.FirstElsewhere.Status != "completed" || got.FirstResultElsewhere.StructuredContent.CourseID != res.StructuredContent.CourseID {
		t.Errorf("the task from the key's session on another replica: %+v, result %+v", got.FirstElsewhere, got.FirstResultElsewhere)
	}

	// 2. Cancelled while generating: the generator stopped, nothing charged.
	second := got.Second
	if second.Error != "" || !strings.HasPrefix(second.Running.StatusMessage, "Generating") {
		t.Fatalf("second task: %+v", second)
	}
	if second.Cancelled.Status != "cancelled" || second.After.Status != "cancelled" || second.Result.StructuredContent.Status != "cancelled" {
		t.Errorf("cancelled task: cancel %+v, then %+v, result %+v", second.Cancelled, second.After, second.Result)
	}
	if !strings.Contains(second.CancelAgain, "-32602") || !strings.Contains(second.CancelAgain, "terminal") {
		t.Errorf("cancelling a cancelled task: %s", second.CancelAgain)
	}
	select {
	case err := <-gen.stopped:
		if err == nil {
			t.Error("the generator stopped without its context ending")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the generator still runs 20 s after tasks/cancel")
	}
	if s := jobStatus(second.Created.TaskID); s != "cancelled" {
		t.Errorf("job of the cancelled task: %s", s)
	}
	// Three jobs (the two tasks and the plain call), one cancelled: two quota calls.
	if n := mcpE2ECount(t, db, `SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1 AND subject = 'tenant'`, ten.ID); n != 2 {
		t.Errorf("AI quota used %d, want 2 (the cancelled task's given back)", n)
	}
	if n := mcpE2ECount(t, db, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'course.generate.cancel' AND surface = 'mcp'`, ten.ID); n != 1 {
		t.Errorf("course.generate.cancel audits (surface mcp) = %d, want 1", n)
	}

	// 3. Not another person's.
	for what, e := range map[string]string{"tasks/get": got.Other.Get, "tasks/result": got.Other.Result, "tasks/cancel": got.Other.Cancel} {
		if !strings.Contains(e, "-32602") || !strings.Contains(e, "Task not found") {
			t.Errorf("another person's %s: %s", what, e)
		}
	}

	if len(got.Other.List) != 0 {
		t.Errorf("another person's tasks/list: %v, want nothing", got.Other.List)
	}

	// 4. A tool without task support; and no task, no change.
	// (go-sdk words every -32601 itself: method not found: "tools/call".)
	if !strings.Contains(got.Forbidden, "-32601") {
		t.Errorf("task-augmented get_course_generation_status: %s", got.Forbidden)
	}
	if !strings.HasPrefix(got.Plain.JobID, "gen_") || got.Plain.CourseID != "" || !slices.Contains([]string{"queued", "running"}, got.Plain.Status) {
		t.Errorf("create_course_from_prompt without task: %+v", got.Plain)
	}
	if got.Status.JobID != first.Created.TaskID || got.Status.Status != "completed" {
		t.Errorf("get_course_generation_status of the task's job: %+v", got.Status)
	}

	// 5. tasks/list: the person's three jobs, newest first.
	if len(got.List) != 3 || !strings.HasPrefix(got.List[0], got.Plain.JobID+" ") ||
		got.List[1] != second.Created.TaskID+" cancelled" || got.List[2] != first.Created.TaskID+" completed" {
		t.Errorf("tasks/list: %v", got.List)
	}
}

func mustTypeID(t *testing.T, id string) any {
	t.Helper()
	u, err := typeid.Parse("crs", id)
	if err != nil {
		t.Fatalf("%q: %v", id, err)
	}
	return u
}

func mcpE2ECount(t *testing.T, db *pgx.Conn, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
