package tools

import (
	"fmt"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestEnrolmentRuleTools: create_enrolment_rule's dry run shows who would be assigned
// what and who is skipped, and changes nothing; the real call with its planHash assigns
// exactly that; a stale planHash is refused; list_enrolment_rules shows the rule in full;
// a back-fill reaching more than 25 learners needs confirmation.
func TestEnrolmentRuleTools(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "wr-rules")
	ctx := wrCtx(t)
	forklift := w.course("Forklift Safety", 1, false)
	person := func(name string, attrs map[string]string) *client.User {
		a := client.UserAttributes(attrs)
		u, err := w.api.LMS.Users.Create(ctx, nil, client.UserCreate{Name: name, Role: client.UserRoleLearner, Attributes: &a,
			Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@wr-rules.example"})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return u
	}
	ana := person("Ana Lopez", map[string]string{"department": "Warehouse", "location": "DE"})
	ben := person("Ben Okafor", map[string]string{"department": "Warehouse", "location": "DE"})
	if _, err := w.api.LMS.Assignments.AssignUser(ctx, forklift, nil, client.AssignUserRequest{UserId: ben.Id}); err != nil {
		t.Fatal(err)
	}
	person("Cleo Park", map[string]string{"department": "Sales", "location": "DE"})
	cs := w.session(w.key(w.admin), false)
	args := map[string]any{"name": "Warehouse DE", "dueInDays": 14, "courseIds": []string{forklift},
		"conditions": []map[string]any{{"attribute": "department", "op": "eq", "value": "Warehouse"}, {"attribute": "location", "op": "in", "values": []string{"DE", "AT"}}}}

	dryArgs := map[string]any{"dryRun": true}
	for k, v := range args {
		dryArgs[k] = v
	}
	dry, text := wrOK[ruleCreatedOut](t, cs, "create_enrolment_rule", dryArgs)
	if !dry.DryRun || dry.PlanHash == "" || dry.Matched != 2 || dry.AssignedCount != 1 || dry.Assigned[0].UserID != ana.Id ||
		len(dry.Skipped) != 1 || dry.Skipped[0].UserID != ben.Id || dry.Skipped[0].Reason != "already_assigned" {
		t.Fatalf("dry run = %+v", dry)
	}
	for _, want := range []string{"DRY RUN", "assigned " + forklift + " to Ana Lopez", "skipped " + forklift + " for Ben Okafor (" + ben.Id + "): already assigned", `department eq "Warehouse" AND location in [DE, AT]`} {
		if !strings.Contains(text, want) {
			t.Errorf("dry-run text lacks %q:\n%s", want, text)
		}
	}
	if n := w.count(`SELECT count(*) FROM enrolment_rules WHERE tenant_id = $1`, w.tenant); n != 0 || len(w.assignments(ana.Id)) != 0 {
		t.Fatalf("the dry run changed something: %d rules", n)
	}

	stale := map[string]any{"planHash": "pl_000000000000000000000000"}
	for k, v := range args {
		stale[k] = v
	}
	if msg := wrErr(t, cs, "create_enrolment_rule", stale); !strings.Contains(msg, "is not this call's plan") {
		t.Errorf("stale planHash: %q", msg)
	}
	real := map[string]any{"planHash": dry.PlanHash}
	for k, v := range args {
		real[k] = v
	}
	made, _ := wrOK[ruleCreatedOut](t, cs, "create_enrolment_rule", real)
	if made.DryRun || made.AssignedCount != 1 || !strings.HasPrefix(made.Rule.ID, "erl_") {
		t.Errorf("create = %+v", made)
	}
	if _, ok := w.assignments(ana.Id)[forklift]; !ok {
		t.Errorf("Ana was not assigned %s", forklift)
	}
	if got := w.surfaces("enrolment_rule.create"); len(got) != 1 || got[0] != "mcp" {
		t.Errorf("audit surfaces %v, want [mcp]", got)
	}

	list, text := wrOK[ruleList](t, cs, "list_enrolment_rules", map[string]any{})
	if len(list.Rules) != 1 || list.Rules[0].ID != made.Rule.ID || len(list.Rules[0].Conditions) != 2 {
		t.Errorf("list = %+v", list)
	}
	if !strings.Contains(text, "“Warehouse DE” ("+made.Rule.ID+"), enabled: department eq \"Warehouse\" AND location in [DE, AT] → courses "+forklift+", due 14 days after a person matches") {
		t.Errorf("list text %q", text)
	}

	// More than 25 learners: refused without confirmation, with the plan.
	for i := range 26 {
		person(fmt.Sprintf("Picker %02d", i), map[string]string{"department": "Picking"})
	}
	wide := map[string]any{"name": "Pickers", "dueInDays": 7, "courseIds": []string{forklift},
		"conditions": []map[string]any{{"attribute": "department", "op": "eq", "value": "picking"}}}
	if msg := wrErr(t, cs, "create_enrolment_rule", wide); !strings.Contains(msg, "assigns courses to 26 learners") || !strings.Contains(msg, "planHash") {
		t.Errorf("wide rule without confirmation: %q", msg)
	}
	if n := w.count(`SELECT count(*) FROM enrolment_rules WHERE tenant_id = $1`, w.tenant); n != 1 {
		t.Errorf("%d rules after the refusal, want 1", n)
	}

	// A manager's session lacks both tools (user_edit).
	mgr := w.session(w.key(w.user(auth.RoleManager, "Max Manager")), false)
	listed := coreTools(t, mgr)
	for _, name := range []string{"list_enrolment_rules", "create_enrolment_rule"} {
		if _, ok := listed[name]; ok {
			t.Errorf("a manager's session lists %s", name)
		}
	}
	if _, ok := coreTools(t, cs)["create_enrolment_rule"]; !ok {
		t.Errorf("an admin's session lacks create_enrolment_rule")
	}
}
