package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/reports"
)

// TestDeclaredStatusesCoverEveryOperation: the strict middleware finds every handler's
// operation in the contract (else it would hold none of them to their statuses).
func TestDeclaredStatusesCoverEveryOperation(t *testing.T) {
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	declared := declaredStatuses(spec)
	it := reflect.TypeOf((*api.StrictServerInterface)(nil)).Elem()
	for i := range it.NumMethod() {
		name := it.Method(i).Name
		if st := declared[lowerFirst(name)]; len(st) == 0 {
			t.Errorf("%s: no operation %q in the contract", name, lowerFirst(name))
		}
	}
}

// TestProblemFor: the one mapper words store errors with what the handler said about them.
func TestProblemFor(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		err    error
		status int
		code   string
		detail string
	}{
		{"bare not found", store.ErrNotFound, http.StatusNotFound, "not_found", "no such record"},
		{"about", about(fmt.Errorf("get: %w", store.ErrNotFound), "course chain chn_1"), http.StatusNotFound, "not_found", "course chain chn_1 not found"},
		{"part", &courses.PartNotFoundError{What: "element"}, http.StatusNotFound, "not_found", "no such element in this course"},
		{"part about", about(&courses.PartNotFoundError{What: "element"}, "course crs_1"), http.StatusNotFound, "not_found", "course crs_1 not found"},
		{"report part", about(aboutPart(&reports.NotFoundError{What: "group"}, "group", "group grp_1"), "course crs_1"), http.StatusNotFound, "not_found", "group grp_1 not found"},
		{"report record", about(aboutPart(&reports.NotFoundError{What: "course"}, "group", "group grp_1"), "course crs_1"), http.StatusNotFound, "not_found", "course crs_1 not found"},
		{"describe", describe(store.ErrNotFound, store.ErrNotFound, "course crs_1 is not assigned to you"), http.StatusNotFound, "not_found", "course crs_1 is not assigned to you"},
		{"describe other target", describe(store.ErrNotDeleted, store.ErrNotFound, "x"), http.StatusConflict, "not_deleted", "the record is not deleted"},
		{"describe code", describeCode(store.ErrNotFound, store.ErrNotFound, "session_not_found", "gone"), http.StatusNotFound, "session_not_found", "gone"},
		{"not deleted", about(store.ErrNotDeleted, "cohort coh_1"), http.StatusConflict, "not_deleted", "cohort coh_1 is not deleted"},
		{"not open", about(&learning.AssessmentNotOpenError{Status: "closed"}, "assessment asm_1"), http.StatusConflict, "assessment_not_open", "assessment asm_1 is closed; responses are accepted only while it is open"},
		{"validation", &store.ValidationError{Fields: []store.FieldError{{Pointer: "/a", Detail: "bad"}}}, http.StatusUnprocessableEntity, "validation_failed", "the request body is invalid"},
		{"first violation", detailFirstViolation(about(&store.ValidationError{Fields: []store.FieldError{{Pointer: "/a", Detail: "bad"}}}, "x")), http.StatusUnprocessableEntity, "validation_failed", "/a: bad"},
		{"stale", &store.VersionMismatchError{Expected: 1, Current: 2}, http.StatusPreconditionFailed, "version_mismatch", "version 1 is stale; the current version is 2"},
		{"ai write stale", aiWrite(&store.VersionMismatchError{Expected: 1, Current: 2}), http.StatusConflict, "course_changed", "the course changed while the AI was writing; nothing was changed — retry"},
		{"ai write invalid", aiWrite(&store.ValidationError{}), http.StatusBadGateway, "generator_failed", "the course generator returned unusable content; nothing was changed — retry, perhaps with different feedback"},
		{"refused generation", &materials.GenerationRefusedError{Reason: "no"}, http.StatusForbidden, "not_course_editor", ""},
		{"unexpected", errors.New("boom"), http.StatusInternalServerError, "internal", ""},
		{"handler's own", fail(newProblem(ctx, kindForbidden, "no")), http.StatusForbidden, "forbidden", "no"},
	}
	for _, c := range cases {
		p, _ := problemFor(ctx, c.err)
		if p.Status != c.status || deref(p.Code) != c.code || (c.detail != "" && deref(p.Detail) != c.detail) {
			t.Errorf("%s: %d %s %q, want %d %s %q", c.name, p.Status, deref(p.Code), deref(p.Detail), c.status, c.code, c.detail)
		}
	}
	if p, h := problemFor(ctx, &materials.QuotaExceededError{Scope: "tenant", Limit: 50, RetryAfter: 90e9}); p.Status != http.StatusTooManyRequests || h["Retry-After"] != "90" || deref(p.Code) != "ai_tenant_quota_exceeded" {
		t.Errorf("quota: %d %v %v", p.Status, h, deref(p.Code))
	}
}
