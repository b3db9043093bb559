package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/provider"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EAIOpenAICompatible: with a model endpoint configured (provider.New, as `learnd
// serve` builds it from LEARND_LLM_URL, LEARND_LLM_MODEL and LEARND_LLM_API_KEY), every AI
// endpoint goes through the OpenAI-compatible client against a fake chat-completions
// server: a valid reply becomes the course; a malformed reply is retried once with the
// validation error and the valid second reply is used; an error status fails the job with
// a message naming it; refine and both regenerate calls store what the model wrote.
func TestE2EAIOpenAICompatible(t *testing.T) {
	t.Parallel()
	llm := aiStartLLM(t)
	gen, err := provider.New(ai.Config{URL: llm.URL, Model: "fake-model", APIKey: "sk-test-secret"})
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: gen})
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	m := coursesUser(t, env, "acme", auth.RoleManager)

	// Valid JSON.
	c := aiGenerate(t, ctx, m.C, client.CourseGenerationRequest{Prompt: "Warehouse safety for new staff",
		Options: &client.CourseGenerationOptions{Modules: e2ePtr(2), Language: e2ePtr("en")}})
	if c.Name != "LLM course" || len(c.Structure.Sections) != 3 || c.Structure.Sections[0].Title != "LLM module 1" || c.OwnerId != m.ID {
		t.Fatalf("course = %s", e2eJSON(c))
	}
	if fq := aiFinalQuiz(c); fq == nil || len(fq.Questions) != 2 || fq.Questions[0].Text != "When does LLM topic 1 apply?" {
		t.Errorf("final quiz = %s", e2eJSON(fq))
	}
	reqs := llm.Requests()
	// One call plans the course, then one call per module.
	if len(reqs) != 3 || reqs[0].Kind != "outline" || reqs[1].Kind != "module" || reqs[2].Kind != "module" || reqs[0].Model != "fake-model" ||
		reqs[0].Auth != "Bearer sk-test-secret" || !strings.Contains(reqs[0].User, "Warehouse safety for new staff") || !strings.Contains(reqs[0].User, "Plan exactly 2 modules") {
		t.Fatalf("requests = %+v", reqs)
	}
	if l := c.Structure.Sections[0].Elements[0]; len(l.Pages) != 1 || !strings.Contains(l.Pages[0].Body, "LLM topic 1") {
		t.Errorf("lesson pages = %s", e2eJSON(l.Pages))
	}

	// Malformed, then valid.
	c2 := aiGenerate(t, ctx, m.C, client.CourseGenerationRequest{Prompt: "MALFORMED first reply, please", Options: &client.CourseGenerationOptions{Modules: e2ePtr(1)}})
	if len(c2.Structure.Sections) != 2 || c2.Name != "LLM course" {
		t.Errorf("course after a retry = %s", e2eJSON(c2.Structure))
	}
	reqs = llm.Requests()[3:] // the outline's and the module's conversations, each retried once
	if len(reqs) != 4 || reqs[0].Kind != "outline" || reqs[0].Messages != 2 || reqs[1].Messages != 4 || !strings.Contains(reqs[1].Retry, "not valid") ||
		reqs[2].Kind != "module" || reqs[3].Messages != 4 {
		t.Errorf("malformed conversation = %+v", reqs)
	}

	// An error status: the job fails, saying why (and never echoing the key).
	q, err := m.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "UNAUTHORIZED please"})
	if err != nil {
		t.Fatal(err)
	}
	j := aiPoll(t, ctx, m.C, q.JobId, 30*time.Second)
	if j.Status != client.CourseGenerationStatusFailed || j.Error == nil || !strings.Contains(j.Error.Message, "401") ||
		strings.Contains(j.Error.Message, "sk-test-secret") || j.Result != nil {
		t.Errorf("failed job = %s", e2eJSON(j))
	}

	// Refine and regenerate through the model (another caller: the quota is 5 a day).
	m = coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Forklifts")
	r, err := m.C.LMS.AI.RefineCourse(ctx, b.course.Id, client.CourseRefineRequest{Feedback: "Add a section on emergencies"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := m.C.LMS.Courses.Get(ctx, b.course.Id)
	if err != nil {
		t.Fatal(err)
	}
	secs := after.Structure.Sections
	if r.ElementsAdded != 2 || len(secs) != 3 || secs[2].Title != "LLM added section" || secs[2].Elements[1].Questions[0].Text != "Who do you call first?" {
		t.Errorf("refined = %+v, sections %s", r, e2eJSON(secs))
	}
	rq, err := m.C.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{Feedback: e2ePtr("Reword for clarity")})
	if err != nil {
		t.Fatal(err)
	}
	if rq.Text != "LLM: how often is the inspection due?" || len(rq.Options) != 3 || rq.Options[0].Text != "Before every shift" {
		t.Errorf("regenerated question = %s", e2eJSON(rq))
	}
	rl, err := m.C.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if rl.Brief.Topic == nil || *rl.Brief.Topic != "LLM rewritten topic" {
		t.Errorf("regenerated brief = %s", e2eJSON(rl.Brief))
	}
	var kinds []string
	for _, r := range llm.Requests() {
		kinds = append(kinds, r.Kind)
		if strings.Contains(r.User, "Reword for clarity") && r.Kind != "question" {
			t.Errorf("feedback sent with a %s request", r.Kind)
		}
	}
	if got := strings.Join(kinds, ","); got != "outline,module,module,outline,outline,module,module,outline,sections,question,brief" {
		t.Errorf("request kinds = %s", got)
	}

	// A failing model on a synchronous call: 502, nothing changed.
	stable := coursesVersion(t, e2eOpenDB(t, env), b.course.Id)
	_, err = m.C.LMS.AI.RefineCourse(ctx, b.course.Id, client.CourseRefineRequest{Feedback: "UNAUTHORIZED to add"})
	e := e2eSdkErr(t, err, http.StatusBadGateway, "refine with a failing model")
	if e.Problem.Code == nil || *e.Problem.Code != "generator_failed" {
		t.Errorf("problem = %s", e2eJSON(e.Problem))
	}
	if v := coursesVersion(t, e2eOpenDB(t, env), b.course.Id); v != stable {
		t.Errorf("version %d after a failed refine, want %d", v, stable)
	}
}
