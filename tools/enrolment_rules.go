package tools

// The enrolment-rule tools (issue 13 item 6): list_enrolment_rules reads the tenant's
// rules; create_enrolment_rule creates one and back-fills it, a guarded write (dryRun
// shows exactly who would be assigned what and who is skipped and why).

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// ruleAttributes are the user attributes a condition may compare.
var ruleAttributes = []string{"department", "manager", "employeeNumber", "title", "costCenter", "organization", "division", "location"}

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "list_enrolment_rules",
			Description: "List the tenant's enrolment rules (rules on people's HR attributes — department, location, title, … — " +
				"that assign courses and chains automatically): conditions, courses, chains, due days, enabled. " +
				"Pass nextPageToken as pageToken for more. Needs user_edit (admins and owners).",
			Annotations: ReadOnly("List enrolment rules"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetRange(s, "limit", 1, findMax)
			SetDefault(s, "limit", findDefault)
		},
	}, listEnrolmentRules)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "create_enrolment_rule",
			Description: "Create an enrolment rule: everyone whose attributes meet ALL conditions (now, and whenever a user is " +
				"created or changed later) is assigned the courses and the chains' courses, due dueInDays after they match. " +
				"Creating it assigns everyone who matches now; a person never gets a course twice and keeps what a rule " +
				"assigned after leaving its scope. Use dryRun: true first to see exactly who would be assigned what and who " +
				"is skipped and why. Needs user_edit (admins and owners).",
			Annotations: Additive("Create an enrolment rule", false),
		},
		Schema: func(s *jsonschema.Schema) {
			SetLength(s, "name", 1, 200)
			SetItems(s, "conditions", 1, 20)
			SetItems(s, "courseIds", 0, 50)
			SetItems(s, "chainIds", 0, 20)
			SetRange(s, "dueInDays", 1, 3650)
			cond := property(s, "conditions").Items
			SetEnum(cond, "attribute", ruleAttributes...)
			SetEnum(cond, "op", "eq", "ne", "in")
			SetLength(cond, "value", 0, 200)
			SetItems(cond, "values", 0, 50)
		},
	}, createEnrolmentRule)
}

// ruleCondition is one condition of a rule.
type ruleCondition struct {
	Attribute string   `json:"attribute" jsonschema:"The user attribute compared: department, manager, employeeNumber, title, costCenter, organization, division or location."`
	Op        string   `json:"op" jsonschema:"eq (equals value), ne (missing or differs from value) or in (equals one of values); case-insensitive."`
	Value     string   `json:"value,omitempty" jsonschema:"For eq and ne: the value compared."`
	Values    []string `json:"values,omitempty" jsonschema:"For in: the values accepted."`
}

func (c ruleCondition) String() string {
	if c.Op == "in" {
		return fmt.Sprintf("%s in [%s]", c.Attribute, strings.Join(c.Values, ", "))
	}
	return fmt.Sprintf("%s %s %q", c.Attribute, c.Op, c.Value)
}

// ruleOut is an enrolment rule.
type ruleOut struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Conditions []ruleCondition `json:"conditions"`
	CourseIDs  []string        `json:"courseIds"`
	ChainIDs   []string        `json:"chainIds"`
	DueInDays  int             `json:"dueInDays"`
	Enabled    bool            `json:"enabled"`
}

func toRuleOut(r client.EnrolmentRule) ruleOut {
	out := ruleOut{ID: r.Id, Name: r.Name, CourseIDs: r.CourseIds, ChainIDs: r.ChainIds, DueInDays: r.DueInDays, Enabled: r.Enabled,
		Conditions: make([]ruleCondition, len(r.Conditions))}
	for i, c := range r.Conditions {
		out.Conditions[i] = ruleCondition{Attribute: string(c.Attribute), Op: string(c.Op)}
		if c.Value != nil {
			out.Conditions[i].Value = *c.Value
		}
		if c.Values != nil {
			out.Conditions[i].Values = *c.Values
		}
	}
	return out
}

func (r ruleOut) line() string {
	conds := make([]string, len(r.Conditions))
	for i, c := range r.Conditions {
		conds[i] = c.String()
	}
	state := "enabled"
	if !r.Enabled {
		state = "disabled"
	}
	s := fmt.Sprintf("“%s” (%s), %s: %s → ", r.Name, r.ID, state, strings.Join(conds, " AND "))
	var targets []string
	if len(r.CourseIDs) > 0 {
		targets = append(targets, "courses "+strings.Join(r.CourseIDs, ", "))
	}
	if len(r.ChainIDs) > 0 {
		targets = append(targets, "chains "+strings.Join(r.ChainIDs, ", "))
	}
	return s + strings.Join(targets, "; ") + fmt.Sprintf(", due %d %s after a person matches", r.DueInDays, plural(r.DueInDays, "day", "days"))
}

type listEnrolmentRulesIn struct {
	Limit     int     `json:"limit,omitempty" jsonschema:"Max results (default 20, max 50)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for the next page."`
}

type ruleList struct {
	Rules         []ruleOut `json:"rules"`
	NextPageToken *string   `json:"nextPageToken,omitempty"`
}

func (l ruleList) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d enrolment %s", len(l.Rules), plural(len(l.Rules), "rule", "rules"))
	for _, r := range l.Rules {
		b.WriteString("\n- " + r.line())
	}
	writeMore(&b, l.NextPageToken)
	return b.String()
}

func listEnrolmentRules(ctx context.Context, env *Env, in listEnrolmentRulesIn) (ruleList, error) {
	tok, err := pageToken(in.PageToken)
	if err != nil {
		return ruleList{}, err
	}
	page, err := env.API.LMS.EnrolmentRules.Find(ctx, &client.FindEnrolmentRulesParams{Limit: &in.Limit, PageToken: tok})
	if err != nil {
		return ruleList{}, err
	}
	out := ruleList{Rules: make([]ruleOut, 0, len(page.Data))}
	for _, r := range page.Data {
		out.Rules = append(out.Rules, toRuleOut(r))
	}
	if page.HasMore {
		out.NextPageToken = page.NextPageToken
	}
	return out, nil
}

type createEnrolmentRuleIn struct {
	Guard
	Name       string          `json:"name" jsonschema:"The rule's name, e.g. Warehouse Germany onboarding."`
	Conditions []ruleCondition `json:"conditions" jsonschema:"All must hold for a person to match."`
	CourseIDs  []string        `json:"courseIds,omitempty" jsonschema:"Published courses to assign (at least one course or chain)."`
	ChainIDs   []string        `json:"chainIds,omitempty" jsonschema:"Chains whose courses to assign, in order."`
	DueInDays  int             `json:"dueInDays" jsonschema:"The assignments are due this many days after a person matches."`
	Disabled   bool            `json:"disabled,omitempty" jsonschema:"Optional. true: store the rule disabled (it assigns nothing until enabled)."`
}

// ruleOutcome is one (person, course) of a back-fill.
type ruleOutcome struct {
	UserID   string  `json:"userId"`
	UserName string  `json:"userName"`
	CourseID string  `json:"courseId"`
	ChainID  *string `json:"chainId,omitempty"`
	DueAt    *string `json:"dueAt,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

type ruleCreatedOut struct {
	Planned
	Rule          ruleOut       `json:"rule"`
	Matched       int           `json:"matched"`
	AssignedCount int           `json:"assignedCount"`
	SkippedCount  int           `json:"skippedCount"`
	Assigned      []ruleOutcome `json:"assigned"`
	Skipped       []ruleOutcome `json:"skipped"`
	Truncated     bool          `json:"truncated,omitempty"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o ruleCreatedOut) Text() string { return o.Planned.wrap(o.text()) }

func (o ruleCreatedOut) text() string {
	var b strings.Builder
	b.WriteString("Enrolment rule " + o.Rule.line() + ".")
	fmt.Fprintf(&b, "\n%d %s %s now: %d new %s, %d skipped.", o.Matched, plural(o.Matched, "person", "people"), plural(o.Matched, "matches", "match"),
		o.AssignedCount, plural(o.AssignedCount, "assignment", "assignments"), o.SkippedCount)
	for _, a := range o.Assigned {
		fmt.Fprintf(&b, "\n- assigned %s to %s (%s)", a.CourseID, a.UserName, a.UserID)
		if a.ChainID != nil {
			b.WriteString(" as part of " + *a.ChainID)
		}
		if a.DueAt != nil {
			b.WriteString(", due " + *a.DueAt)
		}
	}
	for _, s := range o.Skipped {
		fmt.Fprintf(&b, "\n- skipped %s for %s (%s): %s", s.CourseID, s.UserName, s.UserID, strings.ReplaceAll(s.Reason, "_", " "))
	}
	if o.Truncated {
		b.WriteString("\n(the lists stop at 1000 entries each; the counts are complete)")
	}
	return b.String()
}

func toRuleOutcomes(os []client.EnrolmentOutcome) []ruleOutcome {
	out := make([]ruleOutcome, len(os))
	for i, o := range os {
		out[i] = ruleOutcome{UserID: o.UserId, UserName: o.UserName, CourseID: o.CourseId, ChainID: o.ChainId, DueAt: TimePtr(o.DueAt)}
		if o.Reason != nil {
			out[i].Reason = string(*o.Reason)
		}
	}
	return out
}

func createEnrolmentRule(ctx context.Context, env *Env, in createEnrolmentRuleIn) (ruleCreatedOut, error) {
	courses, err := IDs("courseIds", typeid.Course, in.CourseIDs, 0)
	if err != nil {
		return ruleCreatedOut{}, err
	}
	chains, err := IDs("chainIds", typeid.Chain, in.ChainIDs, 0)
	if err != nil {
		return ruleCreatedOut{}, err
	}
	if len(courses)+len(chains) == 0 {
		return ruleCreatedOut{}, Invalid("a rule assigns at least one course (courseIds) or chain (chainIds)")
	}
	if err := distinctIDs("courseIds", courses); err != nil {
		return ruleCreatedOut{}, err
	}
	if err := distinctIDs("chainIds", chains); err != nil {
		return ruleCreatedOut{}, err
	}
	body := client.EnrolmentRuleWrite{Name: strings.TrimSpace(in.Name), DueInDays: in.DueInDays, CourseIds: &courses, ChainIds: &chains,
		Enabled: Ptr(!in.Disabled), Conditions: make([]client.EnrolmentCondition, len(in.Conditions))}
	for i, c := range in.Conditions {
		ac := client.EnrolmentCondition{Attribute: client.EnrolmentConditionAttribute(c.Attribute), Op: client.EnrolmentConditionOp(c.Op)}
		if c.Value != "" {
			ac.Value = Ptr(c.Value)
		}
		if c.Values != nil {
			ac.Values = Ptr(c.Values)
		}
		body.Conditions[i] = ac
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[ruleCreatedOut]{
		tool: "create_enrolment_rule", args: in,
		run: func(ctx context.Context, dry *bool) (ruleCreatedOut, error) {
			res, err := env.API.LMS.EnrolmentRules.Create(ctx, &client.CreateEnrolmentRuleParams{DryRun: dry}, body)
			if err != nil {
				return ruleCreatedOut{}, err
			}
			bf := res.Backfill
			return ruleCreatedOut{Rule: toRuleOut(res.Rule), Matched: bf.Matched, AssignedCount: bf.AssignedCount, SkippedCount: bf.SkippedCount,
				Assigned: toRuleOutcomes(bf.Assigned), Skipped: toRuleOutcomes(bf.Skipped), Truncated: bf.Truncated}, nil
		},
		plan: rulePlan,
		confirm: func(o ruleCreatedOut) string {
			if n := ruleReach(o); n > confirmAbove {
				return fmt.Sprintf("this rule assigns courses to %d learners now", n)
			}
			return ""
		},
	})
}

// ruleReach is how many people a back-fill assigns something.
func ruleReach(o ruleCreatedOut) int {
	seen := map[string]bool{}
	for _, a := range o.Assigned {
		seen[a.UserID] = true
	}
	return len(seen)
}

// rulePlan is what create_enrolment_rule's plan hash covers: who is assigned what and who
// is skipped why (not the new rule's id or the deadlines, which move with the clock).
func rulePlan(o ruleCreatedOut) any {
	var out []string
	for _, a := range o.Assigned {
		out = append(out, "+"+a.UserID+" "+a.CourseID)
	}
	for _, s := range o.Skipped {
		out = append(out, "-"+s.UserID+" "+s.CourseID+" "+s.Reason)
	}
	return []any{o.Matched, o.AssignedCount, o.SkippedCount, out}
}
