package server_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ECohortReferences: a v1 cohort's group, facilitators and assessments must exist in
// the caller's tenant (and, for assessments, be live): a reference to nothing, to another
// tenant's record or to a deleted assessment is a 422 naming the field, and nothing is
// stored; the same cohort with references that exist is created.
func TestE2ECohortReferences(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	mgr := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	grp, user, asm, deleted := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	foreignGrp, foreignUser, foreignAsm := uuid.New(), uuid.New(), uuid.New()
	e2eSeedRefs(t, db, "acme", "", []uuid.UUID{grp}, []uuid.UUID{user}, []uuid.UUID{asm, deleted})
	e2eSeedRefs(t, db, "globex", "", []uuid.UUID{foreignGrp}, []uuid.UUID{foreignUser}, []uuid.UUID{foreignAsm})
	if _, err := db.Exec(ctx, `UPDATE assessments SET is_deleted = true, deleted_at = now() WHERE id = $1`, deleted); err != nil {
		t.Fatal(err)
	}
	ids := func(prefix string, us ...uuid.UUID) *[]string {
		out := []string{}
		for _, u := range us {
			out = append(out, typeid.Format(prefix, u))
		}
		return &out
	}
	for _, tc := range []struct {
		name    string
		body    client.CohortCreate
		pointer string
	}{
		{"a group that does not exist", client.CohortCreate{Name: "c", GroupId: e2ePtr(typeid.Format(typeid.Group, uuid.New()))}, "/group_id"},
		{"another tenant's group", client.CohortCreate{Name: "c", GroupId: e2ePtr(typeid.Format(typeid.Group, foreignGrp))}, "/group_id"},
		{"another tenant's user", client.CohortCreate{Name: "c", FacilitatorIds: ids(typeid.Person, user, foreignUser)}, "/facilitator_ids"},
		{"an assessment that does not exist", client.CohortCreate{Name: "c", AssignedAssessmentIds: ids(typeid.Assessment, uuid.New())}, "/assigned_assessment_ids"},
		{"another tenant's assessment", client.CohortCreate{Name: "c", AssignedAssessmentIds: ids(typeid.Assessment, foreignAsm)}, "/assigned_assessment_ids"},
		{"a deleted assessment", client.CohortCreate{Name: "c", AssignedAssessmentIds: ids(typeid.Assessment, asm, deleted)}, "/assigned_assessment_ids"},
	} {
		_, err := mgr.Client.Learning.Cohorts.Create(ctx, nil, tc.body)
		e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, tc.name)
		if e.Problem.Errors == nil || len(*e.Problem.Errors) != 1 || (*e.Problem.Errors)[0].Pointer == nil || *(*e.Problem.Errors)[0].Pointer != tc.pointer {
			t.Errorf("%s: %s, want one error on %s", tc.name, e.Body, tc.pointer)
		}
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM cohorts`); n != 0 {
		t.Errorf("%d cohorts stored by refused requests", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'cohort.create'`); n != 0 {
		t.Errorf("%d cohort.create audit rows written by refused requests", n)
	}
	c, err := mgr.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "ok", GroupId: e2ePtr(typeid.Format(typeid.Group, grp)),
		FacilitatorIds: ids(typeid.Person, user), AssignedAssessmentIds: ids(typeid.Assessment, asm)})
	if err != nil || c.GroupId == nil || *c.GroupId != typeid.Format(typeid.Group, grp) {
		t.Fatalf("references that exist: %v, %v", c, err)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'cohort.create'`); n != 1 {
		t.Errorf("%d cohort.create audit rows after one create, want 1", n)
	}

	// An assessment's cohort must be live: a soft-deleted one (which its foreign key
	// still finds) is refused, and nothing is written, audit included.
	gone, err := mgr.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE cohorts SET is_deleted = true, deleted_at = now() WHERE name = 'gone'`); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{gone.Id, typeid.Format(typeid.Cohort, uuid.New())} {
		_, err = mgr.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindLearning, Name: "a", TargetCohortId: &target})
		e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "an assessment of cohort "+target)
		if e.Problem.Errors == nil || len(*e.Problem.Errors) != 1 || *(*e.Problem.Errors)[0].Pointer != "/target_cohort_id" {
			t.Errorf("an assessment of cohort %s: %s, want one error on /target_cohort_id", target, e.Body)
		}
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM assessments WHERE name = 'a'`) + e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'assessment.create'`); n != 0 {
		t.Errorf("%d assessments or their audit rows written by refused requests", n)
	}
	if _, err := mgr.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindLearning, Name: "a", TargetCohortId: &c.Id}); err != nil {
		t.Fatalf("an assessment of a live cohort: %v", err)
	}

	// An update checks the references it adds: another tenant's user is refused, and
	// nothing changes.
	_, err = mgr.Client.Learning.Cohorts.Update(ctx, c.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(1)},
		client.CohortPatch{FacilitatorIds: ids(typeid.Person, user, foreignUser)})
	e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "an update adding another tenant's user")
	if e.Problem.Errors == nil || len(*e.Problem.Errors) != 1 || *(*e.Problem.Errors)[0].Pointer != "/facilitator_ids" {
		t.Errorf("an update adding another tenant's user: %s, want one error on /facilitator_ids", e.Body)
	}
	// The references it keeps were checked when they were written: once the assessment is
	// deleted, a rename still works (and its audit entry is written with it).
	if _, err := db.Exec(ctx, `UPDATE assessments SET is_deleted = true, deleted_at = now() WHERE id = $1`, asm); err != nil {
		t.Fatal(err)
	}
	up, err := mgr.Client.Learning.Cohorts.Update(ctx, c.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(1)}, client.CohortPatch{Name: e2ePtr("renamed")})
	if err != nil || up.Name != "renamed" || up.Version != 2 || len(up.FacilitatorIds) != 1 {
		t.Fatalf("a rename keeping a deleted assessment: %+v, %v", up, err)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'cohort.update' AND after->>'name' = 'renamed' AND before->>'name' = 'ok'`); n != 1 {
		t.Errorf("audit entries of the rename: %d, want 1", n)
	}
	// Adding the deleted assessment again is refused.
	_, err = mgr.Client.Learning.Cohorts.Update(ctx, c.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(2)},
		client.CohortPatch{AssignedAssessmentIds: ids(typeid.Assessment, deleted)})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "an update adding a deleted assessment")
}
