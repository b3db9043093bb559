package tools

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestWriteTools calls every write tool through the official MCP client with an admin's
// API key and checks what the API then holds, and that the audit rows of those writes say
// surface mcp.
func TestWriteTools(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "wr-ok")
	ctx := wrCtx(t)
	sarah := w.user(auth.RoleLearner, "Sarah Lee")
	marco := w.user(auth.RoleLearner, "Marco Rossi")
	jamie := w.user(auth.RoleLearner, "Jamie Park")
	maria := w.user(auth.RoleLearner, "Maria Gomez")
	priya := w.user(auth.RoleLearner, "Priya Shah")
	forklift := w.course("Forklift Safety", 2, false)
	osha := w.course("OSHA Refresher", 1, false)
	draft := w.course("Unfinished course", 1, true)
	warehouse := w.group("Warehouse", marco.ID, jamie.ID)
	chain, err := w.api.LMS.Chains.Create(ctx, nil, client.CourseChainCreate{Name: "New-hire path", CourseIds: []string{forklift, osha}})
	if err != nil {
		t.Fatalf("create chain: %v", err)
	}
	cs := w.session(w.key(w.admin), false)

	// assign_training: a new assignment, then the same again (a no-op), then a scheduled one.
	due := wrUnix(14 * 24 * time.Hour)
	a, text := wrOK[assignmentOut](t, cs, "assign_training", map[string]any{"courseId": forklift, "userId": sarah.ID, "dueAt": due})
	if a.AlreadyAssigned || a.Status != "assigned" || a.DueAt == nil || *a.DueAt != Time(time.Unix(due, 0)) || a.UserID != sarah.ID || a.CourseID != forklift {
		t.Errorf("assign_training = %+v", a)
	}
	if !strings.Contains(text, "Assigned “Forklift Safety” to Sarah Lee") {
		t.Errorf("assign_training text %q", text)
	}
	held := w.assignments(sarah.ID)[forklift]
	if held.Id != a.ID || held.DueAt == nil || held.DueAt.Unix() != due {
		t.Errorf("API holds %+v, want %s due %d", held, a.ID, due)
	}
	again, text := wrOK[assignmentOut](t, cs, "assign_training", map[string]any{"courseId": forklift, "userId": sarah.ID})
	if !again.AlreadyAssigned || again.ID != a.ID || !strings.HasPrefix(text, "Already assigned") {
		t.Errorf("second assign_training = %+v, %q; want alreadyAssigned on %s", again, text, a.ID)
	}
	if n := len(w.assignments(sarah.ID)); n != 1 {
		t.Errorf("sarah holds %d assignments after the repeat, want 1", n)
	}
	start := wrUnix(7 * 24 * time.Hour)
	s, _ := wrOK[assignmentOut](t, cs, "assign_training", map[string]any{"courseId": osha, "userId": maria.ID, "startAt": start})
	if s.Status != string(client.AssignmentStatusScheduled) || s.StartAt == nil || *s.StartAt != Time(time.Unix(start, 0)) {
		t.Errorf("scheduled assign_training = %+v", s)
	}

	// bulk_assign: one course works, the draft one fails; both are reported.
	bulkDue := wrUnix(30 * 24 * time.Hour)
	b, text := wrOK[bulkAssignOut](t, cs, "bulk_assign", map[string]any{"groupId": warehouse, "courseIds": []string{osha, draft}, "dueAt": bulkDue})
	if b.GroupID != warehouse || b.Assigned != 2 || b.Failed != 1 || len(b.Courses) != 2 ||
		b.Courses[0].CourseID != osha || b.Courses[0].Assigned != 2 || b.Courses[0].Error != nil ||
		b.Courses[1].CourseID != draft || b.Courses[1].Error == nil || !strings.HasPrefix(*b.Courses[1].Error, MsgInvalidArguments) {
		t.Errorf("bulk_assign = %+v", b)
	}
	if !strings.Contains(text, "1 of 2 courses failed") {
		t.Errorf("bulk_assign text %q", text)
	}
	for _, u := range []servertest.User{marco, jamie} {
		got, ok := w.assignments(u.ID)[osha]
		if !ok || got.GroupId == nil || *got.GroupId != warehouse || got.DueAt == nil || got.DueAt.Unix() != bulkDue {
			t.Errorf("%s's assignment of osha = %+v (held %v)", u.ID, got, ok)
		}
		if _, ok := w.assignments(u.ID)[draft]; ok {
			t.Errorf("%s got the draft course", u.ID)
		}
	}

	// assign_chain: every chain course, in order, with the chain's deadline.
	chainDue := wrUnix(45 * 24 * time.Hour)
	ch, _ := wrOK[assignChainOut](t, cs, "assign_chain", map[string]any{"chainId": chain.Id, "userIds": []string{priya.ID}, "dueAt": chainDue})
	if ch.ChainID != chain.Id || ch.Assigned != 2 || ch.AlreadyAssigned != 0 || ch.UsersReached != 1 || !slices.Equal(ch.CourseIDs, []string{forklift, osha}) {
		t.Errorf("assign_chain = %+v", ch)
	}
	pa := w.assignments(priya.ID)
	for i, c := range []string{forklift, osha} {
		got := pa[c]
		if got.ChainId == nil || *got.ChainId != chain.Id || got.ChainPosition == nil || *got.ChainPosition != i+1 || got.DueAt == nil || got.DueAt.Unix() != chainDue {
			t.Errorf("priya's chain assignment of %s = %+v", c, got)
		}
	}

	// extend_deadline: sarah's forklift deadline moves two weeks later.
	later := wrUnix(28 * 24 * time.Hour)
	d, _ := wrOK[deadlineOut](t, cs, "extend_deadline", map[string]any{"assignmentId": a.ID, "dueAt": later})
	if d.ID != a.ID || d.DueAt == nil || *d.DueAt != Time(time.Unix(later, 0)) {
		t.Errorf("extend_deadline = %+v", d)
	}
	if got := w.assignments(sarah.ID)[forklift]; got.DueAt == nil || got.DueAt.Unix() != later {
		t.Errorf("after extend_deadline the API holds due %v, want %d", got.DueAt, later)
	}

	// send_reminder: one learner, with a note; the mail is in the outbox.
	note := "The audit is next week — please finish by Friday."
	r, text := wrOK[reminderOut](t, cs, "send_reminder", map[string]any{"courseId": forklift, "userIds": []string{sarah.ID}, "message": note})
	if r.CourseID != forklift || r.Sent != 1 || !slices.Equal(r.UserIDs, []string{sarah.ID}) || !strings.Contains(text, sarah.ID) {
		t.Errorf("send_reminder = %+v, %q", r, text)
	}
	if n := w.count(`SELECT count(*) FROM mail_outbox WHERE tenant_id = $1 AND kind = 'reminder' AND to_addr = $2 AND body LIKE '%' || $3 || '%'`, w.tenant, sarah.Email, note); n != 1 {
		t.Errorf("reminder mails to %s with the note = %d, want 1", sarah.Email, n)
	}

	// ban_user and unban_user.
	ban, _ := wrConfirmed[userOut](t, cs, "ban_user", map[string]any{"userId": sarah.ID})
	if ban.ID != sarah.ID || ban.Status != "banned" || ban.BannedAt == nil {
		t.Errorf("ban_user = %+v", ban)
	}
	if u, err := w.api.LMS.Users.Get(ctx, sarah.ID); err != nil || u.Status != client.UserStatusBanned {
		t.Errorf("after ban_user: %+v, %v", u, err)
	}
	unban, _ := wrOK[userOut](t, cs, "unban_user", map[string]any{"userId": sarah.ID})
	if unban.Status != "active" || unban.BannedAt != nil {
		t.Errorf("unban_user = %+v", unban)
	}
	if u, err := w.api.LMS.Users.Get(ctx, sarah.ID); err != nil || u.Status != client.UserStatusActive {
		t.Errorf("after unban_user: %+v, %v", u, err)
	}

	// change_user_email: the new address, and the standard notice queued.
	em, _ := wrConfirmed[userOut](t, cs, "change_user_email", map[string]any{"userId": maria.ID, "email": "maria.gomez@acme.test"})
	if em.Email != "maria.gomez@acme.test" {
		t.Errorf("change_user_email = %+v", em)
	}
	if u, err := w.api.LMS.Users.Get(ctx, maria.ID); err != nil || u.Email != "maria.gomez@acme.test" {
		t.Errorf("after change_user_email: %+v, %v", u, err)
	}
	if n := w.count(`SELECT count(*) FROM mail_outbox WHERE tenant_id = $1 AND kind = 'email_change' AND to_addr = 'maria.gomez@acme.test'`, w.tenant); n != 1 {
		t.Errorf("email-change notices to the new address = %d, want 1", n)
	}

	// clone_course: a draft copy with the whole structure.
	cl, text := wrOK[cloneCourseOut](t, cs, "clone_course", map[string]any{"courseId": forklift})
	if cl.ID == forklift || cl.SourceCourseID != forklift || cl.Status != "draft" || cl.Name != "Forklift Safety (copy)" || cl.Sections != 1 || cl.Elements != 2 || cl.OwnerID != w.admin.ID {
		t.Errorf("clone_course = %+v", cl)
	}
	if !strings.Contains(text, cl.ID) {
		t.Errorf("clone_course text %q lacks the new id", text)
	}
	if c, err := w.api.LMS.Courses.Get(ctx, cl.ID); err != nil || c.Status != client.CourseStatusDraft || c.Name != cl.Name {
		t.Errorf("the clone through the API: %+v, %v", c, err)
	}

	// Every write made through MCP is audited as surface mcp.
	for _, action := range []string{"assignment.create", "group.assign_course", "chain.assign", "assignment.extend_deadline",
		"course.remind", "user.ban", "user.unban", "user.email_change", "course.clone"} {
		got := w.surfaces(action)
		if len(got) == 0 || slices.ContainsFunc(got, func(s string) bool { return s != auth.SurfaceMCP }) {
			t.Errorf("audit rows of %s have surfaces %v, want mcp only", action, got)
		}
	}
	// The fixtures, made with the admin's token, say api: the marking is per request.
	if got := w.surfaces("course.create"); len(got) == 0 || got[0] != "api" {
		t.Errorf("fixture course.create surfaces %v, want api", got)
	}
}

// TestWriteToolCatalogue: the write tools' annotations and input schemas (the seed's
// parameter names, required ones, descriptions).
func TestWriteToolCatalogue(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "wr-cat")
	cs := w.session(w.key(w.admin), false)
	res, err := cs.ListTools(wrCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		destructive, idempotent bool
		required, optional      []string
	}
	cases := map[string]want{
		"assign_training":   {false, true, []string{"courseId", "userId"}, []string{"dueAt", "startAt"}},
		"bulk_assign":       {false, true, []string{"courseIds", "groupId"}, []string{"dueAt"}},
		"assign_chain":      {false, true, []string{"chainId"}, []string{"dueAt", "groupIds", "userIds"}},
		"ban_user":          {true, true, []string{"userId"}, nil},
		"unban_user":        {false, true, []string{"userId"}, nil},
		"change_user_email": {true, true, []string{"email", "userId"}, nil},
		"clone_course":      {false, false, []string{"courseId"}, nil},
		"extend_deadline":   {false, true, []string{"assignmentId", "dueAt"}, nil},
		"send_reminder":     {false, false, []string{"courseId"}, []string{"message", "userIds"}},
	}
	seen := 0
	for _, tool := range res.Tools {
		wt, ok := cases[tool.Name]
		if !ok {
			continue
		}
		seen++
		an := tool.Annotations
		if an == nil || an.ReadOnlyHint || an.DestructiveHint == nil || *an.DestructiveHint != wt.destructive || an.IdempotentHint != wt.idempotent {
			t.Errorf("%s: annotations %+v, want destructive %v idempotent %v", tool.Name, an, wt.destructive, wt.idempotent)
		}
		schema, _ := tool.InputSchema.(map[string]any)
		props, _ := schema["properties"].(map[string]any)
		var required []string
		if rs, ok := schema["required"].([]any); ok {
			for _, r := range rs {
				required = append(required, r.(string))
			}
		}
		slices.Sort(required)
		// Every write tool takes dryRun and planHash too (write_guard.go).
		if !slices.Equal(required, wt.required) || len(props) != len(wt.required)+len(wt.optional)+2 || props["dryRun"] == nil || props["planHash"] == nil {
			t.Errorf("%s: required %v of %d properties, want %v + optional %v", tool.Name, required, len(props), wt.required, wt.optional)
		}
		for name, p := range props {
			if d, _ := p.(map[string]any)["description"].(string); d == "" {
				t.Errorf("%s.%s has no description", tool.Name, name)
			}
		}
		if tool.OutputSchema == nil {
			t.Errorf("%s has no output schema", tool.Name)
		}
	}
	if seen != len(cases) {
		t.Errorf("listed %d of the %d write tools", seen, len(cases))
	}
}

// TestWriteErrors: the seed's error strings for a learner's key (403), unknown ids (404)
// and bad input (checked before any call, or the API's 422), with nothing written.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "wr-err")
	lee := w.user(auth.RoleLearner, "Lee Learner")
	vic := w.user(auth.RoleLearner, "Vic Victim")
	course := w.course("Forklift Safety", 1, false)
	draft := w.course("Unfinished", 1, true)
	group := w.group("Night shift", vic.ID)
	admin := w.session(w.key(w.admin), false)

	// A learner's key does not list the write tools its role may not call (tools.needs).
	learner := w.session(w.key(lee), false)
	for _, name := range []string{"ban_user", "assign_training"} {
		if _, err := learner.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{"courseId": course, "userId": vic.ID}}); err == nil || !strings.Contains(err.Error(), "unknown tool") {
			t.Errorf("learner %s: %v, want unknown tool", name, err)
		}
	}

	unknownUser, _ := typeid.New(typeid.Person)
	unknownCourse, _ := typeid.New(typeid.Course)
	unknownAsg, _ := typeid.New(typeid.Assignment)
	unknownChain, _ := typeid.New(typeid.Chain)
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"ban_user", map[string]any{"userId": unknownUser}},
		{"unban_user", map[string]any{"userId": unknownUser}},
		{"change_user_email", map[string]any{"userId": unknownUser, "email": "new@acme.test"}},
		{"clone_course", map[string]any{"courseId": unknownCourse}},
		{"extend_deadline", map[string]any{"assignmentId": unknownAsg, "dueAt": wrUnix(48 * time.Hour)}},
		{"send_reminder", map[string]any{"courseId": unknownCourse}},
		{"assign_chain", map[string]any{"chainId": unknownChain, "userIds": []string{vic.ID}}},
	} {
		if got := wrErr(t, admin, c.tool, c.args); got != MsgNotFound {
			t.Errorf("%s of an unknown id: %q, want %q", c.tool, got, MsgNotFound)
		}
	}

	for _, c := range []struct {
		tool string
		args map[string]any
		want string // in the text after "Invalid arguments: "
	}{
		{"assign_training", map[string]any{"courseId": "17", "userId": vic.ID}, "courseId must be a crs_… id"},
		{"assign_training", map[string]any{"courseId": course}, "missing required argument userId"},
		{"assign_training", map[string]any{"courseId": course, "userId": vic.ID, "dueAt": time.Now().Add(time.Hour).UnixMilli()}, "milliseconds"},
		{"assign_training", map[string]any{"courseId": course, "userId": vic.ID, "dueAt": "tomorrow"}, "dueAt"},
		{"assign_training", map[string]any{"courseId": course, "userId": vic.ID, "startAt": wrUnix(72 * time.Hour), "dueAt": wrUnix(24 * time.Hour)}, "dueAt must be later than startAt"},
		{"assign_training", map[string]any{"courseId": draft, "userId": vic.ID}, "only published courses can be assigned"}, // the API's 422
		{"bulk_assign", map[string]any{"groupId": group, "courseIds": []string{}}, "courseIds"},
		{"bulk_assign", map[string]any{"groupId": group, "courseIds": []string{course, course}}, "more than once"},
		{"bulk_assign", map[string]any{"groupId": "grp_nope", "courseIds": []string{course}}, "groupId must be a grp_… id"},
		{"assign_chain", map[string]any{"chainId": unknownChain}, "give userIds, groupIds or both"},
		{"ban_user", map[string]any{"userId": vic.ID, "reason": "left"}, "unknown argument reason"},
		{"change_user_email", map[string]any{"userId": vic.ID, "email": "Vic <vic@acme.test>"}, "plain email address"},
		{"extend_deadline", map[string]any{"assignmentId": unknownAsg, "dueAt": wrUnix(-time.Hour)}, "dueAt must be in the future"},
		{"send_reminder", map[string]any{"courseId": course, "userIds": []string{"per_42"}}, "userIds[0] must be a per_… id"},
		{"send_reminder", map[string]any{"courseId": course, "userIds": []string{vic.ID}}, "not assigned this course"}, // the API's 422
		{"clone_course", map[string]any{"courseId": 17}, "courseId"},
	} {
		got := wrErr(t, admin, c.tool, c.args)
		if !strings.HasPrefix(got, MsgInvalidArguments) || !strings.Contains(got, c.want) {
			t.Errorf("%s(%v): %q, want %q…%q", c.tool, c.args, got, MsgInvalidArguments, c.want)
		}
	}

	// A group the API does not know: every course fails alike, so one tool error says so.
	ghost, _ := typeid.New(typeid.Group)
	if got := wrErr(t, admin, "bulk_assign", map[string]any{"groupId": ghost, "courseIds": []string{course}}); !strings.HasPrefix(got, MsgInvalidArguments) || !strings.Contains(got, "group") {
		t.Errorf("bulk_assign to an unknown group: %q", got)
	}

	// Nothing above wrote anything: no assignment, no ban, no mail, no mcp audit row.
	if n := w.count(`SELECT count(*) FROM assignments WHERE tenant_id = $1`, w.tenant); n != 0 {
		t.Errorf("%d assignments after refused calls", n)
	}
	if n := w.count(`SELECT count(*) FROM users WHERE tenant_id = $1 AND status = 'banned'`, w.tenant); n != 0 {
		t.Errorf("%d banned users after refused calls", n)
	}
	if n := w.count(`SELECT count(*) FROM mail_outbox WHERE tenant_id = $1`, w.tenant); n != 0 {
		t.Errorf("%d mails after refused calls", n)
	}
	if n := w.count(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND surface = 'mcp'`, w.tenant); n != 0 {
		t.Errorf("%d mcp audit rows after refused calls", n)
	}
}
