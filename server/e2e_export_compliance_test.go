package server_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

var expComplianceHeader = []string{"userId", "assignmentId", "name", "email", "status", "assignedAt", "startAt", "dueAt",
	"startedAt", "completedAt", "score"}

func TestE2EExportComplianceCSV(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := rptNewFix(t, env, "exp-comp")
	admin := f.user("Admin", auth.RoleAdmin, false)
	manager := f.user("Manager", auth.RoleManager, false)
	learner := f.user("Learner", auth.RoleLearner, false)
	formula := f.user("=1+2", auth.RoleLearner, false)
	comma := f.user(`Lee, "Sarah"`, auth.RoleLearner, false)
	plain := f.user("Zoe", auth.RoleLearner, false)
	banned := f.user("Banned", auth.RoleLearner, true)

	now := rptNow()
	assigned := rptDate(t, "2026-02-01T09:00:00Z")
	score := 92.5
	course, _ := f.course(rptCourseSpec{Name: "OSHA", Status: "published", Owner: admin.UUID})
	done := f.assign(comma, course, rptAsg{CreatedAt: assigned, StartedAt: now.Add(-5 * rptDay), CompletedAt: now.Add(-2 * rptDay),
		DueAt: now.Add(10 * rptDay), Score: &score})
	f.assign(formula, course, rptAsg{CreatedAt: assigned, DueAt: now.Add(-rptDay)})
	f.assign(plain, course, rptAsg{CreatedAt: assigned})
	f.assign(banned, course, rptAsg{CreatedAt: assigned})
	group := f.group("Warehouse", comma, plain)
	courseID := typeid.Format(typeid.Course, course)
	path := "/api/v2/courses/" + courseID + "/statistics/users"
	file := "compliance-" + courseID + ".csv"
	csvQ := url.Values{"format": {"csv"}}

	t.Run("every column", func(t *testing.T) {
		header, rows := expCSV(t, expGet(t, env, manager.Token, path, csvQ, ""), file)
		rptSame(t, "header", expComplianceHeader, header)
		rptSame(t, "names in order, banned left out, formula guarded", []string{"'=1+2", `Lee, "Sarah"`, "Zoe"}, expCol(rows, "name"))
		want := map[string]string{"userId": comma.ID, "assignmentId": typeid.Format(typeid.Assignment, done), "name": `Lee, "Sarah"`,
			"email": comma.Email, "status": "completed", "assignedAt": "2026-02-01T09:00:00Z", "startAt": "",
			"dueAt": now.Add(10 * rptDay).Format(time.RFC3339Nano), "startedAt": now.Add(-5 * rptDay).Format(time.RFC3339Nano),
			"completedAt": now.Add(-2 * rptDay).Format(time.RFC3339Nano), "score": "92.5"}
		rptSame(t, "completed row", want, rows[1])
		rptSame(t, "statuses", []string{"overdue", "completed", "assigned"}, expCol(rows, "status"))
	})

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			query url.Values
			want  []string
		}{
			{"group", url.Values{"groupId": {typeid.Format(typeid.Group, group)}}, []string{`Lee, "Sarah"`, "Zoe"}},
			{"status", url.Values{"status": {"overdue"}}, []string{"'=1+2"}},
			{"group and status", url.Values{"groupId": {typeid.Format(typeid.Group, group)}, "status": {"assigned"}}, []string{"Zoe"}},
			{"page size and token do not apply", url.Values{"limit": {"1"}}, []string{"'=1+2", `Lee, "Sarah"`, "Zoe"}},
			{"no rows: the header alone", url.Values{"groupId": {typeid.Format(typeid.Group, group)}, "status": {"overdue"}}, []string{}},
		} {
			t.Run(c.name, func(t *testing.T) {
				c.query.Set("format", "csv")
				_, rows := expCSV(t, expGet(t, env, admin.Token, path, c.query, ""), file)
				rptSame(t, "names", c.want, expCol(rows, "name"))
			})
		}
	})

	t.Run("Accept text/csv", func(t *testing.T) {
		_, rows := expCSV(t, expGet(t, env, admin.Token, path, nil, "text/csv"), file)
		if len(rows) != 3 {
			t.Errorf("%d rows, want 3", len(rows))
		}
	})

	t.Run("refusals are problems", func(t *testing.T) {
		other := rptNewFix(t, env, "exp-comp-other")
		stranger := other.user("Stranger", auth.RoleOwner, false)
		missing := "/api/v2/courses/" + typeid.Format(typeid.Course, uuid.Must(uuid.NewV7())) + "/statistics/users"
		for _, c := range []struct {
			name, token, path string
			query             url.Values
			accept            string
			status            int
		}{
			{"learner lacks common_stat", learner.Token, path, csvQ, "", 403},
			{"another tenant's course", stranger.Token, path, csvQ, "", 404},
			{"unknown course", admin.Token, missing, csvQ, "", 404},
			{"unknown group", admin.Token, path, url.Values{"format": {"csv"}, "groupId": {typeid.Format(typeid.Group, uuid.Must(uuid.NewV7()))}}, "", 404},
			{"unknown format", admin.Token, path, url.Values{"format": {"pdf"}}, "", 422},
			{"nothing acceptable", admin.Token, path, nil, "text/html", 406},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := expGet(t, env, c.token, c.path, c.query, c.accept)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
				}
				e2eProblem(t, r)
			})
		}
	})

	t.Run("every row, not one page", func(t *testing.T) {
		big, _ := f.course(rptCourseSpec{Name: "Everyone", Status: "published", Owner: admin.UUID})
		f.exec(`INSERT INTO users (tenant_id, id, email, name, role, status, created_at, updated_at)
SELECT $1, gen_random_uuid(), 'bulk' || n || '@exp.test', 'Bulk ' || lpad(n::text, 3, '0'), 'learner', 'active', now(), now()
FROM generate_series(1, 250) n`, f.tenant)
		f.exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, created_at, updated_at)
SELECT tenant_id, gen_random_uuid(), id, $2, now(), now() FROM users WHERE tenant_id = $1 AND email LIKE 'bulk%'`, f.tenant, big)
		bigPath := "/api/v2/courses/" + typeid.Format(typeid.Course, big) + "/statistics/users"
		_, rows := expCSV(t, expGet(t, env, admin.Token, bigPath, csvQ, ""), "compliance-"+typeid.Format(typeid.Course, big)+".csv")
		if len(rows) != 250 {
			t.Fatalf("%d rows, want 250", len(rows))
		}
		for i, r := range rows {
			if want := fmt.Sprintf("Bulk %03d", i+1); r["name"] != want {
				t.Fatalf("row %d is %q, want %q", i, r["name"], want)
			}
		}
	})
}
