package server_test

// End-to-end tests of enrolment rules: through the generated SDK (and SCIM) against the
// real server and PostgreSQL.

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// enrolHeld maps the course ids (crs_…) a user holds to their due dates, and names each
// assignment's chain ("" for none).
func enrolHeld(t *testing.T, f *asgFix, userID string) (map[string]time.Time, map[string]string) {
	t.Helper()
	u, err := typeid.Parse(typeid.Person, userID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.db.Query(context.Background(), `SELECT course_id, due_at, chain_id FROM assignments WHERE tenant_id = $1 AND user_id = $2`, f.tenant, u)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	due, chain := map[string]time.Time{}, map[string]string{}
	for rows.Next() {
		var c [16]byte
		var d time.Time
		var ch *[16]byte
		if err := rows.Scan(&c, &d, &ch); err != nil {
			t.Fatal(err)
		}
		id := typeid.Format(typeid.Course, c)
		due[id] = d
		if ch != nil {
			chain[id] = typeid.Format(typeid.Chain, *ch)
		}
	}
	return due, chain
}

func enrolCreateUser(t *testing.T, admin asgUser, name string, attrs map[string]string) *client.User {
	t.Helper()
	a := client.UserAttributes(attrs)
	u, err := admin.Client.LMS.Users.Create(e2eCtx(t), nil, client.UserCreate{Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@acme.example",
		Role: client.UserRoleLearner, Attributes: &a})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// TestE2EEnrolmentRules: a rule's back-fill (dry run first, which keeps nothing), users
// created and changed through the API and provisioned through SCIM who match are assigned
// with the rule's due date and an audit entry naming it, never twice; leaving the scope
// keeps the history.
func TestE2EEnrolmentRules(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	admin := f.user(auth.RoleAdmin)
	ctx := e2eCtx(t)
	a, b := f.course(admin, asgCourseSpec{Name: "Forklift safety"}), f.course(admin, asgCourseSpec{Name: "Dock basics"})
	chained := f.course(admin, asgCourseSpec{Name: "Pallet stacking"})
	chain := f.chain(admin, chained)
	wh := map[string]string{"department": "Warehouse", "location": "DE"}
	early := enrolCreateUser(t, admin, "Early Bird", wh)
	if due, _ := enrolHeld(t, f, early.Id); len(due) != 0 {
		t.Fatalf("assigned before any rule: %v", due)
	}
	if early.Attributes == nil || (*early.Attributes)["location"] != "DE" {
		t.Errorf("attributes %v", early.Attributes)
	}
	body := client.EnrolmentRuleWrite{Name: "Warehouse DE", DueInDays: 14, CourseIds: &[]string{a.ID}, ChainIds: &[]string{chain},
		Conditions: []client.EnrolmentCondition{{Attribute: "department", Op: "eq", Value: e2ePtr("warehouse")}, {Attribute: "location", Op: "in", Values: &[]string{"AT", "DE"}}}}

	dry, err := admin.Client.LMS.EnrolmentRules.Create(ctx, &client.CreateEnrolmentRuleParams{DryRun: e2ePtr(true)}, body)
	if err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || dry.Backfill.Matched != 1 || dry.Backfill.AssignedCount != 2 || len(dry.Backfill.Assigned) != 2 || dry.Backfill.Assigned[0].UserId != early.Id {
		t.Fatalf("dry run: %+v", dry.Backfill)
	}
	if due, _ := enrolHeld(t, f, early.Id); len(due) != 0 || f.count(`SELECT count(*) FROM enrolment_rules`) != 0 {
		t.Fatalf("the dry run kept something: %v", due)
	}

	made, err := admin.Client.LMS.EnrolmentRules.Create(ctx, nil, body)
	if err != nil {
		t.Fatal(err)
	}
	rule := made.Rule.Id
	due, chains := enrolHeld(t, f, early.Id)
	if len(due) != 2 || chains[chained.ID] != chain || made.Backfill.AssignedCount != 2 {
		t.Fatalf("back-fill: %v %v, report %+v", due, chains, made.Backfill)
	}
	if due[a.ID].Sub(time.Now().AddDate(0, 0, 14)).Abs() > time.Minute {
		t.Errorf("due %v, want 14 days from now", due[a.ID])
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'assignment.create' AND after->>'by' = $2`, f.tenant, "enrolment rule Warehouse DE ("+rule+")"); n != 2 {
		t.Errorf("%d assignment audit entries name the rule, want 2", n)
	}

	t.Run("created matching", func(t *testing.T) {
		u := enrolCreateUser(t, admin, "New Hire", map[string]string{"department": "WAREHOUSE", "location": "AT"})
		due, _ := enrolHeld(t, f, u.Id)
		if len(due) != 2 || due[a.ID].Sub(time.Now().AddDate(0, 0, 14)).Abs() > time.Minute {
			t.Errorf("new hire holds %v", due)
		}
	})
	t.Run("changed into scope, then out", func(t *testing.T) {
		u := enrolCreateUser(t, admin, "Sales Person", map[string]string{"department": "Sales"})
		if due, _ := enrolHeld(t, f, u.Id); len(due) != 0 {
			t.Fatalf("assigned out of scope: %v", due)
		}
		attrs := client.UserAttributes(wh)
		if _, err := admin.Client.LMS.Users.Update(ctx, u.Id, nil, client.UserPatch{Attributes: &attrs}); err != nil {
			t.Fatal(err)
		}
		if due, _ := enrolHeld(t, f, u.Id); len(due) != 2 {
			t.Fatalf("changed into scope: %v", due)
		}
		back := client.UserAttributes{"department": "Sales"}
		if _, err := admin.Client.LMS.Users.Update(ctx, u.Id, nil, client.UserPatch{Attributes: &back}); err != nil {
			t.Fatal(err)
		}
		if due, _ := enrolHeld(t, f, u.Id); len(due) != 2 {
			t.Errorf("left the scope: %v, want the history kept", due)
		}
		if _, err := admin.Client.LMS.Users.Update(ctx, u.Id, nil, client.UserPatch{Attributes: &attrs}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.name = 'Sales Person'`); n != 2 {
			t.Errorf("back in scope: %d assignments, want 2 (no duplicates)", n)
		}
	})
	t.Run("provisioned through SCIM", func(t *testing.T) {
		scim := scimSetup(t, env, "acme")
		logistics := client.EnrolmentRuleWrite{Name: "Logistics", DueInDays: 7, CourseIds: &[]string{b.ID},
			Conditions: []client.EnrolmentCondition{{Attribute: "department", Op: "eq", Value: e2ePtr("Logistics")}}}
		if _, err := admin.Client.LMS.EnrolmentRules.Create(ctx, nil, logistics); err != nil {
			t.Fatal(err)
		}
		created := scim.do(t, http.MethodPost, "/Users", `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "userName": "ola@acme.example", "active": true, "name": {"givenName": "Ola", "familyName": "Nordmann"},
  "emails": [{"primary": true, "value": "ola@acme.example"}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Logistics"}
}`).want(t, http.StatusCreated, "provision")
		due, _ := enrolHeld(t, f, str(created, "id"))
		if len(due) != 1 || due[b.ID].Sub(time.Now().AddDate(0, 0, 7)).Abs() > time.Minute {
			t.Errorf("provisioned user holds %v", due)
		}
	})
}

// TestE2EEnrolmentRuleRefusals: malformed rules are 422s naming the field and store
// nothing; other tenants see nothing; managers and learners are refused.
func TestE2EEnrolmentRuleRefusals(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	admin := f.user(auth.RoleAdmin)
	course := f.course(admin, asgCourseSpec{})
	g := asgWorld(t, env, "globex")
	gAdmin := g.user(auth.RoleAdmin)
	foreign := g.course(gAdmin, asgCourseSpec{})
	url := env.URL + "/api/v2/enrolment-rules"
	cond := []map[string]any{{"attribute": "department", "op": "eq", "value": "X"}}
	cases := []struct {
		name    string
		body    map[string]any
		pointer string
	}{
		{"unknown op", map[string]any{"name": "r", "dueInDays": 1, "courseIds": []string{course.ID}, "conditions": []map[string]any{{"attribute": "department", "op": "like", "value": "X"}}}, "/conditions/0/op"},
		{"empty condition", map[string]any{"name": "r", "dueInDays": 1, "courseIds": []string{course.ID}, "conditions": []any{}}, "/conditions"},
		{"unknown course", map[string]any{"name": "r", "dueInDays": 1, "courseIds": []string{enrolNewID(typeid.Course)}, "conditions": cond}, "/courseIds/0"},
		{"other tenant's course", map[string]any{"name": "r", "dueInDays": 1, "courseIds": []string{foreign.ID}, "conditions": cond}, "/courseIds/0"},
		{"no target", map[string]any{"name": "r", "dueInDays": 1, "conditions": cond}, "/courseIds"},
		{"due 0", map[string]any{"name": "r", "dueInDays": 0, "courseIds": []string{course.ID}, "conditions": cond}, "/dueInDays"},
		{"in without values", map[string]any{"name": "r", "dueInDays": 1, "courseIds": []string{course.ID}, "conditions": []map[string]any{{"attribute": "department", "op": "in"}}}, "/conditions/0/values"},
	}
	for _, c := range cases {
		r := e2eDo(t, http.MethodPost, url, admin.Token, c.body, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422: %s", c.name, r.Status, r.Body)
			continue
		}
		if p := e2eProblem(t, r); !slices.Contains(asgPointers(&p), c.pointer) {
			t.Errorf("%s: pointers %v, want %s", c.name, asgPointers(&p), c.pointer)
		}
	}
	if n := f.count(`SELECT count(*) FROM enrolment_rules`); n != 0 {
		t.Errorf("%d rules stored by refused calls", n)
	}
	// A user attribute learnd does not keep is a 422 naming it, and no user is made.
	bad := e2eDo(t, http.MethodPost, env.URL+"/api/v2/users", admin.Token, map[string]any{"name": "Odd", "email": "odd@acme.example", "role": "learner",
		"attributes": map[string]string{"department": "Sales", "shoe/size": "44"}}, nil)
	if p := e2eProblem(t, bad); bad.Status != http.StatusUnprocessableEntity || !slices.Contains(asgPointers(&p), "/attributes/shoe~1size") {
		t.Errorf("unknown attribute: %d %s", bad.Status, bad.Body)
	}
	if n := f.count(`SELECT count(*) FROM users WHERE email = 'odd@acme.example'`); n != 0 {
		t.Errorf("the refused create stored the user")
	}

	ok := map[string]any{"name": "Mine", "dueInDays": 3, "courseIds": []string{course.ID}, "conditions": cond}
	r := e2eDo(t, http.MethodPost, url, admin.Token, ok, nil)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	loc := r.Header.Get("Location")
	if got := e2eDo(t, http.MethodGet, env.URL+loc, gAdmin.Token, nil, nil); got.Status != http.StatusNotFound {
		t.Errorf("another tenant's get: %d, want 404", got.Status)
	}
	if page, err := gAdmin.Client.LMS.EnrolmentRules.Find(e2eCtx(t), nil); err != nil || len(page.Data) != 0 {
		t.Errorf("another tenant lists %d rules (%v)", len(page.Data), err)
	}
	if got := e2eDo(t, http.MethodDelete, env.URL+loc, gAdmin.Token, nil, nil); got.Status != http.StatusNotFound {
		t.Errorf("another tenant's delete: %d, want 404", got.Status)
	}
	for _, role := range []auth.Role{auth.RoleManager, auth.RoleLearner} {
		u := f.user(role)
		for _, call := range []struct{ method, url string }{{http.MethodPost, url}, {http.MethodGet, url}, {http.MethodGet, env.URL + loc}, {http.MethodDelete, env.URL + loc}} {
			var body any
			if call.method == http.MethodPost {
				body = ok
			}
			if got := e2eDo(t, call.method, call.url, u.Token, body, nil); got.Status != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", role, call.method, call.url, got.Status)
			}
		}
	}
	if n := f.count(`SELECT count(*) FROM enrolment_rules`); n != 1 {
		t.Errorf("%d rules after the refusals, want 1", n)
	}
}

// enrolNewID is a fresh id nobody holds.
func enrolNewID(prefix string) string {
	id, _ := typeid.New(prefix)
	return id
}

// TestE2EEnrolmentRuleReplace: replacing a rule (dry run first) back-fills its new scope;
// a stale If-Match is 412 and changes nothing; a disabled rule assigns nothing.
func TestE2EEnrolmentRuleReplace(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	admin := f.user(auth.RoleAdmin)
	ctx := e2eCtx(t)
	course := f.course(admin, asgCourseSpec{})
	sales := enrolCreateUser(t, admin, "Sam Sales", map[string]string{"department": "Sales"})
	write := func(dept string, enabled bool) client.EnrolmentRuleWrite {
		return client.EnrolmentRuleWrite{Name: "By department", DueInDays: 5, CourseIds: &[]string{course.ID}, Enabled: &enabled,
			Conditions: []client.EnrolmentCondition{{Attribute: "department", Op: "eq", Value: e2ePtr(dept)}}}
	}
	made, err := admin.Client.LMS.EnrolmentRules.Create(ctx, nil, write("Sales", false))
	if err != nil {
		t.Fatal(err)
	}
	if made.Backfill.Matched != 0 || made.Rule.Enabled {
		t.Errorf("a disabled rule back-filled: %+v", made.Backfill)
	}
	if _, err := admin.Client.LMS.EnrolmentRules.Replace(ctx, made.Rule.Id, &client.ReplaceEnrolmentRuleParams{IfMatch: e2eIfMatch(made.Rule.Version + 1)}, write("Sales", true)); err == nil {
		t.Fatal("a stale If-Match was accepted")
	} else {
		e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale If-Match")
	}
	dry, err := admin.Client.LMS.EnrolmentRules.Replace(ctx, made.Rule.Id, &client.ReplaceEnrolmentRuleParams{DryRun: e2ePtr(true)}, write("Sales", true))
	if err != nil {
		t.Fatal(err)
	}
	if dry.Backfill.AssignedCount != 1 || dry.Rule.Version != 2 {
		t.Errorf("dry replace: %+v, version %d", dry.Backfill, dry.Rule.Version)
	}
	if due, _ := enrolHeld(t, f, sales.Id); len(due) != 0 {
		t.Fatalf("the dry run assigned %v", due)
	}
	if got, err := admin.Client.LMS.EnrolmentRules.Get(ctx, made.Rule.Id); err != nil || got.Enabled || got.Version != 1 {
		t.Fatalf("after the dry run and the 412: %+v (%v)", got, err)
	}
	real, err := admin.Client.LMS.EnrolmentRules.Replace(ctx, made.Rule.Id, &client.ReplaceEnrolmentRuleParams{IfMatch: e2eIfMatch(1)}, write("Sales", true))
	if err != nil {
		t.Fatal(err)
	}
	if due, _ := enrolHeld(t, f, sales.Id); len(due) != 1 || real.Rule.Version != 2 || !real.Rule.Enabled {
		t.Errorf("replace: holds %v, rule %+v", due, real.Rule)
	}
	if err := admin.Client.LMS.EnrolmentRules.Delete(ctx, made.Rule.Id); err != nil {
		t.Fatal(err)
	}
	if due, _ := enrolHeld(t, f, sales.Id); len(due) != 1 {
		t.Errorf("deleting the rule removed assignments: %v", due)
	}
}
