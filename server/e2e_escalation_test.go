package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// TestE2EOverdueEscalation: admins set the tenant's escalation days (managers may not;
// out of range is 422 and changes nothing); an overdue assignment is escalated to the
// learner's manager after the course's own days when it has them, else the tenant's, once
// across sweeps; a learner without a manager is recorded as skipped and nobody is mailed.
func TestE2EOverdueEscalation(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "escal")
	admin := f.user(auth.RoleAdmin)
	boss := f.user(auth.RoleManager)
	managed, unmanaged := f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	f.exec(`UPDATE users SET attributes = jsonb_build_object('manager', $2::text) WHERE tenant_id = $1 AND id = $3`, f.tenant, boss.ID, managed.UUID)
	ctx := e2eCtx(t)

	if s, err := admin.Client.LMS.Tenant.GetSettings(ctx); err != nil || s.OverdueEscalationDays != nil {
		t.Fatalf("default settings: %+v %v", s, err)
	}
	if _, err := admin.Client.LMS.Tenant.UpdateSettings(ctx, client.TenantSettingsPatch{OverdueEscalationDays: nullable.NewNullableWithValue(7)}); err != nil {
		t.Fatal(err)
	}
	_, err := boss.Client.LMS.Tenant.UpdateSettings(ctx, client.TenantSettingsPatch{OverdueEscalationDays: nullable.NewNullableWithValue(1)})
	if se := (*sdk.Error)(nil); !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
		t.Errorf("a manager changing the tenant's settings: %v, want 403", err)
	}
	for _, days := range []int{0, 366} {
		r := e2eDo(t, http.MethodPatch, env.URL+"/api/v2/tenant/settings", admin.Token, map[string]any{"overdueEscalationDays": days}, nil)
		if !recertHasPointer(t, r, "/overdueEscalationDays") {
			t.Errorf("overdueEscalationDays %d: %d %s, want 422 naming it", days, r.Status, r.Body)
		}
	}
	if s, err := boss.Client.LMS.Tenant.GetSettings(ctx); err != nil || s.OverdueEscalationDays == nil || *s.OverdueEscalationDays != 7 {
		t.Fatalf("settings read by a manager: %+v %v, want 7", s, err)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'tenant.settings.update'`, f.tenant); n != 1 {
		t.Errorf("settings audit rows: %d, want 1", n)
	}

	tenantDays := f.course(boss, asgCourseSpec{Name: "Fire drill"})
	ownDays := f.course(boss, asgCourseSpec{Name: "First aid", Settings: map[string]any{"overdueEscalationDays": 2}})
	due := asgTime(time.Hour)
	for _, a := range []struct {
		u asgUser
		c asgCourse
	}{{managed, tenantDays}, {managed, ownDays}, {unmanaged, ownDays}} {
		asgMustAssign(t, boss.Client, a.c.ID, client.AssignUserRequest{UserId: a.u.ID, DueAt: &due})
	}
	repo := assignments.New(env.Store)
	sweep := func(at time.Time) {
		t.Helper()
		if _, err := repo.Sweep(context.Background(), at); err != nil {
			t.Fatal(err)
		}
	}
	escalation := func(u asgUser, c asgCourse) string {
		t.Helper()
		var s *string
		if err := f.db.QueryRow(context.Background(), `SELECT escalation FROM assignments WHERE tenant_id = $1 AND user_id = $2 AND course_id = $3`,
			f.tenant, u.UUID, c.UUID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return ""
		}
		return *s
	}

	// Three days overdue: past the course's 2, not the tenant's 7.
	sweep(due.AddDate(0, 0, 3))
	sweep(due.AddDate(0, 0, 3).Add(time.Hour))
	if got := [3]string{escalation(managed, tenantDays), escalation(managed, ownDays), escalation(unmanaged, ownDays)}; got != [3]string{"", "sent", "skipped"} {
		t.Errorf("after 3 days: %v, want [ sent skipped]", got)
	}
	if m := f.mails("escalation"); len(m) != 1 || m[0].To != boss.Email {
		t.Errorf("escalation mails after 3 days: %+v, want one to %s", m, boss.Email)
	}
	// Eight days overdue: the tenant's 7 have passed too; nothing is sent twice.
	sweep(due.AddDate(0, 0, 8))
	sweep(due.AddDate(0, 0, 9))
	if got := escalation(managed, tenantDays); got != "sent" {
		t.Errorf("after 8 days, the tenant's course: %q, want sent", got)
	}
	if m := f.mails("escalation"); len(m) != 2 {
		t.Errorf("escalation mails after 9 days: %d, want 2", len(m))
	}
}

// TestE2EComplianceExpiredCertificate: a completed assignment whose certificate has
// expired (and was not renewed) is status expired and counted as such, not as completed;
// a valid or renewed certificate, or a course without certificates, stays completed.
func TestE2EComplianceExpiredCertificate(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "rpt-expired")
	admin := f.user("Admin", auth.RoleAdmin, false)
	alice, bob, carol, dave := f.user("Alice", auth.RoleLearner, false), f.user("Bob", auth.RoleLearner, false),
		f.user("Carol", auth.RoleLearner, false), f.user("Dave", auth.RoleLearner, false)
	course, _ := f.course(rptCourseSpec{Name: "Hazmat", Status: "published", Owner: admin.UUID})
	now := rptNow()
	done := rptAsg{CompletedAt: now.AddDate(-1, 0, 0), StartedAt: now.AddDate(-1, 0, -1)}
	for _, u := range []rptUser{alice, bob, carol, dave} {
		f.assign(u, course, done)
	}
	past, future := now.AddDate(0, 0, -1), now.AddDate(0, 6, 0)
	f.certificate(alice, course, now.AddDate(-1, 0, 0), &past)
	f.certificate(bob, course, now.AddDate(-1, 0, 0), &future)
	f.certificate(carol, course, now.AddDate(-2, 0, 0), &past)
	f.certificate(carol, course, now.AddDate(0, -1, 0), nil) // renewed, never expires

	r, err := admin.Client.LMS.Statistics.Compliance(ctx, typeid.Format(typeid.Course, course), nil)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]client.ComplianceStatus{}
	for _, u := range r.Users {
		status[u.Name] = u.Status
	}
	want := map[string]client.ComplianceStatus{"Alice": "expired", "Bob": "completed", "Carol": "completed", "Dave": "completed"}
	for name, s := range want {
		if status[name] != s {
			t.Errorf("%s: %q, want %q", name, status[name], s)
		}
	}
	if r.Totals.Expired != 1 || r.Totals.Completed != 3 || r.Totals.Assigned != 4 {
		t.Errorf("totals: %+v, want 1 expired and 3 completed of 4", r.Totals)
	}
	st := client.ComplianceStatus("expired")
	only, err := admin.Client.LMS.Statistics.Compliance(ctx, typeid.Format(typeid.Course, course), &client.GetComplianceStatusParams{Status: &st})
	if err != nil || len(only.Users) != 1 || only.Users[0].Name != "Alice" {
		t.Errorf("status=expired: %+v %v", only, err)
	}
}
