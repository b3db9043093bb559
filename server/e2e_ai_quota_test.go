package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// aiKeyClient creates an API key (read and write) for u and returns an SDK client using it.
func aiKeyClient(t *testing.T, ctx context.Context, env *servertest.Env, u *sdk.Client, name string) *sdk.Client {
	t.Helper()
	k, err := u.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: name, Scopes: &[]client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}})
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	c, err := sdk.New(env.URL, sdk.WithToken(k.Key), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aiQuotaRefused asserts err is the 429 of a used-up AI quota of scope ("key" or
// "tenant"), with Retry-After counting down to the next UTC midnight.
func aiQuotaRefused(t *testing.T, err error, scope, what string) {
	t.Helper()
	e := e2eSdkErr(t, err, http.StatusTooManyRequests, what)
	now := time.Now().UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	if d := midnight.Sub(now) - e.RetryAfter; e.RetryAfter <= 0 || d < -5*time.Second || d > 5*time.Second {
		t.Errorf("%s: Retry-After %s, want about %s (the next UTC midnight)", what, e.RetryAfter, midnight.Sub(now).Round(time.Second))
	}
	if e.Problem.Code == nil || *e.Problem.Code != "ai_"+scope+"_quota_exceeded" {
		t.Errorf("%s: code %v, want ai_%s_quota_exceeded", what, e.Problem.Code, scope)
	}
	limit := map[string]string{"key": "5", "tenant": "50"}[scope]
	if d := *e.Problem.Detail; !strings.Contains(d, scope) || !strings.Contains(d, "daily AI quota of "+limit+" calls") ||
		!strings.Contains(d, "resets at midnight UTC ("+midnight.Format(time.RFC3339)+")") {
		t.Errorf("%s: detail %q does not name the daily %s quota of %s and when it resets (%s)", what, d, scope, limit, midnight.Format(time.RFC3339))
	}
}

// TestE2EAIQuota: generate, refine and both regenerate calls share the daily quota of 5
// calls per key — the 6th is a 429 with Retry-After until the next UTC midnight, polling
// is never counted and still answers after it — and 50 per tenant across keys: the 51st
// is refused whichever key makes it.
func TestE2EAIQuota(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: &aiFakeGen{}})
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	aiLicensed(t, env, "quota")
	owner := coursesUser(t, env, "quota", auth.RoleAdmin)
	b := coursesBuild(t, ctx, owner.C, "Quota course")

	k1 := aiKeyClient(t, ctx, env, owner.C, "agent 1")
	poll := func(jobID string) {
		t.Helper()
		for range 3 {
			if _, err := k1.LMS.AI.GetCourseGeneration(ctx, jobID); err != nil {
				t.Fatalf("poll: %v", err)
			}
		}
	}
	q, err := k1.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "First aid"})
	if err != nil {
		t.Fatal(err)
	}
	poll(q.JobId)
	if _, err := k1.LMS.AI.RefineCourse(ctx, b.course.Id, client.CourseRefineRequest{Feedback: "Add practice"}); err != nil {
		t.Fatal(err)
	}
	poll(q.JobId)
	if _, err := k1.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := k1.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{}); err != nil {
		t.Fatal(err)
	}
	q2, err := k1.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Fire safety"})
	if err != nil {
		t.Fatal(err)
	}
	poll(q2.JobId)
	// The 6th call of the key, of each kind, is refused and counts nothing.
	_, err = k1.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "One too many"})
	aiQuotaRefused(t, err, "key", "6th call (generate)")
	_, err = k1.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
	aiQuotaRefused(t, err, "key", "7th call (regenerate lesson)")
	_, err = k1.LMS.AI.RefineCourse(ctx, b.course.Id, client.CourseRefineRequest{Feedback: "More"})
	aiQuotaRefused(t, err, "key", "8th call (refine)")
	_, err = k1.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{})
	aiQuotaRefused(t, err, "key", "9th call (regenerate question)")
	poll(q.JobId) // polling still answers
	if j := aiPoll(t, ctx, k1, q2.JobId, 30*time.Second); j.Status != client.CourseGenerationStatusCompleted {
		t.Errorf("job after the quota ran out: %+v", j)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM generation_jobs WHERE tenant_id = 'quota'`); n != 2 {
		t.Errorf("generation jobs = %d, want 2", n)
	}
	if n := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'quota' AND subject = 'tenant'`); n != 5 {
		t.Errorf("tenant count = %d, want 5", n)
	}

	// The tenant: 50 across keys (k1's 5 and nine more keys' 5 each), then the 51st is
	// refused, on a fresh key too.
	for i := range 9 {
		k := aiKeyClient(t, ctx, env, owner.C, "agent")
		for j := range 5 {
			if _, err := k.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{}); err != nil {
				t.Fatalf("key %d call %d: %v", i+2, j+1, err)
			}
		}
	}
	fresh := aiKeyClient(t, ctx, env, owner.C, "agent 11")
	_, err = fresh.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
	aiQuotaRefused(t, err, "tenant", "51st call of the tenant")
	_, err = owner.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Token caller"})
	aiQuotaRefused(t, err, "tenant", "51st call of the tenant (a token caller)")
	if _, err := fresh.LMS.AI.GetCourseGeneration(ctx, q.JobId); err != nil {
		t.Errorf("polling (the same person's job, through another key) after the tenant quota ran out: %v", err)
	}
	if n := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'quota' AND subject = 'tenant'`); n != 50 {
		t.Errorf("tenant count = %d, want 50", n)
	}
	// Another tenant is not affected.
	aiLicensed(t, env, "fresh")
	o2 := coursesUser(t, env, "fresh", auth.RoleAdmin)
	if _, err := o2.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Elsewhere"}); err != nil {
		t.Errorf("another tenant: %v", err)
	}
}

// TestE2EAILicence: every AI endpoint answers 403 without the AI licence (mcpAccess none or
// read, or full without mcpAiAccess), saying so, and counts nothing; with it, a learner
// (no course_edit) is refused too.
func TestE2EAILicence(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: &aiFakeGen{}})
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	env.Licence(t, "none", auth.TierStarter, auth.MCPNone, false)
	env.Licence(t, "read", auth.TierBusiness, auth.MCPRead, true)
	env.Licence(t, "noai", auth.TierEnterprise, auth.MCPFull, false)
	aiLicensed(t, env, "ai")
	calls := func(c *sdk.Client, b coursesBuilt, job string) map[string]func() error {
		return map[string]func() error{
			"generate": func() error {
				_, err := c.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "x"})
				return err
			},
			"status": func() error { _, err := c.LMS.AI.GetCourseGeneration(ctx, job); return err },
			"refine": func() error {
				_, err := c.LMS.AI.RefineCourse(ctx, b.course.Id, client.CourseRefineRequest{Feedback: "x"})
				return err
			},
			"regenerate question": func() error {
				_, err := c.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{})
				return err
			},
			"regenerate lesson": func() error {
				_, err := c.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
				return err
			},
		}
	}
	job, _ := typeid.New("gen")
	for _, tenant := range []string{"none", "read", "noai"} {
		a := coursesUser(t, env, tenant, auth.RoleOwner)
		b := coursesBuild(t, ctx, a.C, "Course")
		for name, call := range calls(a.C, b, job) {
			e := e2eSdkErr(t, call(), http.StatusForbidden, tenant+": "+name)
			if e.Problem.Code == nil || *e.Problem.Code != "ai_not_licensed" || !strings.Contains(*e.Problem.Detail, "mcpAiAccess") {
				t.Errorf("%s %s: problem %s", tenant, name, e2eJSON(e.Problem))
			}
		}
	}
	m := coursesUser(t, env, "ai", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Course")
	learner := coursesUser(t, env, "ai", auth.RoleLearner)
	for name, call := range calls(learner.C, b, job) {
		e := e2eSdkErr(t, call(), http.StatusForbidden, "learner: "+name)
		if !strings.Contains(*e.Problem.Detail, "course_edit") {
			t.Errorf("learner %s: detail %q", name, *e.Problem.Detail)
		}
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM ai_usage`); n != 0 {
		t.Errorf("ai_usage rows = %d, want 0", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM generation_jobs`); n != 0 {
		t.Errorf("generation jobs = %d, want 0", n)
	}
}
