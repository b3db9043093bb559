package tools

// Course generation as an MCP task (tasks of protocol 2025-11-25, "basic/utilities/tasks";
// the official TypeScript SDK's client.experimental.tasks). A client that sends
// tools/call for create_course_from_prompt or create_course_from_files with params.task
// gets a CreateTaskResult at once instead of the tool's result; the task is the
// generation job: its id is the jobId (gen_…), its state is read from the API on every
// tasks/get, so it survives a restart or another replica answering, and it is the job
// requester's alone (the API shows a job to nobody else: 404, "task not found").
// tasks/result waits for the job and answers the CallToolResult the tool gives when it
// waited for the job itself (a progressToken); tasks/cancel is the API's cancel (the job
// stops, its AI quota call is given back); tasks/list is the API's list of the caller's
// jobs. Every other tool declares taskSupport
// forbidden, and a task-augmented call of one is refused (-32601), as the spec says.
// Clients that send no task, and sessions of other protocol versions, see none of this:
// get_course_generation_status stays their way.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// taskPollInterval is the pollInterval tasks suggest (the status tool's 3–5 s).
var taskPollInterval = 3 * time.Second

// relatedTaskKey is the _meta key that ties a tasks/result to its task.
const relatedTaskKey = "io.modelcontextprotocol/related-task"

// taskOut is a task as the protocol shows it (tasks/get, tasks/cancel, CreateTaskResult).
type taskOut struct {
	TaskID        string `json:"taskId"`
	Status        string `json:"status"`
	StatusMessage string `json:"statusMessage,omitempty"`
	CreatedAt     string `json:"createdAt"`
	LastUpdatedAt string `json:"lastUpdatedAt"`
	// TTL is null: a generation job is kept until its tenant is deleted, so the task is too.
	TTL          *int64 `json:"ttl"`
	PollInterval int64  `json:"pollInterval,omitempty"`
}

// createTaskResult answers a task-augmented tools/call.
type createTaskResult struct {
	mcp.ResultBase
	Task taskOut `json:"task"`
}

// taskResult answers tasks/get and tasks/cancel: the task's fields at the top level.
type taskResult struct {
	mcp.ResultBase
	taskOut
}

// taskIDParams are the params of tasks/get, tasks/result and tasks/cancel.
type taskIDParams struct {
	mcp.ParamsBase
	TaskID string `json:"taskId"`
}

// taskCall is how a tool's handler hands the job it queued to a task-augmented call.
type taskCall struct{ jobID string }

type taskCallKey struct{}

func withTaskCall(ctx context.Context, t *taskCall) context.Context {
	return context.WithValue(ctx, taskCallKey{}, t)
}

// taskFrom is the task of a task-augmented call (nil otherwise): a tool that supports
// tasks queues its job, records it here and answers without waiting.
func taskFrom(ctx context.Context) *taskCall {
	t, _ := ctx.Value(taskCallKey{}).(*taskCall)
	return t
}

// tasks serves the task methods of one server.
type tasks struct {
	env     *Env
	support map[string]bool // tool name → supports tasks (taskSupport optional; forbidden otherwise)
}

// add registers tasks/get, tasks/result, tasks/cancel and tasks/list, and the middleware that
// advertises tasks and turns task-augmented tools/call into tasks (tasks_wire.go).
func (tk *tasks) add(s *mcp.Server) {
	must(mcp.AddReceivingCustomMethod(s, "tasks/get", tk.get))
	must(mcp.AddReceivingCustomMethod(s, "tasks/result", tk.result))
	must(mcp.AddReceivingCustomMethod(s, "tasks/cancel", tk.cancel))
	must(mcp.AddReceivingCustomMethod(s, "tasks/list", tk.list))
	s.AddReceivingMiddleware(tk.middleware)
}

// addTasks offers the task-capable tools among entries as MCP tasks on s.
func addTasks(s *mcp.Server, env *Env, entries []entry) {
	tk := &tasks{env: env, support: map[string]bool{}}
	for _, e := range entries {
		tk.support[e.name] = e.task
	}
	tk.add(s)
}

func must(err error) {
	if err != nil {
		panic(fmt.Sprintf("tools: %v", err))
	}
}

func (tk *tasks) get(ctx context.Context, _ *mcp.ServerSession, p *taskIDParams) (*taskResult, error) {
	j, err := tk.job(ctx, p, false)
	if err != nil {
		return nil, err
	}
	return &taskResult{taskOut: toTask(j)}, nil
}

// result waits for the task's job to finish and answers what the tool answers when it
// waited for the job itself.
func (tk *tasks) result(ctx context.Context, _ *mcp.ServerSession, p *taskIDParams) (*mcp.CallToolResult, error) {
	j, err := tk.job(ctx, p, false)
	if err != nil {
		return nil, err
	}
	tick := time.NewTicker(generationPoll)
	defer tick.Stop()
	for !generationFinished(j) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		if j, err = tk.job(ctx, p, false); err != nil {
			return nil, err
		}
	}
	out := generationQueuedOut{JobID: j.JobId}
	finishGeneration(&out, j)
	out, err = pseudonymised(withPseudonymiser(ctx, tk.env.pseudo), out)
	if err != nil {
		return nil, fmt.Errorf("task result: %w", err)
	}
	sc, err := structured(out, generationOutSchema())
	if err != nil {
		return nil, fmt.Errorf("task result: %w", err)
	}
	return &mcp.CallToolResult{
		Meta:              mcp.Meta{relatedTaskKey: map[string]any{"taskId": j.JobId}},
		Content:           []mcp.Content{&mcp.TextContent{Text: out.Text()}},
		StructuredContent: sc,
	}, nil
}

// cancel cancels the task's job through the API: it stops, nothing is created and its AI
// quota call is given back. A task already finished cannot be cancelled (-32602).
func (tk *tasks) cancel(ctx context.Context, _ *mcp.ServerSession, p *taskIDParams) (*taskResult, error) {
	j, err := tk.job(ctx, p, true)
	if err != nil {
		return nil, err
	}
	return &taskResult{taskOut: toTask(j)}, nil
}

// listTasksParams are the params of tasks/list.
type listTasksParams struct {
	mcp.ParamsBase
	Cursor string `json:"cursor,omitempty"`
}

// listTasksResult answers tasks/list.
type listTasksResult struct {
	mcp.ResultBase
	Tasks      []taskOut `json:"tasks"`
	NextCursor string    `json:"nextCursor,omitempty"`
}

// list lists the caller's tasks: their generation jobs, newest first, a page of the API's
// at a time (the cursor is its page token).
func (tk *tasks) list(ctx context.Context, _ *mcp.ServerSession, p *listTasksParams) (*listTasksResult, error) {
	params := &client.ListCourseGenerationsParams{}
	if p != nil && p.Cursor != "" {
		params.PageToken = &p.Cursor
	}
	l, err := tk.env.API.LMS.AI.ListCourseGenerations(ctx, params)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case sdk.StatusCode(err) == http.StatusBadRequest:
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "invalid cursor: pass the nextCursor of the previous tasks/list"}
	default:
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: ErrorText(err)}
	}
	out := &listTasksResult{Tasks: make([]taskOut, len(l.Data))}
	for i := range l.Data {
		out.Tasks[i] = toTask(&l.Data[i])
	}
	if l.NextPageToken != nil {
		out.NextCursor = *l.NextPageToken
	}
	return out, nil
}

// job reads (or, with cancel, cancels) the job of task p.TaskID as the session's key.
// An id that is not one of the caller's jobs is "task not found" (-32602), as is a
// finished job's cancel; other failures are the API's, in the seed's words.
func (tk *tasks) job(ctx context.Context, p *taskIDParams, cancel bool) (*client.CourseGenerationJob, error) {
	if p == nil { // params missing or null: the SDK passes nil
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "taskId is required"}
	}
	id, err := ID("taskId", generationJobPrefix, p.TaskID)
	if err != nil {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: ErrorText(err)}
	}
	var j *client.CourseGenerationJob
	if cancel {
		j, err = tk.env.API.LMS.AI.CancelCourseGeneration(ctx, id)
	} else {
		j, err = tk.env.API.LMS.AI.GetCourseGeneration(ctx, id)
	}
	switch {
	case err == nil:
		return j, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case sdk.StatusCode(err) == http.StatusNotFound:
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "Task not found: " + p.TaskID}
	case cancel && sdk.StatusCode(err) == http.StatusConflict:
		if j, gerr := tk.env.API.LMS.AI.GetCourseGeneration(ctx, id); gerr == nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "Cannot cancel task in terminal status: " + toTask(j).Status}
		}
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "Cannot cancel task in terminal status"}
	case cancel && slices.Contains([]int{http.StatusBadRequest, http.StatusForbidden, http.StatusUnprocessableEntity}, sdk.StatusCode(err)):
		// refused (a read-only key's cancel, …); a 429 or 401 stays an error to retry or re-authenticate
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: ErrorText(err)}
	}
	return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: ErrorText(err)}
}

// toTask is a generation job as a task.
func toTask(j *client.CourseGenerationJob) taskOut {
	t := taskOut{TaskID: j.JobId, Status: "working", StatusMessage: generationMessage(j),
		CreatedAt: Time(j.CreatedAt), LastUpdatedAt: Time(j.CreatedAt), PollInterval: taskPollInterval.Milliseconds()}
	switch j.Status {
	case client.CourseGenerationStatusCompleted:
		t.Status = "completed"
	case client.CourseGenerationStatusFailed:
		t.Status = "failed"
	case client.CourseGenerationStatusCancelled:
		t.Status = "cancelled"
	}
	if j.Error != nil && t.Status != "completed" {
		t.StatusMessage = j.Error.Message + ". " + t.StatusMessage
	}
	switch {
	case j.FinishedAt != nil:
		t.LastUpdatedAt = Time(*j.FinishedAt)
	case j.StartedAt != nil:
		t.LastUpdatedAt = Time(*j.StartedAt)
	}
	return t
}

// generationOutSchema is the generation tools' resolved output schema.
var generationOutSchema = sync.OnceValue(func() *jsonschema.Resolved {
	s, err := jsonschema.For[generationQueuedOut](nil)
	if err != nil {
		panic(fmt.Sprintf("tools: generation output schema: %v", err))
	}
	portable(s, false)
	rs, err := s.Resolve(nil)
	if err != nil {
		panic(fmt.Sprintf("tools: generation output schema: %v", err))
	}
	return rs
})
