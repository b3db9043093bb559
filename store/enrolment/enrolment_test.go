package enrolment_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/enrolment"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

// course inserts a course of tenant with status (as the superuser).
func course(t *testing.T, conn *pgx.Conn, tenant, status string) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	_, err := conn.Exec(context.Background(), `INSERT INTO courses (tenant_id, id, name, status, owner_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, gen_random_uuid(), now(), now())`, tenant, id, "Course "+id.String()[:8], status)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// assigned lists (course, due) of a user's assignments, and whether each names a rule in its audit row.
func assigned(t *testing.T, conn *pgx.Conn, user uuid.UUID) map[uuid.UUID]time.Time {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT course_id, due_at FROM assignments WHERE user_id = $1`, user)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uuid.UUID]time.Time{}
	var c uuid.UUID
	var due time.Time
	if _, err := pgx.ForEachRow(rows, []any{&c, &due}, func() error { out[c] = due; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMatches(t *testing.T) {
	t.Parallel()
	attrs := map[string]string{"department": "Warehouse", "location": " de "}
	cases := []struct {
		name  string
		conds []enrolment.Condition
		want  bool
	}{
		{"eq, case and spaces ignored", []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "warehouse"}}, true},
		{"and: both", []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "Warehouse"}, {Attribute: "location", Op: "eq", Value: "DE"}}, true},
		{"and: one fails", []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "Warehouse"}, {Attribute: "location", Op: "eq", Value: "FR"}}, false},
		{"ne", []enrolment.Condition{{Attribute: "department", Op: "ne", Value: "Sales"}}, true},
		{"ne, equal", []enrolment.Condition{{Attribute: "department", Op: "ne", Value: "Warehouse"}}, false},
		{"ne, missing attribute", []enrolment.Condition{{Attribute: "title", Op: "ne", Value: "Boss"}}, true},
		{"eq, missing attribute", []enrolment.Condition{{Attribute: "title", Op: "eq", Value: "Boss"}}, false},
		{"in", []enrolment.Condition{{Attribute: "location", Op: "in", Values: []string{"AT", "DE"}}}, true},
		{"in, none", []enrolment.Condition{{Attribute: "location", Op: "in", Values: []string{"AT", "CH"}}}, false},
		{"no conditions", nil, false},
	}
	for _, c := range cases {
		if got := enrolment.Matches(c.conds, attrs); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestRuleAssignsIdempotently: a rule back-fills who matches (a dry run writes nothing), a
// user created or changed into scope is assigned, never twice, leaving the scope keeps the
// assignment, and an assignment removed after the rule made it is not made again.
func TestRuleAssignsIdempotently(t *testing.T) {
	t.Parallel()
	var events int
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	rules := enrolment.New(st)
	st.SetUserHook(rules.UserChanged)
	users := people.New(st).Users()
	c1, c2 := course(t, conn, "acme", "published"), course(t, conn, "acme", "published")

	wh := map[string]string{"department": "Warehouse", "location": "DE"}
	early, err := users.Create(ctx, people.NewUser{Name: "Early", Email: "early@acme.example", Role: "learner", Attributes: wh})
	if err != nil {
		t.Fatal(err)
	}
	other, err := users.Create(ctx, people.NewUser{Name: "Other", Email: "other@acme.example", Role: "learner", Attributes: map[string]string{"department": "Sales"}})
	if err != nil {
		t.Fatal(err)
	}
	in := enrolment.RuleInput{Name: "Warehouse DE", DueInDays: 14, Enabled: true, CourseIDs: []uuid.UUID{c1, c2},
		Conditions: []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "Warehouse"}, {Attribute: "location", Op: "eq", Value: "DE"}}}

	dry, err := rules.Create(store.DryRun(ctx), in)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Backfill.Matched != 1 || dry.Backfill.AssignedCount != 2 {
		t.Fatalf("dry run: %+v", dry.Backfill)
	}
	if n := len(assigned(t, conn, early.ID)); n != 0 {
		t.Fatalf("dry run wrote %d assignments", n)
	}
	if page, _ := rules.Find(ctx, enrolment.Query{Limit: 10}); len(page.Items) != 0 {
		t.Fatalf("dry run kept the rule")
	}

	// An endpoint listening to assignment.created hears of each assignment a rule makes.
	if _, _, err := webhooks.New(st, webhooks.Options{PrivateNetworks: true}).Create(ctx, webhooks.Input{
		URL: ptr("https://hooks.example.com/learnd"), Events: &[]string{store.EventAssignmentCreated}}); err != nil {
		t.Fatal(err)
	}
	made, err := rules.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM webhook_messages WHERE tenant_id = 'acme' AND event_type = 'assignment.created'
  AND body::jsonb->'data'->>'userId' = $1`, typeid.Format(typeid.Person, early.ID)).Scan(&events); err != nil || events != 2 {
		t.Errorf("assignment.created events of the back-fill: %d (%v), want 2", events, err)
	}
	got := assigned(t, conn, early.ID)
	if len(got) != 2 || made.Backfill.AssignedCount != 2 {
		t.Fatalf("back-fill: %v, report %+v", got, made.Backfill)
	}
	if d := time.Until(got[c1]); d < 13*24*time.Hour || d > 14*24*time.Hour+time.Minute {
		t.Errorf("due in %v, want 14 days", d)
	}
	var by string
	if err := conn.QueryRow(context.Background(), `SELECT after->>'by' FROM audit_log WHERE action = 'assignment.create' AND after->>'userId' LIKE 'per_%' LIMIT 1`).Scan(&by); err != nil || !strings.HasPrefix(by, "enrolment rule Warehouse DE (erl_") {
		t.Errorf("audit by %q (%v)", by, err)
	}

	// Changed into scope: assigned; a second change assigns nothing more.
	if _, _, err := users.Update(ctx, other.ID, nil, nil, people.UserChange{Attributes: wh}); err != nil {
		t.Fatal(err)
	}
	if n := len(assigned(t, conn, other.ID)); n != 2 {
		t.Fatalf("changed into scope: %d assignments", n)
	}
	name := "Other Renamed"
	if _, _, err := users.Update(ctx, other.ID, nil, nil, people.UserChange{Name: &name}); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM assignments WHERE user_id = $1`, other.ID).Scan(&count); err != nil || count != 2 {
		t.Fatalf("after a second change: %d assignments (%v)", count, err)
	}

	// Out of scope: history stays.
	if _, _, err := users.Update(ctx, other.ID, nil, nil, people.UserChange{Attributes: map[string]string{"department": "Sales"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(assigned(t, conn, other.ID)); n != 2 {
		t.Fatalf("left the scope: %d assignments", n)
	}

	// An assignment removed after the rule made it is not made again.
	if _, err := conn.Exec(context.Background(), `DELETE FROM assignments WHERE user_id = $1 AND course_id = $2`, early.ID, c1); err != nil {
		t.Fatal(err)
	}
	again, err := rules.Replace(ctx, made.Rule.ID, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.Backfill.AssignedCount != 0 || !slices.ContainsFunc(again.Backfill.Skipped, func(o enrolment.Outcome) bool {
		return o.UserID == early.ID && o.CourseID == c1 && o.Reason == enrolment.SkipAssignedBefore
	}) {
		t.Errorf("re-evaluated: %+v", again.Backfill)
	}
}

// TestRuleValidation: malformed rules and targets outside the tenant are field errors.
func TestRuleValidation(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	rules := enrolment.New(st)
	ok, draft, foreign := course(t, conn, "acme", "published"), course(t, conn, "acme", "draft"), course(t, conn, "other", "published")
	cond := []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "X"}}
	cases := []struct {
		name    string
		in      enrolment.RuleInput
		pointer string
	}{
		{"unknown op", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{ok}, Conditions: []enrolment.Condition{{Attribute: "department", Op: "like", Value: "X"}}}, "/conditions/0/op"},
		{"unknown attribute", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{ok}, Conditions: []enrolment.Condition{{Attribute: "shoeSize", Op: "eq", Value: "X"}}}, "/conditions/0/attribute"},
		{"empty condition", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{ok}}, "/conditions"},
		{"in without values", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{ok}, Conditions: []enrolment.Condition{{Attribute: "department", Op: "in"}}}, "/conditions/0/values"},
		{"no targets", enrolment.RuleInput{Name: "r", DueInDays: 1, Conditions: cond}, "/courseIds"},
		{"due 0", enrolment.RuleInput{Name: "r", DueInDays: 0, CourseIDs: []uuid.UUID{ok}, Conditions: cond}, "/dueInDays"},
		{"unknown course", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{ok, uuid.New()}, Conditions: cond}, "/courseIds/1"},
		{"other tenant's course", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{foreign}, Conditions: cond}, "/courseIds/0"},
		{"draft course", enrolment.RuleInput{Name: "r", DueInDays: 1, CourseIDs: []uuid.UUID{draft}, Conditions: cond}, "/courseIds/0"},
		{"unknown chain", enrolment.RuleInput{Name: "r", DueInDays: 1, ChainIDs: []uuid.UUID{uuid.New()}, Conditions: cond}, "/chainIds/0"},
	}
	for _, c := range cases {
		_, err := rules.Create(ctx, c.in)
		var v *store.ValidationError
		if !errors.As(err, &v) || !slices.ContainsFunc(v.Fields, func(f store.FieldError) bool { return f.Pointer == c.pointer }) {
			t.Errorf("%s: %v, want a field error at %s", c.name, err, c.pointer)
		}
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM enrolment_rules`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rules stored (%v)", n, err)
	}
}

func ptr[T any](v T) *T { return &v }

// A rule whose back-fill would make more than MaxBackfill assignments is refused (dry run
// too) and makes none.
func TestRuleBackfillBound(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	c := course(t, conn, "acme", "published")
	if _, err := conn.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, created_at, updated_at, attributes)
SELECT 'acme', gen_random_uuid(), 'U' || n, 'u' || n || '@acme.example', now(), now(), '{"department": "Warehouse"}'
FROM generate_series(1, $1::int) n`, enrolment.MaxBackfill+1); err != nil {
		t.Fatal(err)
	}
	in := enrolment.RuleInput{Name: "Everyone", DueInDays: 7, Enabled: true, CourseIDs: []uuid.UUID{c},
		Conditions: []enrolment.Condition{{Attribute: "department", Op: "eq", Value: "Warehouse"}}}
	for _, dry := range []bool{true, false} {
		cctx := ctx
		if dry {
			cctx = store.DryRun(ctx)
		}
		_, err := enrolment.New(st).Create(cctx, in)
		var v *store.ValidationError
		if !errors.As(err, &v) || !strings.Contains(err.Error(), "at most") {
			t.Errorf("dry run %t: %v, want a validation error", dry, err)
		}
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM assignments WHERE tenant_id = 'acme'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d assignments (%v), want none", n, err)
	}
}
