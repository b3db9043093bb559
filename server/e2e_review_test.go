package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// A token granted only the write scope cannot read.
func TestE2EReadNeedsReadScope(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Scopes: []string{auth.ScopeWrite}})
	c, err := w.Client.Learning.Cohorts.Create(e2eCtx(t), nil, client.CohortCreate{Name: "write only"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Client.Learning.Cohorts.List(e2eCtx(t), nil)
	e2eSdkErr(t, err, http.StatusForbidden, "list with the write scope only")
	_, err = w.Client.Learning.Cohorts.Get(e2eCtx(t), c.Id, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "get with the write scope only")
}

// An assessment may only reference a cohort the caller can see: not another application's,
// not a deleted one.
func TestE2ETargetCohortMustBeVisible(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	appA := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app-a"})
	appB := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app-b"})
	human := e2eAdmin(t, env, "acme")
	ofA, err := appA.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "app A's"})
	if err != nil {
		t.Fatal(err)
	}
	learning := client.AssessmentKindLearning
	body := client.AssessmentCreate{Kind: learning, Name: "x", TargetCohortId: &ofA.Id}
	_, err = appB.Client.Learning.Assessments.Create(ctx, nil, body)
	if e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "app B targeting app A's cohort"); e.Problem == nil || e.Problem.Errors == nil || *(*e.Problem.Errors)[0].Pointer != "/target_cohort_id" {
		t.Fatalf("want pointer /target_cohort_id, got %+v", e.Problem)
	}
	if _, err := human.Client.Learning.Assessments.Create(ctx, nil, body); err != nil {
		t.Fatalf("a human of the tenant sees every app's cohorts: %v", err)
	}
	if _, err := human.Client.Learning.Cohorts.Delete(ctx, ofA.Id, &client.DeleteCohortParams{IfMatch: e2eIfMatch(ofA.Version)}); err != nil {
		t.Fatal(err)
	}
	_, err = human.Client.Learning.Assessments.Create(ctx, nil, body)
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "targeting a deleted cohort")
}

// Replacing an array of objects through PATCH replaces every item whole.
func TestE2EPatchReplacesQuestions(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	a := e2eAdmin(t, env, "acme")
	w := 5.0
	created, err := a.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindGeneral, Name: "quiz",
		Questions: &[]client.Question{{Id: "q1", Text: "Old", Type: client.QuestionTypeSingleChoice, Options: &[]string{"a", "b"}, Weight: &w, Required: e2ePtr(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	r := e2eDo(t, http.MethodPatch, env.URL+"/api/v1/learning/assessments/"+created.Id, a.Token,
		map[string]any{"questions": []any{map[string]any{"id": "q2", "text": "New", "type": "text"}}},
		map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"})
	if r.Status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	got, err := a.Client.Learning.Assessments.Get(ctx, created.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := got.Questions
	if len(q) != 1 || q[0].Id != "q2" || q[0].Options != nil || *q[0].Weight != 1 || *q[0].Required {
		t.Fatalf("questions after replace = %+v (old values leaked?)", q)
	}
}

// The token endpoint speaks OAuth 2.0: client credentials in HTTP Basic work, an unsupported
// grant is a 400 unsupported_grant_type, and errors carry the RFC 6749 error member.
func TestE2ETokenEndpointOAuth(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	per, _ := typeid.New(typeid.Person)
	post := func(form url.Values, user, pass string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(e2eCtx(t), http.MethodPost, env.URL+"/api/v1/auth/token", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	id := "acme:" + per + ":admin"
	st, body := post(url.Values{"grant_type": {"client_credentials"}}, id, servertest.DevClientSecret)
	if st != http.StatusOK || body["access_token"] == nil {
		t.Fatalf("basic auth: %d %v", st, body)
	}
	st, body = post(url.Values{"grant_type": {"password"}, "client_id": {id}, "client_secret": {servertest.DevClientSecret}}, "", "")
	if st != http.StatusBadRequest || body["error"] != "unsupported_grant_type" {
		t.Fatalf("password grant: %d %v", st, body)
	}
	st, body = post(url.Values{"grant_type": {"client_credentials"}}, id, "wrong")
	if st != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("wrong secret over basic: %d %v", st, body)
	}
	st, body = post(url.Values{"grant_type": {"client_credentials"}, "client_id": {id}}, id, servertest.DevClientSecret)
	if st != http.StatusBadRequest || body["error"] != "invalid_request" {
		t.Fatalf("credentials twice: %d %v", st, body)
	}
	// What the contract refuses is an OAuth invalid_request too, never a 422 or a 415.
	st, body = post(url.Values{"client_id": {id}, "client_secret": {servertest.DevClientSecret}}, "", "")
	if st != http.StatusBadRequest || body["error"] != "invalid_request" || body["request_id"] == nil {
		t.Fatalf("no grant_type: %d %v", st, body)
	}
	r := e2eDo(t, http.MethodPost, env.URL+"/api/v1/auth/token", "", `{"grant_type":"client_credentials"}`, nil)
	if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != http.StatusBadRequest || body["error"] != "invalid_request" {
		t.Fatalf("JSON body: %d %s", r.Status, r.Body)
	}
}

// HEAD is GET without the body.
func TestE2EHead(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	a := e2eAdmin(t, env, "acme")
	c, err := a.Client.Learning.Cohorts.Create(e2eCtx(t), nil, client.CohortCreate{Name: "head"})
	if err != nil {
		t.Fatal(err)
	}
	r := e2eDo(t, http.MethodHead, env.URL+"/api/v1/learning/cohorts/"+c.Id, a.Token, nil, nil)
	if r.Status != http.StatusOK || r.Header.Get("ETag") != `"1"` || len(r.Body) != 0 {
		t.Fatalf("HEAD: %d ETag=%q body=%d bytes", r.Status, r.Header.Get("ETag"), len(r.Body))
	}
	if r := e2eDo(t, http.MethodHead, env.URL+"/api/v1/learning/cohorts/coh_01jd8x4k2m3n5p6q7r8s9t0v1w", a.Token, nil, nil); r.Status != http.StatusNotFound {
		t.Fatalf("HEAD of a missing cohort: %d", r.Status)
	}
}
