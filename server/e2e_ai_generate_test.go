package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAIGenerateJob: a generation request is queued (202, status queued, the job row and
// its river job carrying the tenant), a worker runs it as the requester, and the job reports
// completed with a draft course owned by the caller holding what the generator wrote;
// the job is the caller's alone (404 to others and across tenants); bad input is a 422
// with nothing queued and nothing counted.
func TestE2EAIGenerateJob(t *testing.T) {
	t.Parallel()
	gen := &aiFakeGen{}
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: gen})
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	aiLicensed(t, env, "other")
	m := coursesUser(t, env, "acme", auth.RoleManager)

	q, err := m.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Ladder safety",
		Options: &client.CourseGenerationOptions{Modules: e2ePtr(3), Title: e2ePtr("Ladders 101")}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Status != client.CourseGenerationStatusQueued || !strings.HasPrefix(q.JobId, "gen_") || !strings.Contains(q.Message, q.JobId) {
		t.Fatalf("queued = %+v", q)
	}
	jid := coursesUUID(t, "gen", q.JobId)
	if n := e2eCount(t, db, `SELECT count(*) FROM river_job WHERE kind = 'generate_course' AND args->>'tenant_id' = 'acme' AND args->>'id' = $1`, jid.String()); n != 1 {
		t.Errorf("river jobs for the request = %d, want 1", n)
	}
	j := aiPoll(t, ctx, m.C, q.JobId, 30*time.Second)
	if j.Status != client.CourseGenerationStatusCompleted || j.Result == nil || j.Error != nil || j.StartedAt == nil || j.FinishedAt == nil {
		t.Fatalf("job = %+v", j)
	}
	if !strings.Contains(j.Message, j.Result.CourseId) {
		t.Errorf("completed message %q does not name the course", j.Message)
	}
	c, err := m.C.LMS.Courses.Get(ctx, j.Result.CourseId)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Ladders 101" || c.Status != client.CourseStatusDraft || c.OwnerId != m.ID || len(c.Structure.Sections) != 3 {
		t.Errorf("course: name %q status %s owner %s sections %d", c.Name, c.Status, c.OwnerId, len(c.Structure.Sections))
	}
	for _, s := range c.Structure.Sections {
		if len(s.Elements) == 0 || s.Elements[0].Kind != client.CourseElementKindLesson || s.Elements[0].Brief == nil || s.Elements[0].Brief.KeyPoints == nil {
			t.Errorf("section %q: %+v", s.Title, s.Elements)
		}
	}
	if fq := aiFinalQuiz(c); fq == nil || fq.Kind != client.CourseElementKindQuiz || len(fq.Questions) != 3 {
		t.Errorf("final quiz = %+v", fq)
	}
	// Linked in order: 3 lessons and the quiz, 3 transitions.
	if len(c.Structure.Transitions) != 3 {
		t.Errorf("transitions = %d, want 3", len(c.Structure.Transitions))
	}
	// Audited as the requester, with the request's surface.
	a := coursesLastAudit(t, db, "acme", "course.generate", "course", c.Id, m.ID)
	if a.After["name"] != "Ladders 101" {
		t.Errorf("course.generate audit after = %v", a.After)
	}
	coursesLastAudit(t, db, "acme", "course.generate.queue", "generation_job", q.JobId, m.ID)

	// A job queued by an agent (an API key, the MCP surface): the worker acts as the key's
	// user on the same surface and key, under the request's id.
	key, err := m.C.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "agent", Scopes: &[]client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	raw := e2eDo(t, http.MethodPost, env.URL+"/api/v2/ai/courses/generate", "", map[string]any{"prompt": "Stacking pallets"},
		map[string]string{"X-MCP-Key": key.Key, wire.HeaderSurface: "mcp"})
	var queued client.CourseGenerationQueued
	if err := json.Unmarshal(raw.Body, &queued); err != nil || raw.Status != http.StatusAccepted || raw.Header.Get("Location") != "/api/v2/ai/courses/generate/"+queued.JobId {
		t.Fatalf("agent generate: %d %s (Location %q)", raw.Status, raw.Body, raw.Header.Get("Location"))
	}
	aj := aiPoll(t, ctx, m.C, queued.JobId, 30*time.Second)
	if aj.Result == nil {
		t.Fatalf("agent job = %+v", aj)
	}
	var surface, keyID, requestID string
	if err := db.QueryRow(ctx, `SELECT surface, key_id::text, request_id FROM audit_log WHERE tenant_id = 'acme' AND action = 'course.generate' AND target_id = $1`,
		aj.Result.CourseId).Scan(&surface, &keyID, &requestID); err != nil {
		t.Fatal(err)
	}
	if surface != "mcp" || keyID != coursesUUID(t, typeid.APIKey, key.Id).String() || requestID != raw.Header.Get("X-Request-Id") {
		t.Errorf("agent course audit: surface %q key %q request %q (want mcp, %s, %s)", surface, keyID, requestID, key.Id, raw.Header.Get("X-Request-Id"))
	}

	// A retried request with the same Idempotency-Key replays the job: one job, one call
	// counted.
	counted := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'acme' AND subject = 'tenant'`)
	idem := &client.GenerateCourseParams{IdempotencyKey: e2ePtr("retry-1")}
	r1, err := m.C.LMS.AI.GenerateCourse(ctx, idem, client.CourseGenerationRequest{Prompt: "Retried"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := m.C.LMS.AI.GenerateCourse(ctx, idem, client.CourseGenerationRequest{Prompt: "Retried"})
	if err != nil || r2.JobId != r1.JobId {
		t.Fatalf("replay: %+v, %v (first %s)", r2, err, r1.JobId)
	}
	if n := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'acme' AND subject = 'tenant'`); n != counted+1 {
		t.Errorf("calls counted after a replay = %d, want %d", n, counted+1)
	}
	aiPoll(t, ctx, m.C, r1.JobId, 30*time.Second)

	// The caller's own jobs only.
	other := coursesUser(t, env, "acme", auth.RoleAdmin)
	_, err = other.C.LMS.AI.GetCourseGeneration(ctx, q.JobId)
	e2eSdkErr(t, err, http.StatusNotFound, "another user's job")
	stranger := coursesUser(t, env, "other", auth.RoleAdmin)
	_, err = stranger.C.LMS.AI.GetCourseGeneration(ctx, q.JobId)
	e2eSdkErr(t, err, http.StatusNotFound, "another tenant's job")
	missing, _ := typeid.New("gen")
	_, err = m.C.LMS.AI.GetCourseGeneration(ctx, missing)
	e2eSdkErr(t, err, http.StatusNotFound, "no such job")

	// Bad input: 422 (schema and business rules), nothing queued or counted.
	before := e2eCount(t, db, `SELECT count(*) FROM generation_jobs`)
	for name, body := range map[string]client.CourseGenerationRequest{
		"blank prompt":   {Prompt: "   "},
		"zero modules":   {Prompt: "x", Options: &client.CourseGenerationOptions{Modules: e2ePtr(0)}},
		"many modules":   {Prompt: "x", Options: &client.CourseGenerationOptions{Modules: e2ePtr(21)}},
		"bad language":   {Prompt: "x", Options: &client.CourseGenerationOptions{Language: e2ePtr("english")}},
		"empty title":    {Prompt: "x", Options: &client.CourseGenerationOptions{Title: e2ePtr("")}},
		"unknown sesion": {Prompt: "x", SessionId: e2ePtr("ses_01jd8x4k2m3n5p6q7r8s9t0v1w")},
	} {
		_, err := m.C.LMS.AI.GenerateCourse(ctx, nil, body)
		want := http.StatusUnprocessableEntity
		if body.SessionId != nil {
			want = http.StatusNotFound
		}
		e2eSdkErr(t, err, want, name)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM generation_jobs`); n != before {
		t.Errorf("jobs after bad requests = %d, want %d", n, before)
	}
	if n := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'acme' AND subject = 'tenant'`); n != 3 {
		t.Errorf("tenant AI calls counted = %d, want 3 (only the accepted requests)", n)
	}
	if gen.calls.Load() != 3 {
		t.Errorf("generator calls = %d, want 3", gen.calls.Load())
	}
}

// TestE2EAIGenerateOffline: with no model configured, the built-in offline generator turns
// a prompt alone into a draft course owned by the caller that is an honest outline: the
// modules asked for (6 by default), each with lessons carrying complete briefs and a page
// marking them as needing content, linked in order, no quiz made up about the outline,
// and the job's result.warnings saying so.
func TestE2EAIGenerateOffline(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true}) // the default generator: offline
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	m := coursesUser(t, env, "acme", auth.RoleManager)
	for _, tc := range []struct {
		prompt  string
		modules *int
		want    int
	}{
		{"Build a compliance course on confined-space safety for warehouse staff. 6 lessons + a final quiz.", nil, 6},
		{"Teach new supervisors how to run a toolbox talk", e2ePtr(3), 3},
	} {
		c, job := aiGenerateJob(t, ctx, m.C, client.CourseGenerationRequest{Prompt: tc.prompt, Options: &client.CourseGenerationOptions{Modules: tc.modules}})
		if len(job.Result.Warnings) < 2 || !strings.Contains(job.Result.Warnings[1], "no quiz") || !strings.Contains(job.Message, "result.warnings") {
			t.Errorf("%q: warnings %q, message %q: want the outline and the missing quiz explained", tc.prompt, job.Result.Warnings, job.Message)
		}
		if c.OwnerId != m.ID || c.Status != client.CourseStatusDraft || c.Name == "" {
			t.Errorf("%q: owner %s status %s name %q", tc.prompt, c.OwnerId, c.Status, c.Name)
		}
		// The modules, and the final quiz (in a section of its own, or ending the last module).
		modules := len(c.Structure.Sections)
		if last := c.Structure.Sections[modules-1].Elements; len(last) == 1 && last[0].Kind == client.CourseElementKindQuiz {
			modules--
		}
		if modules != tc.want {
			t.Errorf("%q: %d modules, want %d", tc.prompt, modules, tc.want)
		}
		lessons := 0
		for _, s := range c.Structure.Sections {
			for _, e := range s.Elements {
				if e.Kind != client.CourseElementKindLesson {
					continue
				}
				lessons++
				b := e.Brief
				if b == nil || b.Topic == nil || b.Title == nil || b.Description == nil || b.TargetAudience == nil || b.KeyPoints == nil || len(*b.KeyPoints) == 0 {
					t.Errorf("%q: lesson %q has an incomplete brief %s", tc.prompt, e.Title, e2eJSON(b))
				}
			}
		}
		if lessons < tc.want {
			t.Errorf("%q: %d lessons for %d modules", tc.prompt, lessons, tc.want)
		}
		for _, sec := range c.Structure.Sections {
			for _, e := range sec.Elements {
				if e.Kind == client.CourseElementKindQuiz {
					t.Errorf("%q: a quiz %q made up without a source", tc.prompt, e.Title)
				}
				if e.Kind == client.CourseElementKindLesson && (len(e.Pages) != 1 || e.Pages[0].Title != "Content needed") {
					t.Errorf("%q: lesson %q is not marked as needing content: %s", tc.prompt, e.Title, e2eJSON(e.Pages))
				}
			}
		}
		if n := len(c.Structure.Transitions); n != len(coursesElementIDs(c))-1 {
			t.Errorf("%q: %d transitions for %d elements (linked in order)", tc.prompt, n, len(coursesElementIDs(c)))
		}
	}
}

// TestE2EAIGenerateFailures: a generator failing once is retried by the queue and the job
// completes; a generated course that breaks the rules (no final quiz) fails the job at once
// with a message saying why, and stores nothing.
func TestE2EAIGenerateFailures(t *testing.T) {
	t.Parallel()
	gen := &aiFakeGen{}
	gen.failFirst.Store(1)
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: gen})
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	m := coursesUser(t, env, "acme", auth.RoleManager)

	c := aiGenerate(t, ctx, m.C, client.CourseGenerationRequest{Prompt: "Retry me", Options: &client.CourseGenerationOptions{Modules: e2ePtr(2)}})
	if len(c.Structure.Sections) != 2 || gen.calls.Load() != 2 {
		t.Errorf("after a retry: %d sections, %d generator calls", len(c.Structure.Sections), gen.calls.Load())
	}
	q, err := m.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "INVALID course"})
	if err != nil {
		t.Fatal(err)
	}
	j := aiPoll(t, ctx, m.C, q.JobId, 30*time.Second)
	if j.Status != client.CourseGenerationStatusFailed || j.Error == nil || !strings.Contains(j.Error.Message, "final quiz") || j.Result != nil || j.FinishedAt == nil {
		t.Errorf("invalid course job = %s", e2eJSON(j))
	}
	if gen.calls.Load() != 3 {
		t.Errorf("generator calls = %d, want 3 (no retry of an invalid course)", gen.calls.Load())
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM courses WHERE tenant_id = 'acme'`); n != 1 {
		t.Errorf("courses = %d, want 1", n)
	}
}
