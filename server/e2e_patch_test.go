package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EPatch: JSON Merge Patch through the SDK — absent members unchanged, null clears,
// objects merge — with the envelope restamped for the patcher, server-stamped members in
// the patch ignored, and unknown members refused without a write.
func TestE2EPatch(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	creator := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	patcher := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	ctx := e2eCtx(t)
	start, end := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 6, 26, 17, 0, 0, 0, time.UTC)
	made, err := creator.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{
		Name: "Original", ProgramId: e2ePtr("prg-1"), StartDate: &start, EndDate: &end, SessionCount: e2ePtr(4),
		CompletionRequiredPct: e2ePtr(70.0), Tags: &[]string{"a"}, Metadata: &client.Metadata{"keep": "yes", "drop": "me", "n": 1.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // so updated_at visibly moves

	up, err := patcher.Client.Learning.Cohorts.Update(ctx, made.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(1)}, client.CohortPatch{
		ProgramId:    nullable.NewNullNullable[string](),
		SessionCount: nullable.NewNullNullable[int](),
		EndDate:      nullable.NewNullableWithValue(end.Add(24 * time.Hour)),
		Metadata:     &client.Metadata{"drop": nil, "added": true},
		Status:       e2ePtr(client.CohortStatusActive),
	})
	if err != nil {
		t.Fatalf("patch: %v", err)
	}
	want := *made
	want.ProgramId, want.SessionCount = nil, nil
	want.EndDate = e2ePtr(end.Add(24 * time.Hour))
	want.Metadata = client.Metadata{"keep": "yes", "n": 1.0, "added": true}
	want.Status = client.CohortStatusActive
	want.Version = 2
	want.UpdatedBy = &patcher.Subject
	want.UpdatedAt = up.UpdatedAt
	if !up.UpdatedAt.After(made.UpdatedAt) {
		t.Errorf("updated_at %s not after %s", up.UpdatedAt, made.UpdatedAt)
	}
	e2eDiff(t, "patched", want, up)
	got, err := creator.Client.Learning.Cohorts.Get(ctx, made.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	e2eDiff(t, "get after patch", want, got)

	t.Run("server-stamped members ignored", func(t *testing.T) {
		body := map[string]any{
			"id": "coh_00000000000000000000000000", "tenant_id": "globex", "app_id": "evil", "created_at": "2020-01-01T00:00:00Z",
			"updated_at": "2020-01-01T00:00:00Z", "created_by": "per_00000000000000000000000000", "updated_by": "per_00000000000000000000000000",
			"is_deleted": true, "deleted_at": "2020-01-01T00:00:00Z", "deleted_by": "per_00000000000000000000000000",
			"schema_version": 99, "current_completion_pct": 99, "name": "Renamed",
		}
		r := e2eDo(t, http.MethodPatch, env.URL+"/api/v1/learning/cohorts/"+made.Id, patcher.Token, body, map[string]string{"If-Match": `"2"`})
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		g, err := creator.Client.Learning.Cohorts.Get(ctx, made.Id, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := want
		w.Name, w.Version, w.UpdatedAt = "Renamed", 3, g.UpdatedAt
		e2eDiff(t, "after a patch full of server-stamped members", w, g)
		want = w
	})

	t.Run("unknown member", func(t *testing.T) {
		r := e2eDo(t, http.MethodPatch, env.URL+"/api/v1/learning/cohorts/"+made.Id, patcher.Token,
			map[string]any{"name": "x", "colour": "red"}, map[string]string{"If-Match": `"3"`})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422: %s", r.Status, r.Body)
		}
		p := e2eProblem(t, r)
		if p.Errors == nil || len(*p.Errors) != 1 || (*p.Errors)[0].Pointer == nil || *(*p.Errors)[0].Pointer != "/colour" {
			t.Errorf("errors %s, want one at /colour", e2eJSON(p.Errors))
		}
		if row := e2eReadRow(t, db, "cohorts", typeid.Cohort, made.Id); row.Version != 3 || row.Name != "Renamed" {
			t.Errorf("row changed by a refused patch: %+v", row)
		}
	})

	t.Run("merged record validated as a whole", func(t *testing.T) {
		_, err := patcher.Client.Learning.Cohorts.Update(ctx, made.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(3)},
			client.CohortPatch{StartDate: nullable.NewNullableWithValue(end.Add(48 * time.Hour))})
		e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "start_date after end_date")
		if e.Problem.Errors == nil || len(*e.Problem.Errors) == 0 || (*e.Problem.Errors)[0].Pointer == nil || *(*e.Problem.Errors)[0].Pointer != "/end_date" {
			t.Errorf("errors %s, want /end_date", e2eJSON(e.Problem.Errors))
		}
		if row := e2eReadRow(t, db, "cohorts", typeid.Cohort, made.Id); row.Version != 3 {
			t.Errorf("row changed by a refused patch: %+v", row)
		}
	})
}

// TestE2EPatchKeepsComputedFields: current_completion_pct (cohorts), response_count and
// completion_pct (assessments) are read-only, computed by the server. A PATCH of an
// unrelated member must leave them as they are.
func TestE2EPatchKeepsComputedFields(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	ctx := e2eCtx(t)

	t.Run("cohort current_completion_pct", func(t *testing.T) {
		c, err := who.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "computed"})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := typeid.Parse(typeid.Cohort, c.Id)
		// What the completion computation would have written.
		if _, err := db.Exec(context.Background(), `UPDATE cohorts SET current_completion_pct = 42.5 WHERE id = $1`, u); err != nil {
			t.Fatal(err)
		}
		up, err := who.Client.Learning.Cohorts.Update(ctx, c.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(1)}, client.CohortPatch{Name: e2ePtr("renamed")})
		if err != nil {
			t.Fatal(err)
		}
		if up.CurrentCompletionPct == nil || *up.CurrentCompletionPct != 42.5 {
			t.Errorf("PATCH {name} response: current_completion_pct %v, want 42.5", up.CurrentCompletionPct)
		}
		var pct *float64
		if err := db.QueryRow(context.Background(), `SELECT current_completion_pct FROM cohorts WHERE id = $1`, u).Scan(&pct); err != nil {
			t.Fatal(err)
		}
		if pct == nil || *pct != 42.5 {
			t.Errorf("PATCH {name} left current_completion_pct = %v in the database, want 42.5", pct)
		}
		var after string
		if err := db.QueryRow(context.Background(), `SELECT after->>'current_completion_pct' FROM audit_log
			WHERE action = 'cohort.update' AND target_id = $1`, c.Id).Scan(&after); err != nil || after != "42.5" {
			t.Errorf("audit after.current_completion_pct = %q (%v), want 42.5", after, err)
		}
	})

	t.Run("assessment response_count and completion_pct", func(t *testing.T) {
		a, err := who.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindGeneral, Name: "computed"})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := typeid.Parse(typeid.Assessment, a.Id)
		if _, err := db.Exec(context.Background(), `UPDATE assessments SET response_count = 7, completion_pct = 50 WHERE id = $1`, u); err != nil {
			t.Fatal(err)
		}
		up, err := who.Client.Learning.Assessments.Update(ctx, a.Id, &client.UpdateAssessmentParams{IfMatch: e2eIfMatch(1)}, client.AssessmentPatch{Name: e2ePtr("renamed")})
		if err != nil {
			t.Fatal(err)
		}
		if up.ResponseCount != 7 || up.CompletionPct != 50 {
			t.Errorf("PATCH {name} response: response_count %d completion_pct %v, want 7 and 50", up.ResponseCount, up.CompletionPct)
		}
		var n int
		var pct float64
		if err := db.QueryRow(context.Background(), `SELECT response_count, completion_pct FROM assessments WHERE id = $1`, u).Scan(&n, &pct); err != nil {
			t.Fatal(err)
		}
		if n != 7 || pct != 50 {
			t.Errorf("PATCH {name} left response_count %d completion_pct %v in the database, want 7 and 50", n, pct)
		}
		// The audit entry shows the record as stored, computed columns included.
		var after string
		if err := db.QueryRow(context.Background(), `SELECT after->>'response_count' FROM audit_log
			WHERE action = 'assessment.update' AND target_id = $1`, a.Id).Scan(&after); err != nil || after != "7" {
			t.Errorf("audit after.response_count = %q (%v), want 7", after, err)
		}
	})
}

// TestE2EValidationPointers: 422 problems point at the offending member with an RFC 6901
// JSON Pointer — for a missing required member, the pointer of that member.
func TestE2EValidationPointers(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	who := e2eAdmin(t, env, "acme")
	seed := map[string]any{ // seed 000's SDK example, verbatim
		"id": "rec_01HXEXAMPLE", "tenant_id": "example tenant_id", "created_at": "2026-01-01T00:00:00Z",
		"updated_at": "2026-01-01T00:00:00Z", "app_id": "example app_id", "created_by": "rec_01HXEXAMPLE",
	}
	for _, tc := range []struct {
		name, path string
		body       any
		want       []string
	}{
		{"cohort: seed example without name", "/api/v1/learning/cohorts", seed, []string{"/name"}},
		{"assessment: seed example without kind and name", "/api/v1/learning/assessments", seed, []string{"/kind", "/name"}},
		{"cohort: unknown member", "/api/v1/learning/cohorts", map[string]any{"name": "x", "colour": "red"}, []string{"/colour"}},
		{"cohort: end before start", "/api/v1/learning/cohorts",
			map[string]any{"name": "x", "start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}, []string{"/end_date"}},
		{"cohort: bad group id", "/api/v1/learning/cohorts", map[string]any{"name": "x", "group_id": "grp-nope"}, []string{"/group_id"}},
		{"assessment: question without text", "/api/v1/learning/assessments",
			map[string]any{"kind": "general", "name": "x", "questions": []any{map[string]any{"id": "q1", "type": "text"}}}, []string{"/questions/0/text"}},
		{"assessment: choice question with one option", "/api/v1/learning/assessments",
			map[string]any{"kind": "general", "name": "x", "questions": []any{map[string]any{"id": "q1", "text": "?", "type": "single_choice", "options": []string{"only"}}}},
			[]string{"/questions/0/options"}},
		{"assessment: frameworks on a learning kind", "/api/v1/learning/assessments",
			map[string]any{"kind": "learning", "name": "x", "framework_ids": []string{"soc2"}}, []string{"/framework_ids"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e2eDo(t, http.MethodPost, env.URL+tc.path, who.Token, tc.body, nil)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", r.Status, r.Body)
			}
			p := e2eProblem(t, r)
			var got []string
			if p.Errors != nil {
				for _, fe := range *p.Errors {
					if fe.Pointer != nil {
						got = append(got, *fe.Pointer)
					}
				}
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("pointers %v, want %q among them (%s)", got, w, r.Body)
				}
			}
		})
	}
}
