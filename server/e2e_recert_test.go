package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/assignments"
)

// recertSettings is a course that issues certificates renewed every 12 months, re-assigned
// 30 days before they expire.
var recertSettings = map[string]any{"certificateOnCompletion": true, "certificateValidityMonths": 24,
	"recertification": map[string]any{"everyMonths": 12, "reassignDaysBefore": 30}}

// TestE2ERecertification: a certificate of a recertifying course expires after the
// recertification period; when the sweep runs inside the re-assign window the learner's
// assignment is open again (deadline: the expiry), they get one reminder mail across two
// sweeps, the old certificate is kept and listed as re-assigned; completing again issues a
// new certificate, and the renewed one leaves the due list. Learners may not read the due
// list.
func TestE2ERecertification(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "recert")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	c := f.course(mgr, asgCourseSpec{Name: "Forklift licence", Settings: recertSettings})
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID})
	if _, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: c.Elements[0], Completed: e2ePtr(true)}); err != nil {
		t.Fatal(err)
	}
	certs, err := mgr.Client.LMS.Certificates.List(ctx, learner.ID, nil)
	if err != nil || len(certs.Data) != 1 || certs.Data[0].ExpiresAt == nil {
		t.Fatalf("certificates after completion: %+v %v", certs, err)
	}
	first := certs.Data[0]
	if want := first.IssuedAt.AddDate(0, 12, 0); !first.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want issue + 12 months (the recertification period, not certificateValidityMonths) %v", first.ExpiresAt, want)
	}

	// Nothing is due before the window.
	repo := assignments.New(env.Store)
	if r, err := repo.Sweep(context.Background(), first.ExpiresAt.AddDate(0, 0, -31)); err != nil || r.Recertified != 0 {
		t.Fatalf("sweep before the window: %+v %v", r, err)
	}
	clock := first.ExpiresAt.AddDate(0, 0, -10)
	for range 2 {
		if _, err := repo.Sweep(context.Background(), clock); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = $1 AND user_id = $2 AND completed_at IS NULL AND due_at = $3`,
		f.tenant, learner.UUID, *first.ExpiresAt); n != 1 {
		t.Errorf("open assignments due at the expiry: %d, want 1", n)
	}
	if m := f.mails("recertification"); len(m) != 1 || m[0].To != learner.Email {
		t.Errorf("reminder mails after two sweeps: %+v, want one to %s", m, learner.Email)
	}
	a := f.auditFor("assignment.recertify", mustAssignmentID(t, f, learner, c))
	if a.Before["completedAt"] == nil || a.After["certificateId"] != first.Id {
		t.Errorf("recertify audit: %+v", a)
	}
	due, err := mgr.Client.LMS.Certificates.ListDue(ctx, &client.ListRecertificationDueParams{WithinDays: e2ePtr(365)})
	if err != nil || len(due.Data) != 1 {
		t.Fatalf("due list: %+v %v", due, err)
	}
	if d := due.Data[0]; d.Id != first.Id || d.UserId != learner.ID || d.ReassignedAt == nil || d.ReassignAt == nil ||
		!d.ReassignAt.Equal(first.ExpiresAt.AddDate(0, 0, -30)) {
		t.Errorf("due entry: %+v", d)
	}
	_, err = learner.Client.LMS.Certificates.ListDue(ctx, nil)
	if se := (*sdk.Error)(nil); !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
		t.Errorf("learner reading the due list: %v, want 403", err)
	}

	// Completing again issues a second certificate; the first is kept; the renewed one
	// is no longer due.
	if _, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: c.Elements[0], Completed: e2ePtr(true)}); err != nil {
		t.Fatal(err)
	}
	certs, err = mgr.Client.LMS.Certificates.List(ctx, learner.ID, nil)
	if err != nil || len(certs.Data) != 2 || certs.Data[1].Id != first.Id || certs.Data[1].Number != first.Number {
		t.Fatalf("certificates after renewal: %+v %v", certs, err)
	}
	due, err = mgr.Client.LMS.Certificates.ListDue(ctx, &client.ListRecertificationDueParams{WithinDays: e2ePtr(300)})
	if err != nil || len(due.Data) != 0 {
		t.Errorf("due list after renewal: %+v %v", due, err)
	}
}

// TestE2ERecertificationSettings: the course settings round-trip and clear; out-of-range
// values are 422 naming the member and change nothing.
func TestE2ERecertificationSettings(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "recert-set")
	mgr := f.user(auth.RoleManager)
	c := f.course(mgr, asgCourseSpec{Settings: map[string]any{"certificateOnCompletion": true}})
	url := env.URL + "/api/v2/courses/" + c.ID
	patch := func(settings map[string]any) e2eRaw {
		return e2eDo(t, http.MethodPatch, url, mgr.Token, map[string]any{"settings": settings}, nil)
	}
	if r := patch(map[string]any{"recertification": map[string]any{"everyMonths": 6, "reassignDaysBefore": 14}, "overdueEscalationDays": 5}); r.Status != http.StatusOK {
		t.Fatalf("valid patch: %d %s", r.Status, r.Body)
	}
	got, err := mgr.Client.LMS.Courses.Get(e2eCtx(t), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Settings; s.Recertification == nil || *s.Recertification != (client.Recertification{EveryMonths: 6, ReassignDaysBefore: 14}) ||
		s.OverdueEscalationDays == nil || *s.OverdueEscalationDays != 5 {
		t.Errorf("settings: %+v", s)
	}
	cases := []struct {
		name     string
		settings map[string]any
		pointer  string
	}{
		{"months 0", map[string]any{"recertification": map[string]any{"everyMonths": 0, "reassignDaysBefore": 10}}, "/settings/recertification/everyMonths"},
		{"months 121", map[string]any{"recertification": map[string]any{"everyMonths": 121, "reassignDaysBefore": 10}}, "/settings/recertification/everyMonths"},
		{"days 0", map[string]any{"recertification": map[string]any{"everyMonths": 12, "reassignDaysBefore": 0}}, "/settings/recertification/reassignDaysBefore"},
		{"days 366", map[string]any{"recertification": map[string]any{"everyMonths": 12, "reassignDaysBefore": 366}}, "/settings/recertification/reassignDaysBefore"},
		{"days not shorter than the period", map[string]any{"recertification": map[string]any{"everyMonths": 1, "reassignDaysBefore": 28}}, "/settings/recertification/reassignDaysBefore"},
		{"escalation 0", map[string]any{"overdueEscalationDays": 0}, "/settings/overdueEscalationDays"},
		{"escalation 366", map[string]any{"overdueEscalationDays": 366}, "/settings/overdueEscalationDays"},
	}
	for _, tc := range cases {
		r := patch(tc.settings)
		if r.Status != http.StatusUnprocessableEntity || !recertHasPointer(t, r, tc.pointer) {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.name, r.Status, r.Body, tc.pointer)
		}
	}
	after, err := mgr.Client.LMS.Courses.Get(e2eCtx(t), c.ID)
	if err != nil || !after.UpdatedAt.Equal(got.UpdatedAt) || *after.Settings.Recertification != *got.Settings.Recertification {
		t.Errorf("refused patches changed the course: %+v, want %+v (%v)", after, got, err)
	}
	if r := patch(map[string]any{"recertification": nil, "overdueEscalationDays": nil}); r.Status != http.StatusOK {
		t.Fatalf("clearing: %d %s", r.Status, r.Body)
	}
	if got, err = mgr.Client.LMS.Courses.Get(e2eCtx(t), c.ID); err != nil || got.Settings.Recertification != nil || got.Settings.OverdueEscalationDays != nil {
		t.Errorf("after clearing: %+v %v", got.Settings, err)
	}
}

// recertHasPointer reports whether the problem in r names pointer.
func recertHasPointer(t *testing.T, r e2eRaw, pointer string) bool {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		return false
	}
	p := e2eProblem(t, r)
	if p.Errors == nil {
		return false
	}
	for _, fe := range *p.Errors {
		if fe.Pointer != nil && *fe.Pointer == pointer {
			return true
		}
	}
	return false
}
