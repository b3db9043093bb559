package tools

// MCP prompts for the common workflows: rolling out onboarding training to a group, a
// compliance report for an audit, and planning recertification. Each is a user message
// that names the tools to use and in which order; the compliance prompts embed the
// course's compliance report resource when the session can read it.

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// promptSpec is one prompt: who sees it and the message it builds.
type promptSpec struct {
	kind   Kind
	prompt mcp.Prompt
	build  func(args map[string]string) (string, error)
	// embed, when set, names the argument whose course's compliance report is embedded.
	embed string
}

var promptSpecs = []promptSpec{
	{
		kind: KindWrite,
		prompt: mcp.Prompt{Name: "onboarding_rollout", Title: "Onboarding rollout",
			Description: "Assign the onboarding courses (or a course chain) to a group of new hires with a due date, checking first who is already enrolled.",
			Arguments: []*mcp.PromptArgument{
				{Name: "group", Title: "Group", Description: "The new hires' group: a grp_… id or its name.", Required: true},
				{Name: "courses", Title: "Courses", Description: "The onboarding courses or chain: crs_…/chn_… ids or names, comma-separated.", Required: true},
				{Name: "dueInDays", Title: "Due in (days)", Description: "Days from today until the training is due (default 14)."},
			}},
		build: func(a map[string]string) (string, error) {
			due := a["dueInDays"]
			if due == "" {
				due = "14"
			}
			return fmt.Sprintf(`Roll out onboarding training to the group %q.
Courses: %s. Due in %s days from today.

1. Resolve the group and the courses: find_course for each course name (chn_… ids are course chains); the group must be a grp_… id.
2. For each course, list_assignments to see which of the group's members already have it, and get_course to check it is published (a draft cannot be assigned).
3. Tell me what you are about to do: the courses, the due date as a date, how many people get each course and who is skipped and why. Wait for my go-ahead.
4. Then assign with bulk_assign (courses to the group) or assign_chain (a chain), with the due date as a Unix timestamp in seconds.
5. Report what was assigned and the assignment ids; suggest send_reminder a few days before the due date.`, a["group"], a["courses"], due), nil
		},
	},
	{
		kind: KindRead, embed: "courseId",
		prompt: mcp.Prompt{Name: "compliance_audit_report", Title: "Compliance report for an audit",
			Description: "Write an auditor-ready compliance report for a course: completion rate, who is overdue or not started, certificates, and the evidence trail.",
			Arguments: []*mcp.PromptArgument{
				{Name: "courseId", Title: "Course", Description: "The mandatory course (crs_…).", Required: true},
				{Name: "groupId", Title: "Group", Description: "Optional: only this group (grp_…)."},
				{Name: "auditDate", Title: "Audit date", Description: "Optional: the date the report is for (YYYY-MM-DD); default today."},
			}},
		build: func(a map[string]string) (string, error) {
			scope := "all assigned users"
			if g := a["groupId"]; g != "" {
				scope = "the group " + g
			}
			date := a["auditDate"]
			if date == "" {
				date = "today"
			}
			return fmt.Sprintf(`Prepare a compliance report on course %s for an audit as of %s, covering %s.

Use get_compliance_status (all pages; pass groupId when scoped) for each user's status, due date and completion; list_certificates for the certificates issued for the course; get_audit_log (action filters for assignments and deadlines, with includeChanges) for deadline extensions and reassignments since the last audit.

Write: a summary (completion %% and the totals by status); a table of users who are overdue or have not started, with their due dates; the certificates issued and any that expire before the next audit; deadline extensions and who granted them. State the sources and the time you read them. Do not change anything.`, a["courseId"], date, scope), nil
		},
	},
	{
		kind: KindRead, embed: "courseId",
		prompt: mcp.Prompt{Name: "recertification_planning", Title: "Recertification planning",
			Description: "Find who needs to recertify on a course soon (certificates expiring, completions getting old) and plan the reassignments and reminders.",
			Arguments: []*mcp.PromptArgument{
				{Name: "courseId", Title: "Course", Description: "The certification course (crs_…).", Required: true},
				{Name: "withinDays", Title: "Within (days)", Description: "Plan for certificates expiring within this many days (default 60)."},
			}},
		build: func(a map[string]string) (string, error) {
			within := a["withinDays"]
			if within == "" {
				within = "60"
			}
			return fmt.Sprintf(`Plan recertification for course %s over the next %s days.

1. list_certificates for the course: whose certificates expire within %s days, and whose have expired already.
2. get_compliance_status for the course: who completed it and when, who is overdue now.
3. Propose a plan: who to reassign (assign_training or bulk_assign with a due date before their certificate expires), in which order, and when to send_reminder. List the people with their expiry dates.
4. Ask me before assigning anything.`, a["courseId"], within, within), nil
		},
	},
}

// addPrompts registers the prompts env may use on s.
func addPrompts(s *mcp.Server, env *Env) {
	for _, p := range promptSpecs {
		if !Allowed(p.kind, env.Me) {
			continue
		}
		prompt := p.prompt
		s.AddPrompt(&prompt, func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			args := map[string]string{}
			for k, v := range req.Params.Arguments {
				args[k] = strings.TrimSpace(v)
			}
			for _, a := range prompt.Arguments {
				if a.Required && args[a.Name] == "" {
					return nil, fmt.Errorf("prompt %s: argument %s is required (%s)", prompt.Name, a.Name, a.Description)
				}
			}
			text, err := p.build(args)
			if err != nil {
				return nil, err
			}
			msgs := []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: text}}}
			if p.embed != "" {
				uri := "learnd://reports/compliance/" + args[p.embed]
				// The report as of now, when the session can read it; the text alone otherwise.
				if contents, _, err := readResource(requestCredential(ctx, req.Extra), env, uri); err == nil {
					msgs = append(msgs, &mcp.PromptMessage{Role: "user", Content: &mcp.EmbeddedResource{Resource: contents[0]}})
				}
			}
			return &mcp.GetPromptResult{Description: prompt.Description, Messages: msgs}, nil
		})
	}
}
