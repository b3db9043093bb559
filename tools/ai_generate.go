package tools

// AI course generation (seed 003): create_course_from_prompt, create_course_from_files
// (both queue a job) and get_course_generation_status (polls it; never counts against
// the AI quota).

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
)

// generationJobPrefix is the prefix of course generation job ids (gen_…).
const generationJobPrefix = "gen"

// Bounds of the generation inputs (the API's own limits).
const (
	promptMax  = 10000
	modulesMax = 20
	titleMax   = 200
)

func init() {
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "create_course_from_prompt",
			Description: "Generate a complete course (title, modules, lessons, quiz) from a plain-English description. " +
				"Returns a jobId — the actual generation runs in the background and takes 10–30 seconds: poll " +
				"get_course_generation_status every 3–5 seconds until status is completed, then read result.courseId. " +
				"A client that sends a progressToken gets progress notifications instead: the call then waits (up to 45 s) " +
				"and returns the finished job with courseId. The course is stored as a draft owned by you. Needs course_edit and the AI licence; counts one call " +
				"against the daily AI quota (5 per key, 50 per tenant).",
			Annotations: Additive("Create a course from a prompt", false),
		},
		Schema: generateSchema,
		Task:   true,
	}, createCourseFromPrompt)
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "create_course_from_files",
			Description: "Same as create_course_from_prompt but grounded in previously-uploaded source materials. The " +
				"agent must call upload_source_material at least once in this conversation before calling this tool. " +
				"Returns a jobId to poll with get_course_generation_status. Needs course_edit and the AI licence; counts " +
				"one call against the daily AI quota.",
			Annotations: Additive("Create a course from files", false),
		},
		Schema: generateSchema,
		Task:   true,
	}, createCourseFromFiles)
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "get_course_generation_status",
			Description: "Poll a queued generation job. Call every 3–5 seconds until status is completed (success — " +
				"result.courseId is set) or failed (read error.message); with a progressToken the call waits up to 45 s for " +
				"the job, reporting progress. The job is also the resource learnd://generations/{jobId}, which can be " +
				"subscribed to. Never counts against the AI quota.",
			Annotations: ReadOnly("Course generation status"),
		},
	}, getCourseGenerationStatus)
}

// generateSchema bounds the inputs of the two generation tools.
func generateSchema(s *jsonschema.Schema) {
	SetLength(s, "prompt", 1, promptMax)
	SetRange(s, "modules", 1, modulesMax)
	SetLength(s, "title", 1, titleMax)
	SetLength(s, "language", 2, 2)
}

type createFromPromptIn struct {
	Prompt   string  `json:"prompt" jsonschema:"Plain-English description of the course. Be specific: include the topic, audience, scope."`
	Modules  *int    `json:"modules,omitempty" jsonschema:"Optional. Target number of modules. Default 6."`
	Language *string `json:"language,omitempty" jsonschema:"Optional. ISO 639-1 code (en, es, fr, …). If omitted, the model uses the language of the prompt."`
	Title    *string `json:"title,omitempty" jsonschema:"Optional. Override the AI-generated title."`
}

type createFromFilesIn struct {
	Prompt    string  `json:"prompt" jsonschema:"Plain-English direction for the course. The uploaded files are the primary source; the prompt sets tone, audience, scope."`
	SessionID string  `json:"sessionId" jsonschema:"The sessionId returned by upload_source_material."`
	Modules   *int    `json:"modules,omitempty" jsonschema:"Optional. Target number of modules."`
	Language  *string `json:"language,omitempty" jsonschema:"Optional. ISO 639-1 code."`
	Title     *string `json:"title,omitempty" jsonschema:"Optional. Override the title."`
}

// generationQueuedOut is a queued job: { jobId, status, message }.
// With a progressToken the tool waits for the job (awaitGeneration): status may then be
// completed (courseId set) or failed.
type generationQueuedOut struct {
	JobID    string `json:"jobId"`
	Status   string `json:"status"`
	Message  string `json:"message"`
	CourseID string `json:"courseId,omitempty" jsonschema:"Set when the call waited for the job (the request carried a progressToken) and it completed: the generated draft course."`
}

func (o generationQueuedOut) Text() string {
	s := fmt.Sprintf("Job %s is %s.", o.JobID, o.Status)
	if o.CourseID != "" {
		s += " courseId: " + o.CourseID + "."
	}
	return s + " " + o.Message
}

func createCourseFromPrompt(ctx context.Context, env *Env, in createFromPromptIn) (generationQueuedOut, error) {
	body, err := generationRequest(in.Prompt, in.Modules, in.Language, in.Title)
	if err != nil {
		return generationQueuedOut{}, err
	}
	return generate(ctx, env, body)
}

func createCourseFromFiles(ctx context.Context, env *Env, in createFromFilesIn) (generationQueuedOut, error) {
	session, err := ID("sessionId", sessionPrefix, in.SessionID)
	if err != nil {
		return generationQueuedOut{}, err
	}
	body, err := generationRequest(in.Prompt, in.Modules, in.Language, in.Title)
	if err != nil {
		return generationQueuedOut{}, err
	}
	body.SessionId = &session
	return generate(ctx, env, body)
}

func generate(ctx context.Context, env *Env, body client.CourseGenerationRequest) (generationQueuedOut, error) {
	q, err := env.API.LMS.AI.GenerateCourse(ctx, nil, body)
	if err != nil {
		return generationQueuedOut{}, err
	}
	out := generationQueuedOut{JobID: q.JobId, Status: string(q.Status),
		Message: "Poll get_course_generation_status with this jobId every 3–5 seconds until status is completed, then read result.courseId."}
	if t := taskFrom(ctx); t != nil { // a task-augmented call: the job is the task (tasks.go)
		t.jobID = q.JobId
		return out, nil
	}
	stop := cancelOnAbort(ctx, env, q.JobId)
	j, err := awaitGeneration(ctx, env, q.JobId)
	stop()
	if err != nil || j == nil { // no progress token; or the job cannot be read now: it is queued all the same
		return out, nil
	}
	finishGeneration(&out, j)
	return out, nil
}

// generationFinished reports whether job j will not change any more.
func generationFinished(j *client.CourseGenerationJob) bool {
	switch j.Status {
	case client.CourseGenerationStatusCompleted, client.CourseGenerationStatusFailed, client.CourseGenerationStatusCancelled:
		return true
	}
	return false
}

// finishGeneration completes out, the answer of a generation tool that waited for its
// job, with the job as last read: its status and, once it finished, the course or why not.
func finishGeneration(out *generationQueuedOut, j *client.CourseGenerationJob) {
	out.Status = string(j.Status)
	if !generationFinished(j) {
		return
	}
	out.Message = generationMessage(j)
	if j.Result != nil {
		out.CourseID = j.Result.CourseId
	}
	if j.Error != nil {
		out.Message = "error.message: " + j.Error.Message + " " + out.Message
	}
}

// generationRequest checks the shared inputs of the generation tools.
func generationRequest(prompt string, modules *int, language, title *string) (client.CourseGenerationRequest, error) {
	p := strings.TrimSpace(prompt)
	if p == "" {
		return client.CourseGenerationRequest{}, Invalid("prompt is empty: describe the course (topic, audience, scope)")
	}
	req := client.CourseGenerationRequest{Prompt: p}
	var opts client.CourseGenerationOptions
	set := false
	if modules != nil {
		opts.Modules, set = modules, true
	}
	if language != nil {
		l := strings.ToLower(strings.TrimSpace(*language))
		if len(l) != 2 || l[0] < 'a' || l[0] > 'z' || l[1] < 'a' || l[1] > 'z' {
			return client.CourseGenerationRequest{}, Invalid("language must be an ISO 639-1 code such as en, es or fr (got %q)", clip(*language, 20))
		}
		opts.Language, set = &l, true
	}
	if title != nil {
		t := strings.TrimSpace(*title)
		if t == "" {
			return client.CourseGenerationRequest{}, Invalid("title is empty; omit it to keep the generated title")
		}
		opts.Title, set = &t, true
	}
	if set {
		req.Options = &opts
	}
	return req, nil
}

type generationStatusIn struct {
	JobID string `json:"jobId" jsonschema:"The jobId returned by create_course_from_prompt or create_course_from_files."`
}

type generationResultOut struct {
	CourseID string   `json:"courseId"`
	Warnings []string `json:"warnings" jsonschema:"What the generator could not do (for example an offline outline whose lessons need content, or no quiz); empty when everything asked for was generated."`
}

type generationErrorOut struct {
	Message string `json:"message"`
}

type generationStatusOut struct {
	JobID      string               `json:"jobId"`
	Status     string               `json:"status"`
	Message    string               `json:"message"`
	Result     *generationResultOut `json:"result,omitempty"`
	Error      *generationErrorOut  `json:"error,omitempty"`
	CreatedAt  string               `json:"createdAt"`
	StartedAt  *string              `json:"startedAt,omitempty"`
	FinishedAt *string              `json:"finishedAt,omitempty"`
}

func (o generationStatusOut) Text() string {
	s := fmt.Sprintf("Job %s: %s.", o.JobID, o.Status)
	if o.Result != nil {
		s += " result.courseId: " + o.Result.CourseID + "."
		for _, w := range o.Result.Warnings {
			s += " Warning: " + w
		}
	}
	if o.Error != nil {
		s += " error.message: " + o.Error.Message
	}
	if o.Message != "" {
		s += " " + o.Message
	}
	return s
}

func getCourseGenerationStatus(ctx context.Context, env *Env, in generationStatusIn) (generationStatusOut, error) {
	id, err := ID("jobId", generationJobPrefix, in.JobID)
	if err != nil {
		return generationStatusOut{}, err
	}
	j, err := awaitGeneration(ctx, env, id)
	if err == nil && j == nil {
		j, err = env.API.LMS.AI.GetCourseGeneration(ctx, id)
	}
	if err != nil {
		return generationStatusOut{}, err
	}
	out := generationStatusOut{JobID: j.JobId, Status: string(j.Status), Message: generationMessage(j), CreatedAt: Time(j.CreatedAt),
		StartedAt: TimePtr(j.StartedAt), FinishedAt: TimePtr(j.FinishedAt)}
	if j.Result != nil {
		out.Result = &generationResultOut{CourseID: j.Result.CourseId, Warnings: j.Result.Warnings}
		if out.Result.Warnings == nil {
			out.Result.Warnings = []string{}
		}
	}
	if j.Error != nil {
		out.Error = &generationErrorOut{Message: j.Error.Message}
	}
	return out, nil
}

// generationMessage says what a job's status means and what to do next, in terms of the
// tools (the API's own message names REST paths).
func generationMessage(j *client.CourseGenerationJob) string {
	switch j.Status {
	case client.CourseGenerationStatusQueued:
		return "Waiting for a worker. Poll again in 3–5 seconds."
	case client.CourseGenerationStatusRunning:
		return "Generating (this takes 10–30 seconds). Poll again in 3–5 seconds."
	case client.CourseGenerationStatusCompleted:
		if j.Result != nil {
			return "The course is ready as a draft owned by you: read it with get_course (courseId " + j.Result.CourseId +
				"), extend it with refine_course, and publish it before assigning it."
		}
	case client.CourseGenerationStatusFailed:
		return "Generation failed (see error.message); nothing was created. Adjust the prompt and try again (a new generation counts against the daily AI quota)."
	case client.CourseGenerationStatusCancelled:
		return "Generation was cancelled; nothing was created and the AI quota call was given back."
	}
	return j.Message
}
