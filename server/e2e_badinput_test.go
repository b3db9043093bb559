package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// badInputCase is one curl-like request that must be refused with a problem document and
// must not write anything.
type badInputCase struct {
	name   string
	method string
	path   string
	// auth is the Authorization header; "" sends the default admin bearer token of tenant
	// acme and biNoAuth sends none.
	auth        string
	contentType string // "" sends application/json when there is a body
	headers     map[string]string
	body        string

	status    int
	code      string // the problem's code; "" skips the check
	pointer   string // an errors[].pointer that must be present
	parameter string // an errors[].parameter that must be present
	detail    string // a substring the matching field error's detail must contain
}

const biNoAuth = "<none>"

// biProblem is the problem document as the wire carries it.
type biProblem struct {
	Type      *string `json:"type"`
	Title     *string `json:"title"`
	Status    *int    `json:"status"`
	Detail    *string `json:"detail"`
	Code      *string `json:"code"`
	RequestID *string `json:"request_id"`
	Instance  *string `json:"instance"`
	Errors    []struct {
		Pointer   *string `json:"pointer"`
		Parameter *string `json:"parameter"`
		Detail    string  `json:"detail"`
	} `json:"errors"`
}

// TestBadInputE2E drives the real server over a real socket with malformed, invalid and
// unauthorised requests, and checks each answer is the right RFC 9457 problem and that
// nothing was written.
func TestBadInputE2E(t *testing.T) {
	env := servertest.Start(t)
	ctx := context.Background()
	admin := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	other := env.Token(t, servertest.Caller{Tenant: "globex", Role: auth.RoleAdmin})
	learner := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner})
	readOnly := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Scopes: []string{auth.ScopeRead}})
	foreignKey := biForeignKeyToken(t)
	expired := biExpiredToken(t, env)

	// Fixtures, made before the row counts are taken: one cohort of acme (for If-Match
	// cases) and one cohort of another tenant (for the cross-tenant reference).
	acmeCohort := biCreate(t, env.URL, admin, "/api/v1/learning/cohorts", `{"name":"acme fixture"}`)
	globexCohort := biCreate(t, env.URL, other, "/api/v1/learning/cohorts", `{"name":"globex fixture"}`)
	_, asmUUID := typeid.New(typeid.Assessment)
	asmID := typeid.Format(typeid.Assessment, asmUUID)

	db, err := pgx.Connect(ctx, env.DBURL)
	if err != nil {
		t.Fatalf("connect %s: %v", env.DBURL, err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	count := func() (cohorts, assessments int64) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM cohorts), (SELECT count(*) FROM assessments)`).Scan(&cohorts, &assessments); err != nil {
			t.Fatalf("count rows: %v", err)
		}
		return cohorts, assessments
	}

	const (
		cohorts     = "/api/v1/learning/cohorts"
		assessments = "/api/v1/learning/assessments"
	)
	// A body over the 1 MiB limit that is otherwise a valid cohort.
	huge := `{"name":"huge","metadata":{"pad":"` + strings.Repeat("A", 1<<20+16) + `"}}`

	cases := []badInputCase{
		// Wrong JSON types.
		{name: "name is a number", method: "POST", path: cohorts, body: `{"name":5}`, status: 422, code: "validation_failed", pointer: "/name"},
		{name: "session_count is a string", method: "POST", path: cohorts, body: `{"name":"c","session_count":"x"}`, status: 422, code: "validation_failed", pointer: "/session_count"},
		{name: "tags is a string", method: "POST", path: cohorts, body: `{"name":"c","tags":"a"}`, status: 422, code: "validation_failed", pointer: "/tags"},
		{name: "name missing", method: "POST", path: cohorts, body: `{"program_id":"p"}`, status: 422, code: "validation_failed", pointer: "/name", detail: "required"},
		{name: "question without text", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","type":"text"}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/text", detail: "required"},
		{name: "name empty", method: "POST", path: cohorts, body: `{"name":""}`, status: 422, code: "validation_failed", pointer: "/name"},
		// Bad enums.
		{name: "cohort status", method: "POST", path: cohorts, body: `{"name":"c","status":"paused"}`, status: 422, code: "validation_failed", pointer: "/status"},
		{name: "cohort source_type", method: "POST", path: cohorts, body: `{"name":"c","source_type":"robot"}`, status: 422, code: "validation_failed", pointer: "/source_type"},
		{name: "assessment kind", method: "POST", path: assessments, body: `{"name":"a","kind":"exam"}`, status: 422, code: "validation_failed", pointer: "/kind"},
		{name: "assessment status", method: "POST", path: assessments, body: `{"name":"a","kind":"general","status":"paused"}`, status: 422, code: "validation_failed", pointer: "/status"},
		{name: "question type", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"essay"}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/type"},
		{name: "frequency", method: "POST", path: assessments, body: `{"name":"a","kind":"general","frequency":"daily"}`, status: 422, code: "validation_failed", pointer: "/frequency"},
		// Bad dates.
		{name: "start_date month 13", method: "POST", path: cohorts, body: `{"name":"c","start_date":"2026-13-01"}`, status: 422, code: "validation_failed", pointer: "/start_date"},
		{name: "start_date month 13 full timestamp", method: "POST", path: cohorts, body: `{"name":"c","start_date":"2026-13-01T00:00:00Z"}`, status: 422, code: "validation_failed", pointer: "/start_date"},
		{name: "end_date yesterday", method: "POST", path: cohorts, body: `{"name":"c","end_date":"yesterday"}`, status: 422, code: "validation_failed", pointer: "/end_date"},
		{name: "due_date yesterday", method: "POST", path: assessments, body: `{"name":"a","kind":"general","due_date":"yesterday"}`, status: 422, code: "validation_failed", pointer: "/due_date"},
		{name: "start_date February 30", method: "POST", path: cohorts, body: `{"name":"c","start_date":"2026-02-30T00:00:00Z"}`, status: 422, code: "validation_failed", pointer: "/start_date"},
		{name: "end_date before start_date", method: "POST", path: cohorts, body: `{"name":"c","start_date":"2026-06-01T00:00:00Z","end_date":"2026-05-01T00:00:00Z"}`, status: 422, code: "validation_failed", pointer: "/end_date", detail: "before start_date"},
		// Percentages and counts out of range.
		{name: "completion_required_pct -1", method: "POST", path: cohorts, body: `{"name":"c","completion_required_pct":-1}`, status: 422, code: "validation_failed", pointer: "/completion_required_pct"},
		{name: "completion_required_pct 100.5", method: "POST", path: cohorts, body: `{"name":"c","completion_required_pct":100.5}`, status: 422, code: "validation_failed", pointer: "/completion_required_pct"},
		{name: "session_count -1", method: "POST", path: cohorts, body: `{"name":"c","session_count":-1}`, status: 422, code: "validation_failed", pointer: "/session_count"},
		{name: "question weight 101", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"text","weight":101}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/weight"},
		// Unknown members.
		{name: "unknown top-level field", method: "POST", path: cohorts, body: `{"name":"c","bogus":1}`, status: 422, code: "validation_failed", pointer: "/bogus", detail: "unknown field"},
		{name: "unknown assessment field", method: "POST", path: assessments, body: `{"name":"a","kind":"general","bogus":true}`, status: 422, code: "validation_failed", pointer: "/bogus", detail: "unknown field"},
		{name: "unknown field inside a question", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"text","hint":"x"}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/hint", detail: "unknown field"},
		{name: "unknown field in a merge patch", method: "PATCH", path: cohorts + "/" + acmeCohort, contentType: "application/merge-patch+json", headers: map[string]string{"If-Match": `"1"`}, body: `{"bogus":1}`, status: 422, code: "validation_failed", pointer: "/bogus", detail: "unknown field"},
		// Body shape and transport.
		{name: "oversized body", method: "POST", path: cohorts, body: huge, status: 413, code: "payload_too_large"},
		{name: "malformed JSON", method: "POST", path: cohorts, body: `{"name":`, status: 400, code: "bad_request"},
		{name: "trailing garbage", method: "POST", path: cohorts, body: `{"name":"c"} x`, status: 400, code: "bad_request"},
		{name: "JSON array body", method: "POST", path: cohorts, body: `[{"name":"c"}]`, status: 422, code: "validation_failed"},
		{name: "empty body", method: "POST", path: cohorts, contentType: "application/json", status: 400, code: "bad_request"},
		{name: "text/plain", method: "POST", path: cohorts, contentType: "text/plain", body: `{"name":"c"}`, status: 415, code: "unsupported_media_type"},
		{name: "no content type", method: "POST", path: cohorts, contentType: "-", body: `{"name":"c"}`, status: 415, code: "unsupported_media_type"},
		// NUL characters: valid JSON, but PostgreSQL text and jsonb cannot hold U+0000.
		{name: "NUL in name", method: "POST", path: cohorts, body: `{"name":"a\u0000b"}`, status: 422, code: "validation_failed", pointer: "/name"},
		{name: "NUL in metadata", method: "POST", path: cohorts, body: `{"name":"c","metadata":{"k":"\u0000"}}`, status: 422, code: "validation_failed", pointer: "/metadata/k"},
		{name: "NUL in a question text", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"\u0000","type":"text"}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/text"},
		// Bad ids in fields and in the path.
		{name: "group_id grp_nope", method: "POST", path: cohorts, body: `{"name":"c","group_id":"grp_nope"}`, status: 422, code: "validation_failed", pointer: "/group_id"},
		{name: "facilitator_ids per-xyz", method: "POST", path: cohorts, body: `{"name":"c","facilitator_ids":["per-xyz"]}`, status: 422, code: "validation_failed", pointer: "/facilitator_ids/0"},
		{name: "assigned_assessment_ids with a cohort id", method: "POST", path: cohorts, body: `{"name":"c","assigned_assessment_ids":["` + acmeCohort + `"]}`, status: 422, code: "validation_failed", pointer: "/assigned_assessment_ids/0"},
		{name: "target_cohort_id malformed", method: "POST", path: assessments, body: `{"name":"a","kind":"learning","target_cohort_id":"coh_nope"}`, status: 422, code: "validation_failed", pointer: "/target_cohort_id"},
		{name: "path id coh_bad", method: "GET", path: cohorts + "/coh_bad", status: 400, code: "bad_request", parameter: "id"},
		{name: "asm id on the cohorts path", method: "GET", path: cohorts + "/" + asmID, status: 400, code: "bad_request", parameter: "id"},
		{name: "cohort id on the assessments path", method: "GET", path: assessments + "/" + acmeCohort, status: 400, code: "bad_request", parameter: "id"},
		{name: "path id on PATCH", method: "PATCH", path: cohorts + "/coh_bad", contentType: "application/merge-patch+json", headers: map[string]string{"If-Match": `"1"`}, body: `{"name":"x"}`, status: 400, code: "bad_request", parameter: "id"},
		// Assessment kind rules.
		{name: "target_cohort_id with compliance_audit", method: "POST", path: assessments, body: `{"name":"a","kind":"compliance_audit","framework_ids":["soc2"],"target_cohort_id":"` + acmeCohort + `"}`, status: 422, code: "validation_failed", pointer: "/target_cohort_id"},
		{name: "framework_ids with learning", method: "POST", path: assessments, body: `{"name":"a","kind":"learning","framework_ids":["soc2"]}`, status: 422, code: "validation_failed", pointer: "/framework_ids"},
		{name: "control_ids with skills", method: "POST", path: assessments, body: `{"name":"a","kind":"skills","control_ids":["CC1.4"]}`, status: 422, code: "validation_failed", pointer: "/control_ids"},
		{name: "compliance_audit without framework_ids", method: "POST", path: assessments, body: `{"name":"a","kind":"compliance_audit"}`, status: 422, code: "validation_failed", pointer: "/framework_ids"},
		{name: "customer_satisfaction without target_account_id", method: "POST", path: assessments, body: `{"name":"a","kind":"customer_satisfaction"}`, status: 422, code: "validation_failed", pointer: "/target_account_id"},
		{name: "target_account_id with general", method: "POST", path: assessments, body: `{"name":"a","kind":"general","target_account_id":"acct-1"}`, status: 422, code: "validation_failed", pointer: "/target_account_id"},
		{name: "questions with question_bank_id", method: "POST", path: assessments, body: `{"name":"a","kind":"general","question_bank_id":"qb-1","questions":[{"id":"q1","text":"t","type":"text"}]}`, status: 422, code: "validation_failed", pointer: "/question_bank_id"},
		{name: "single_choice with one option", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"single_choice","options":["only"]}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/options"},
		{name: "multiple_choice without options", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"multiple_choice"}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/options"},
		{name: "boolean question with options", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"boolean","options":["yes","no"]}]}`, status: 422, code: "validation_failed", pointer: "/questions/0/options"},
		{name: "duplicate question ids", method: "POST", path: assessments, body: `{"name":"a","kind":"general","questions":[{"id":"q1","text":"t","type":"text"},{"id":"q1","text":"u","type":"text"}]}`, status: 422, code: "validation_failed", pointer: "/questions/1/id", detail: "duplicate"},
		{name: "target_cohort_id of another tenant", method: "POST", path: assessments, body: `{"name":"a","kind":"learning","target_cohort_id":"` + globexCohort + `"}`, status: 422, code: "validation_failed", pointer: "/target_cohort_id"},
		{name: "target_cohort_id that does not exist", method: "POST", path: assessments, body: `{"name":"a","kind":"learning","target_cohort_id":"` + biNewID(typeid.Cohort) + `"}`, status: 422, code: "validation_failed", pointer: "/target_cohort_id"},
		// Bad query parameters.
		{name: "page_size 0", method: "GET", path: cohorts + "?page_size=0", status: 400, code: "bad_request", parameter: "page_size"},
		{name: "page_size 101", method: "GET", path: cohorts + "?page_size=101", status: 400, code: "bad_request", parameter: "page_size"},
		{name: "page_size x", method: "GET", path: assessments + "?page_size=x", status: 400, code: "bad_request", parameter: "page_size"},
		{name: "order_by bogus", method: "GET", path: cohorts + "?order_by=bogus", status: 400, code: "bad_request", parameter: "order_by"},
		{name: "order_by due_date on cohorts", method: "GET", path: cohorts + "?order_by=due_date", status: 400, code: "bad_request", parameter: "order_by"},
		{name: "created_at_from x", method: "GET", path: cohorts + "?created_at_from=x", status: 400, code: "bad_request", parameter: "created_at_from"},
		{name: "created_at_from February 30", method: "GET", path: cohorts + "?created_at_from=2026-02-30T00:00:00Z", status: 400, code: "bad_request", parameter: "created_at_from"},
		{name: "q with a NUL", method: "GET", path: cohorts + "?q=a%00b", status: 400, code: "bad_request", parameter: "q"},
		{name: "q not UTF-8", method: "GET", path: cohorts + "?q=%ff", status: 400, code: "bad_request", parameter: "q"},
		{name: "program_id not UTF-8", method: "GET", path: cohorts + "?program_id=%ff%fe", status: 400, code: "bad_request", parameter: "program_id"},
		{name: "q a lone surrogate", method: "GET", path: assessments + "?q=%ED%A0%80", status: 400, code: "bad_request", parameter: "q"},
		{name: "Idempotency-Key not ASCII", method: "POST", path: cohorts, headers: map[string]string{"Idempotency-Key": "\xff\xfeabc"}, body: `{"name":"c"}`, status: 400, code: "bad_request", parameter: "Idempotency-Key"},
		{name: "due_date_to x", method: "GET", path: assessments + "?due_date_to=2026-13-01", status: 400, code: "bad_request", parameter: "due_date_to"},
		{name: "status filter bogus", method: "GET", path: assessments + "?status=bogus", status: 400, code: "bad_request", parameter: "status"},
		{name: "group_id filter bogus", method: "GET", path: cohorts + "?group_id=grp_nope", status: 400, code: "bad_request", parameter: "group_id"},
		{name: "target_cohort_id filter bogus", method: "GET", path: assessments + "?target_cohort_id=" + asmID, status: 400, code: "bad_request", parameter: "target_cohort_id"},
		{name: "show_deleted maybe", method: "GET", path: cohorts + "?show_deleted=maybe", status: 400, code: "bad_request", parameter: "show_deleted"},
		{name: "page_token forged", method: "GET", path: cohorts + "?page_token=eyJrIjoiMjAyNiJ9.c2ln", status: 400, code: "bad_request", parameter: "page_token"},
		// Bad preconditions.
		{name: "If-Match weak", method: "PATCH", path: cohorts + "/" + acmeCohort, contentType: "application/merge-patch+json", headers: map[string]string{"If-Match": `W/"1"`}, body: `{"name":"renamed"}`, status: 400, code: "bad_request", parameter: "If-Match"},
		{name: "If-Match abc", method: "PATCH", path: cohorts + "/" + acmeCohort, contentType: "application/merge-patch+json", headers: map[string]string{"If-Match": `abc`}, body: `{"name":"renamed"}`, status: 400, code: "bad_request", parameter: "If-Match"},
		{name: "If-Match abc on DELETE", method: "DELETE", path: cohorts + "/" + acmeCohort, headers: map[string]string{"If-Match": `abc`}, status: 400, code: "bad_request", parameter: "If-Match"},
		{name: "If-Match missing on DELETE", method: "DELETE", path: cohorts + "/" + acmeCohort, status: 428, code: "precondition_required"},
		{name: "If-Match stale", method: "PATCH", path: cohorts + "/" + acmeCohort, contentType: "application/merge-patch+json", headers: map[string]string{"If-Match": `"7"`}, body: `{"name":"renamed"}`, status: 412, code: "version_mismatch"},
		// Bad tokens.
		{name: "no token", method: "POST", path: cohorts, auth: biNoAuth, body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "Bearer without token", method: "POST", path: cohorts, auth: "Bearer", body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "Basic scheme", method: "POST", path: cohorts, auth: "Basic dXNlcjpwYXNz", body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "garbage token", method: "POST", path: cohorts, auth: "Bearer garbage", body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "token signed by another key", method: "POST", path: cohorts, auth: "Bearer " + foreignKey, body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "expired token", method: "POST", path: cohorts, auth: "Bearer " + expired, body: `{"name":"c"}`, status: 401, code: "unauthorized"},
		{name: "learner creates", method: "POST", path: cohorts, auth: "Bearer " + learner, body: `{"name":"c"}`, status: 403, code: "forbidden"},
		{name: "learner creates an assessment", method: "POST", path: assessments, auth: "Bearer " + learner, body: `{"name":"a","kind":"general"}`, status: 403, code: "forbidden"},
		{name: "read-scope token creates", method: "POST", path: cohorts, auth: "Bearer " + readOnly, body: `{"name":"c"}`, status: 403, code: "forbidden"},
		{name: "learner asks for show_deleted", method: "GET", path: cohorts + "?show_deleted=true", auth: "Bearer " + learner, status: 403, code: "forbidden"},
		// Routing.
		{name: "unknown route", method: "GET", path: "/api/v1/learning/nope", status: 404, code: "not_found"},
		{name: "wrong method", method: "PUT", path: cohorts, body: `{"name":"c"}`, status: 405, code: "method_not_allowed"},
		{name: "cohort of another tenant", method: "GET", path: cohorts + "/" + globexCohort, status: 404, code: "not_found"},
	}

	client := &http.Client{Timeout: 30 * time.Second}
	beforeC, beforeA := count()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() { // runs after t.Fatal too: a refused request never writes
				if c, a := count(); c != beforeC || a != beforeA {
					t.Errorf("rows changed: cohorts %d → %d, assessments %d → %d", beforeC, c, beforeA, a)
					beforeC, beforeA = c, a
				}
			}()
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequestWithContext(ctx, tc.method, env.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.contentType {
			case "":
				if tc.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
			case "-":
			default:
				req.Header.Set("Content-Type", tc.contentType)
			}
			switch tc.auth {
			case "":
				req.Header.Set("Authorization", "Bearer "+admin)
			case biNoAuth:
			default:
				req.Header.Set("Authorization", tc.auth)
			}
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			raw, err := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			shown := string(raw)
			if len(shown) > 600 {
				shown = shown[:600] + "…"
			}
			t.Logf("%s %s → %d %s", tc.method, tc.path, res.StatusCode, shown)
			if res.StatusCode != tc.status {
				t.Errorf("%s %s: status %d, want %d; body %s", tc.method, tc.path, res.StatusCode, tc.status, shown)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("Content-Type %q, want application/problem+json; body %s", ct, shown)
			}
			var p biProblem
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, shown)
			}
			switch {
			case p.Type == nil || *p.Type == "", p.Title == nil || *p.Title == "", p.Detail == nil || *p.Detail == "",
				p.Code == nil || *p.Code == "", p.RequestID == nil || *p.RequestID == "", p.Status == nil:
				t.Errorf("problem lacks one of type/title/status/detail/code/request_id: %s", shown)
			}
			if p.Status != nil && *p.Status != res.StatusCode {
				t.Errorf("problem status %d, HTTP status %d", *p.Status, res.StatusCode)
			}
			if p.RequestID != nil && *p.RequestID != res.Header.Get("X-Request-Id") {
				t.Errorf("request_id %q, X-Request-Id header %q", *p.RequestID, res.Header.Get("X-Request-Id"))
			}
			if tc.code != "" && (p.Code == nil || *p.Code != tc.code) {
				t.Errorf("code %v, want %q; body %s", biDeref(p.Code), tc.code, shown)
			}
			if res.StatusCode == http.StatusUnauthorized && res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
			if res.StatusCode == http.StatusMethodNotAllowed && res.Header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
			if tc.pointer != "" || tc.parameter != "" {
				found := false
				for _, fe := range p.Errors {
					switch {
					case tc.pointer != "" && fe.Pointer != nil && *fe.Pointer == tc.pointer,
						tc.parameter != "" && fe.Parameter != nil && *fe.Parameter == tc.parameter:
						if tc.detail != "" && !strings.Contains(fe.Detail, tc.detail) {
							t.Errorf("errors[] entry for %s%s has detail %q, want it to contain %q", tc.pointer, tc.parameter, fe.Detail, tc.detail)
						}
						found = true
					}
				}
				if !found {
					want := "pointer " + tc.pointer
					if tc.parameter != "" {
						want = "parameter " + tc.parameter
					}
					t.Errorf("errors[] has no %s; body %s", want, shown)
				}
			}
			for _, fe := range p.Errors {
				if fe.Detail == "" {
					t.Errorf("errors[] entry without detail: %s", shown)
				}
			}
		})
	}
	if n := len(cases); n < 30 {
		t.Fatalf("only %d cases", n)
	}
	// The fixture cohort was never touched by the refused writes.
	var version int
	var name string
	if err := db.QueryRow(ctx, `SELECT version, name FROM cohorts WHERE tenant_id = 'acme'`).Scan(&version, &name); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if version != 1 || name != "acme fixture" {
		t.Errorf("fixture cohort changed: version %d, name %q", version, name)
	}
}
