package server_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ECoursesChains: course chains are created by course editors with 1–50 distinct
// live courses of the tenant (422 pointing at a bad one), found by name, read by
// course_view holders, changed and deleted only by their owner or an admin/owner, 404
// across tenants, and every write is audited with before/after.
func TestE2ECoursesChains(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	a := coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesUser(t, env, "acme", auth.RoleManager)
	admin := coursesUser(t, env, "acme", auth.RoleAdmin)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)
	x := coursesUser(t, env, "globex", auth.RoleOwner)
	c1 := coursesCreate(t, ctx, a.C, "Onboarding")
	c2 := coursesCreate(t, ctx, b.C, "Security basics")
	c3 := coursesCreate(t, ctx, a.C, "Forklifts")
	gone := coursesCreate(t, ctx, a.C, "Retired")
	if err := a.C.LMS.Courses.Delete(ctx, gone.Id, nil); err != nil {
		t.Fatal(err)
	}
	foreign := coursesCreate(t, ctx, x.C, "Globex course")

	ch, err := a.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "New-hire path", Description: e2ePtr("First month"), CourseIds: []string{c1.Id, c2.Id}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.OwnerId != a.ID || ch.Version != 1 || !reflect.DeepEqual(ch.CourseIds, []string{c1.Id, c2.Id}) || ch.Description == nil || *ch.Description != "First month" {
		t.Errorf("created chain = %+v", ch)
	}
	audit := coursesLastAudit(t, db, "acme", "chain.create", "course_chain", ch.Id, a.ID)
	if audit.Before != nil || audit.After["name"] != "New-hire path" || len(audit.After["courseIds"].([]any)) != 2 {
		t.Errorf("create audit %+v", audit)
	}

	// Course list rules, each with the pointer of the offending entry; nothing is stored.
	bad := []struct {
		name    string
		ids     []string
		pointer string
	}{
		{"unknown course", []string{c1.Id, "crs_01jd8x4k2m3n5p6q7r8s9t0v1w"}, "/courseIds/1"},
		{"deleted course", []string{gone.Id}, "/courseIds/0"},
		{"another tenant's course", []string{c1.Id, c3.Id, foreign.Id}, "/courseIds/2"},
		{"the same course twice, in both id forms", []string{c1.Id, typeid.Course + "-" + coursesUUID(t, typeid.Course, c1.Id).String()}, "/courseIds/1"},
	}
	before := e2eCount(t, db, `SELECT count(*) FROM course_chains`)
	for _, tc := range bad {
		_, err := a.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "Bad", CourseIds: tc.ids})
		e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, tc.name)
		if fs := coursesDeref(e.Problem.Errors); len(fs) != 1 || fs[0].Pointer == nil || *fs[0].Pointer != tc.pointer {
			t.Errorf("%s: errors %+v, want one at %s", tc.name, fs, tc.pointer)
		}
	}
	_, err = a.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "Empty", CourseIds: []string{}})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "no courses")
	if got := e2eCount(t, db, `SELECT count(*) FROM course_chains`); got != before {
		t.Errorf("chains after refused creates = %d, want %d", got, before)
	}

	// Reads.
	got, err := b.C.LMS.Chains.Get(ctx, ch.Id)
	if err != nil || got.Name != "New-hire path" {
		t.Errorf("manager get: %v %v", got, err)
	}
	if _, err := a.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "Warehouse path", CourseIds: []string{c3.Id}}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "Globex path", CourseIds: []string{foreign.Id}}); err != nil {
		t.Fatal(err)
	}
	page, err := b.C.LMS.Chains.Find(ctx, &client.FindCourseChainsParams{Query: e2ePtr("PATH")})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, c := range page.Data {
		found = append(found, c.Name)
	}
	if !reflect.DeepEqual(found, []string{"New-hire path", "Warehouse path"}) || page.HasMore {
		t.Errorf("find PATH = %q", found)
	}
	p1, err := b.C.LMS.Chains.Find(ctx, &client.FindCourseChainsParams{Limit: e2ePtr(1)})
	if err != nil || len(p1.Data) != 1 || !p1.HasMore || p1.NextPageToken == nil {
		t.Fatalf("page 1: %v %v", p1, err)
	}
	p2, err := b.C.LMS.Chains.Find(ctx, &client.FindCourseChainsParams{Limit: e2ePtr(1), PageToken: p1.NextPageToken})
	if err != nil || len(p2.Data) != 1 || p2.HasMore || p2.Data[0].Name != "Warehouse path" {
		t.Errorf("page 2: %v %v", p2, err)
	}
	_, err = learner.C.LMS.Chains.Get(ctx, ch.Id)
	e2eSdkErr(t, err, http.StatusForbidden, "learner get chain")
	_, err = learner.C.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "L", CourseIds: []string{c1.Id}})
	e2eSdkErr(t, err, http.StatusForbidden, "learner create chain")

	// Changes: owner or admin only.
	_, err = b.C.LMS.Chains.Update(ctx, ch.Id, nil, client.CourseChainPatch{Name: e2ePtr("B's path")})
	e2eSdkErr(t, err, http.StatusForbidden, "other manager updates the chain")
	err = b.C.LMS.Chains.Delete(ctx, ch.Id, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "other manager deletes the chain")
	up, err := a.C.LMS.Chains.Update(ctx, ch.Id, &client.UpdateCourseChainParams{IfMatch: e2eIfMatch(1)},
		client.CourseChainPatch{Description: nullable.NewNullNullable[string](), CourseIds: &client.CourseChainCourseIDs{c3.Id, c2.Id, c1.Id}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.Description != nil || !reflect.DeepEqual(up.CourseIds, []string{c3.Id, c2.Id, c1.Id}) || up.Name != "New-hire path" {
		t.Errorf("updated chain = %+v", up)
	}
	audit = coursesLastAudit(t, db, "acme", "chain.update", "course_chain", ch.Id, a.ID)
	if audit.Before["description"] != "First month" || audit.After["description"] != nil || len(audit.After["courseIds"].([]any)) != 3 {
		t.Errorf("update audit before %v after %v", audit.Before, audit.After)
	}
	_, err = a.C.LMS.Chains.Update(ctx, ch.Id, &client.UpdateCourseChainParams{IfMatch: e2eIfMatch(1)}, client.CourseChainPatch{Name: e2ePtr("Stale")})
	e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale chain update")
	_, err = a.C.LMS.Chains.Update(ctx, ch.Id, nil, client.CourseChainPatch{CourseIds: &client.CourseChainCourseIDs{gone.Id}})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "patch to a deleted course")
	if _, err := admin.C.LMS.Chains.Update(ctx, ch.Id, nil, client.CourseChainPatch{Name: e2ePtr("Admin's path")}); err != nil {
		t.Errorf("admin updates the chain: %v", err)
	}

	// Other tenants: 404 for everything.
	_, err = x.C.LMS.Chains.Get(ctx, ch.Id)
	e2eSdkErr(t, err, http.StatusNotFound, "other tenant get chain")
	_, err = x.C.LMS.Chains.Update(ctx, ch.Id, nil, client.CourseChainPatch{Name: e2ePtr("x")})
	e2eSdkErr(t, err, http.StatusNotFound, "other tenant update chain")
	err = x.C.LMS.Chains.Delete(ctx, ch.Id, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "other tenant delete chain")

	// Delete.
	if err := a.C.LMS.Chains.Delete(ctx, ch.Id, &client.DeleteCourseChainParams{IfMatch: e2eIfMatch(3)}); err != nil {
		t.Fatal(err)
	}
	audit = coursesLastAudit(t, db, "acme", "chain.delete", "course_chain", ch.Id, a.ID)
	if audit.Before["name"] != "Admin's path" || audit.After["deleted"] != true {
		t.Errorf("delete audit before %v after %v", audit.Before, audit.After)
	}
	_, err = a.C.LMS.Chains.Get(ctx, ch.Id)
	e2eSdkErr(t, err, http.StatusNotFound, "get deleted chain")
	err = a.C.LMS.Chains.Delete(ctx, ch.Id, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "delete twice")
	if n := e2eCount(t, db, `SELECT count(*) FROM course_chains WHERE id = $1 AND is_deleted`, coursesUUID(t, typeid.Chain, ch.Id)); n != 1 {
		t.Errorf("soft-deleted chain rows = %d", n)
	}
}
