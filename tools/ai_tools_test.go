package tools

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// aiPollStatus polls get_course_generation_status (through MCP) until the job completes
// or fails.
func aiPollStatus(t *testing.T, cs *mcp.ClientSession, jobID string) generationStatusOut {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, _ := wrOK[generationStatusOut](t, cs, "get_course_generation_status", map[string]any{"jobId": jobID})
		if st.Status == "completed" || st.Status == "failed" {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", jobID, st.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// aiElements counts a course's elements and returns its lessons and quiz questions.
func aiElements(c *client.Course) (n int, lessons []client.CourseElement, questions []client.QuizQuestion) {
	for _, s := range c.Structure.Sections {
		for _, e := range s.Elements {
			n++
			switch e.Kind {
			case client.CourseElementKindLesson:
				lessons = append(lessons, e)
			case client.CourseElementKindQuiz:
				questions = append(questions, e.Questions...)
			}
		}
	}
	return n, lessons, questions
}

// aiRetry matches the quota refusal with its retry seconds.
var aiRetry = regexp.MustCompile(`^Rate limit exceeded\. Slow down and retry\. Retry after (\d+) seconds\. (.*daily AI quota.*resets at midnight UTC.*)$`)

// TestAITools walks the seed's AI workflow through MCP with one key: upload a local file
// (stdio), generate a course from it and poll until it completes, refine it, regenerate
// a question and a lesson brief — five calls, the key's daily quota — and then the sixth
// AI call is refused with the retry seconds. A second key, over the HTTP flavour, uploads
// the file's content (a filePath is refused) and generates from a prompt.
func TestAITools(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true})
	w := wrNewWorld(t, env, "ai-ok")
	ctx := wrCtx(t)
	pdf := extracttest.PDF("Working Safely in Confined Spaces", extracttest.Safety)
	path := filepath.Join(t.TempDir(), "confined-spaces.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	stdio := w.session(w.key(w.admin), true)

	// 1. upload_source_material reads the local file (stdio).
	up, text := wrOK[uploadOut](t, stdio, "upload_source_material", map[string]any{"filePath": path})
	if !strings.HasPrefix(up.SessionID, "ses_") || up.Filename != "confined-spaces.pdf" || up.Kind != "pdf" || up.ChunkCount < 1 ||
		up.SizeBytes != len(pdf) || up.SessionFileCount != 1 || up.SessionChunkCount != up.ChunkCount ||
		!slices.Contains(up.Headings, "2. Entry Permits") || !strings.Contains(up.Message, "create_course_from_files") {
		t.Errorf("upload_source_material = %+v", up)
	}
	if !strings.Contains(text, up.SessionID) {
		t.Errorf("upload text %q lacks the session", text)
	}
	if n := w.count(`SELECT count(*) FROM material_chunks WHERE tenant_id = $1`, w.tenant); n != up.ChunkCount {
		t.Errorf("stored chunks %d, upload says %d", n, up.ChunkCount)
	}

	// 2. create_course_from_files queues a job; 3. polling never counts.
	q, _ := wrOK[generationQueuedOut](t, stdio, "create_course_from_files", map[string]any{
		"prompt": "New-hire confined-space safety for warehouse staff, plain language.", "sessionId": up.SessionID,
		"modules": 2, "language": "EN", "title": "Confined spaces for new hires"})
	if !strings.HasPrefix(q.JobID, "gen_") || q.Status != "queued" || !strings.Contains(q.Message, "get_course_generation_status") {
		t.Errorf("create_course_from_files = %+v", q)
	}
	st := aiPollStatus(t, stdio, q.JobID)
	if st.Status != "completed" || st.Result == nil || st.Error != nil || st.FinishedAt == nil || !strings.Contains(st.Message, "get_course") {
		t.Fatalf("generation = %+v", st)
	}
	course, err := w.api.LMS.Courses.Get(ctx, st.Result.CourseID)
	if err != nil {
		t.Fatalf("the generated course: %v", err)
	}
	if course.Name != "Confined spaces for new hires" || course.Status != client.CourseStatusDraft || course.OwnerId != w.admin.ID {
		t.Errorf("generated course %q %s owner %s", course.Name, course.Status, course.OwnerId)
	}
	before, lessons, questions := aiElements(course)
	if len(lessons) == 0 || len(questions) == 0 {
		t.Fatalf("generated course has %d lessons and %d questions", len(lessons), len(questions))
	}

	// 4. refine_course appends.
	rf, _ := wrOK[refineCourseOut](t, stdio, "refine_course", map[string]any{"courseId": course.Id, "feedback": "Add a section on emergency rescue procedures."})
	if rf.CourseID != course.Id || rf.ElementsAdded < 1 || rf.TransitionsAdded < 1 || rf.Message == "" {
		t.Errorf("refine_course = %+v", rf)
	}
	refined, err := w.api.LMS.Courses.Get(ctx, course.Id)
	if err != nil {
		t.Fatal(err)
	}
	if after, _, _ := aiElements(refined); after != before+rf.ElementsAdded {
		t.Errorf("elements %d → %d, refine says %d added", before, after, rf.ElementsAdded)
	}

	// 5. regenerate_question rewrites one question.
	old := questions[0]
	rq, text := wrOK[regenerateQuestionOut](t, stdio, "regenerate_question", map[string]any{"questionId": old.Id, "feedback": "The distractors are too obvious."})
	if rq.QuestionID != old.Id || rq.NewText == "" || len(rq.Options) < 2 || !slices.ContainsFunc(rq.Options, func(o optionOut) bool { return o.Correct }) {
		t.Errorf("regenerate_question = %+v", rq)
	}
	if !strings.Contains(text, rq.NewText) || !strings.Contains(text, "✓") {
		t.Errorf("regenerate_question text %q", text)
	}
	regen, err := w.api.LMS.Courses.Get(ctx, course.Id)
	if err != nil {
		t.Fatal(err)
	}
	_, _, nowQs := aiElements(regen)
	if i := slices.IndexFunc(nowQs, func(q client.QuizQuestion) bool { return q.Id == old.Id }); i < 0 || nowQs[i].Text != rq.NewText || len(nowQs[i].Options) != len(rq.Options) {
		t.Errorf("the API's question after regenerate_question: %+v, tool said %q", nowQs, rq.NewText)
	}

	// 6. regenerate_lesson rewrites one brief (the fifth AI call).
	lesson := lessons[0]
	rl, _ := wrOK[regenerateLessonOut](t, stdio, "regenerate_lesson", map[string]any{"lessonId": lesson.Id, "feedback": "Target supervisors, not learners."})
	if rl.LessonID != lesson.Id || rl.Brief.Title == "" || rl.Brief.Description == "" || len(rl.Brief.KeyPoints) == 0 {
		t.Errorf("regenerate_lesson = %+v", rl)
	}
	relesson, err := w.api.LMS.Courses.Get(ctx, course.Id)
	if err != nil {
		t.Fatal(err)
	}
	_, nowLessons, _ := aiElements(relesson)
	if i := slices.IndexFunc(nowLessons, func(e client.CourseElement) bool { return e.Id == lesson.Id }); i < 0 || nowLessons[i].Brief == nil ||
		nowLessons[i].Brief.Description == nil || *nowLessons[i].Brief.Description != rl.Brief.Description {
		t.Errorf("the API's lesson brief after regenerate_lesson differs from the tool's %+v", rl.Brief)
	}

	// Uploads do not count: a fifth counting call (a course from a prompt) still goes
	// through, and the sixth is refused with the retry seconds and which quota ran out;
	// polling still works.
	wrOK[generationQueuedOut](t, stdio, "create_course_from_prompt", map[string]any{"prompt": "Ladder safety"})
	got := wrErr(t, stdio, "create_course_from_prompt", map[string]any{"prompt": "Forklift basics"})
	m := aiRetry.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("sixth AI call: %q, want %q with the retry seconds and the quota's detail", got, MsgRateLimited)
	}
	if secs, _ := strconv.Atoi(m[1]); secs < 1 || secs > 86400 {
		t.Errorf("retry after %d seconds", secs)
	}
	if again := aiPollStatus(t, stdio, q.JobID); again.Status != "completed" {
		t.Errorf("polling after the quota: %+v", again)
	}

	// The HTTP flavour, another key: filePath is refused, the content is accepted.
	files := w.count(`SELECT count(*) FROM material_files WHERE tenant_id = $1`, w.tenant)
	web := w.session(w.key(w.admin), false)
	got = wrErr(t, web, "upload_source_material", map[string]any{"filePath": path})
	if !strings.HasPrefix(got, MsgInvalidArguments+"filePath cannot be used over HTTP") {
		t.Errorf("filePath over HTTP: %q", got)
	}
	got = wrErr(t, web, "upload_source_material", map[string]any{"filePath": path, "contentBase64": base64.StdEncoding.EncodeToString(pdf), "filename": "x.pdf"})
	if !strings.HasPrefix(got, MsgInvalidArguments+"filePath cannot be used over HTTP") {
		t.Errorf("filePath with content over HTTP: %q", got)
	}
	if n := w.count(`SELECT count(*) FROM material_files WHERE tenant_id = $1`, w.tenant); n != files {
		t.Errorf("refused uploads stored files: %d → %d", files, n)
	}
	webUp, _ := wrOK[uploadOut](t, web, "upload_source_material", map[string]any{
		"contentBase64": base64.StdEncoding.EncodeToString(pdf), "filename": `C:\Users\sam\Documents\confined-spaces.pdf`})
	if webUp.Filename != "confined-spaces.pdf" || webUp.ChunkCount != up.ChunkCount || webUp.SessionID == up.SessionID {
		t.Errorf("content upload = %+v (the stdio one had %d chunks)", webUp, up.ChunkCount)
	}
	pq, _ := wrOK[generationQueuedOut](t, web, "create_course_from_prompt", map[string]any{
		"prompt": "A short course on forklift pre-shift inspections for warehouse operators.", "modules": 2})
	pst := aiPollStatus(t, web, pq.JobID)
	if pst.Status != "completed" || pst.Result == nil {
		t.Fatalf("prompt generation = %+v (error %+v)", pst, pst.Error)
	}
	if c, err := w.api.LMS.Courses.Get(ctx, pst.Result.CourseID); err != nil || c.Status != client.CourseStatusDraft {
		t.Errorf("the course generated from a prompt: %+v, %v", c, err)
	}

	// The AI writes made through MCP are audited as surface mcp.
	for _, action := range []string{"material.upload", "course.generate.queue", "course.structure.append", "course.question.update", "course.element.update"} {
		got := w.surfaces(action)
		if len(got) == 0 || slices.ContainsFunc(got, func(s string) bool { return s != auth.SurfaceMCP }) {
			t.Errorf("audit rows of %s have surfaces %v, want mcp only", action, got)
		}
	}
}

// TestAIErrors: bad AI tool input is refused before any call ("Invalid arguments: …")
// and counts nothing; unknown ids are "Not found"; a learner's key gets "Permission
// denied"; a stdio upload checks its path.
func TestAIErrors(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "ai-err")
	cs := w.session(w.key(w.admin), true)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pdf")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"upload_source_material", map[string]any{"filePath": "docs/a.pdf"}, "filePath must be an absolute path"},
		{"upload_source_material", map[string]any{"filePath": filepath.Join(dir, "missing.pdf")}, "filePath: no file at"},
		{"upload_source_material", map[string]any{"filePath": dir}, "is not a regular file"},
		{"upload_source_material", map[string]any{"filePath": empty}, "is empty"},
		{"upload_source_material", map[string]any{}, "give filePath"},
		{"upload_source_material", map[string]any{"contentBase64": "JVBERi0x"}, "filename is required"},
		{"upload_source_material", map[string]any{"contentBase64": "not base64!", "filename": "a.pdf"}, "not valid base64"},
		{"upload_source_material", map[string]any{"filePath": empty, "sessionId": "session-1"}, "sessionId must be a ses_… id"},
		{"create_course_from_prompt", map[string]any{"prompt": "   "}, "prompt is empty"},
		{"create_course_from_prompt", map[string]any{"prompt": "Forklifts", "modules": 21}, "modules"},
		{"create_course_from_prompt", map[string]any{"prompt": "Forklifts", "language": "e1"}, "ISO 639-1"},
		{"create_course_from_prompt", map[string]any{"prompt": "Forklifts", "language": "english"}, "language"},
		{"create_course_from_files", map[string]any{"prompt": "Forklifts"}, "missing required argument sessionId"},
		{"create_course_from_files", map[string]any{"prompt": "Forklifts", "sessionId": "gen_x"}, "sessionId must be a ses_… id"},
		{"get_course_generation_status", map[string]any{"jobId": "42"}, "jobId must be a gen_… id"},
		{"refine_course", map[string]any{"courseId": "crs_1", "feedback": "More"}, "courseId must be a crs_… id"},
		{"refine_course", map[string]any{"courseId": "crs_01m819mxtkebr891h61f35vm3a", "feedback": ""}, "feedback"},
		{"regenerate_question", map[string]any{"questionId": "ele_01m819mxtkebr891h61f35vm3a"}, "questionId must be a qst_… id"},
		{"regenerate_lesson", map[string]any{"lessonId": "qst_01m819mxtkebr891h61f35vm3a"}, "lessonId must be a ele_… id"},
	} {
		got := wrErr(t, cs, c.tool, c.args)
		if !strings.HasPrefix(got, MsgInvalidArguments) || !strings.Contains(got, c.want) {
			t.Errorf("%s(%v): %q, want %q…%q", c.tool, c.args, got, MsgInvalidArguments, c.want)
		}
	}

	unknownCourse, _ := typeid.New(typeid.Course)
	unknownQuestion, _ := typeid.New(typeid.Question)
	unknownLesson, _ := typeid.New(typeid.Element)
	unknownSession, _ := typeid.New(sessionPrefix)
	unknownJob, _ := typeid.New(generationJobPrefix)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"refine_course", map[string]any{"courseId": unknownCourse, "feedback": "Add a survey."}},
		{"regenerate_question", map[string]any{"questionId": unknownQuestion}},
		{"regenerate_lesson", map[string]any{"lessonId": unknownLesson, "feedback": "Shorter."}},
		{"create_course_from_files", map[string]any{"prompt": "Forklifts", "sessionId": unknownSession}},
		{"get_course_generation_status", map[string]any{"jobId": unknownJob}},
		{"upload_source_material", map[string]any{"contentBase64": base64.StdEncoding.EncodeToString(extracttest.PDF("T", extracttest.Safety)), "filename": "t.pdf", "sessionId": unknownSession}},
	} {
		if got := wrErr(t, cs, c.tool, c.args); got != MsgNotFound {
			t.Errorf("%s of an unknown id: %q, want %q", c.tool, got, MsgNotFound)
		}
	}

	// A learner's key on a licensed tenant does not list the AI tools (course_edit).
	lee := w.user(auth.RoleLearner, "Lee Learner")
	learner := w.session(w.key(lee), false)
	if _, err := learner.CallTool(t.Context(), &mcp.CallToolParams{Name: "create_course_from_prompt", Arguments: map[string]any{"prompt": "Forklifts"}}); err == nil || !strings.Contains(err.Error(), "unknown tool") {
		t.Errorf("learner create_course_from_prompt: %v, want unknown tool", err)
	}

	// None of it counted against the quota or stored anything.
	if n := w.count(`SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1`, w.tenant); n != 0 {
		t.Errorf("refused AI calls counted %d", n)
	}
	if n := w.count(`SELECT count(*) FROM material_files WHERE tenant_id = $1`, w.tenant); n != 0 {
		t.Errorf("refused uploads stored %d files", n)
	}
}

// TestAIToolCatalogue: the AI tools' annotations and required inputs, and the two
// flavours of upload_source_material (stdio reads filePath; HTTP documents that it does
// not and takes contentBase64).
func TestAIToolCatalogue(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "ai-cat")
	key := w.key(w.admin)
	type want struct {
		readOnly, destructive bool
		required              []string
	}
	cases := map[string]want{
		"upload_source_material":       {false, false, nil},
		"create_course_from_prompt":    {false, false, []string{"prompt"}},
		"create_course_from_files":     {false, false, []string{"prompt", "sessionId"}},
		"get_course_generation_status": {true, false, []string{"jobId"}},
		"refine_course":                {false, false, []string{"courseId", "feedback"}},
		"regenerate_question":          {false, true, []string{"questionId"}},
		"regenerate_lesson":            {false, true, []string{"lessonId"}},
	}
	for _, local := range []bool{true, false} {
		res, err := w.session(key, local).ListTools(wrCtx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, tool := range res.Tools {
			wt, ok := cases[tool.Name]
			if !ok {
				continue
			}
			seen++
			an := tool.Annotations
			if an == nil || an.ReadOnlyHint != wt.readOnly || !wt.readOnly && (an.DestructiveHint == nil || *an.DestructiveHint != wt.destructive) {
				t.Errorf("%s: annotations %+v, want readOnly %v destructive %v", tool.Name, an, wt.readOnly, wt.destructive)
			}
			schema, _ := tool.InputSchema.(map[string]any)
			var required []string
			if rs, ok := schema["required"].([]any); ok {
				for _, r := range rs {
					required = append(required, r.(string))
				}
			}
			slices.Sort(required)
			if !slices.Equal(required, wt.required) {
				t.Errorf("%s: required %v, want %v", tool.Name, required, wt.required)
			}
			if tool.Name != "upload_source_material" {
				continue
			}
			props, _ := schema["properties"].(map[string]any)
			desc := func(p string) string { d, _ := props[p].(map[string]any)["description"].(string); return d }
			if local && (!strings.HasPrefix(desc("filePath"), "Absolute path to a local file") || !strings.HasPrefix(tool.Description, "Read a local file")) ||
				!local && (!strings.HasPrefix(desc("filePath"), "Not accepted here") || strings.Contains(tool.Description, "Read a local file") ||
					!strings.Contains(tool.Description, "contentBase64")) {
				t.Errorf("upload_source_material (local files %v): %q; filePath %q", local, tool.Description, desc("filePath"))
			}
		}
		if seen != len(cases) {
			t.Errorf("local files %v: listed %d of the %d AI tools", local, seen, len(cases))
		}
	}
}
