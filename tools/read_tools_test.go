package tools

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/server/servertest"
)

// readToolNames are the read tools: the seed's, the recertification list and the
// enrolment rules.
var readToolNames = []string{"find_course", "find_user", "get_audit_log", "get_compliance_status", "get_course",
	"get_leaderboard", "get_recertification_due", "get_statistics", "get_user", "list_assignments", "list_certificates", "list_enrolment_rules", "list_my_assignments"}

func TestReadCatalogue(t *testing.T) {
	t.Parallel()
	if got := Names(KindRead, Config{}); !slices.Equal(got, readToolNames) {
		t.Fatalf("read tools = %v, want %v", got, readToolNames)
	}
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-cat")
	cs := f.session(t, f.admin)
	tools := coreTools(t, cs.ClientSession)
	for _, name := range readToolNames {
		tool, ok := tools[name]
		if !ok {
			t.Errorf("%s not listed", name)
			continue
		}
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("%s: annotations %+v, want readOnlyHint", name, tool.Annotations)
		}
		if tool.Description == "" || tool.OutputSchema == nil {
			t.Errorf("%s: description %q, output schema %v", name, tool.Description, tool.OutputSchema)
		}
	}
	// Input schemas carry the seed's descriptions, limits and defaults.
	find := tools["find_user"].InputSchema.(map[string]any)
	props := find["properties"].(map[string]any)
	limit := props["limit"].(map[string]any)
	if limit["maximum"] != float64(50) || limit["minimum"] != float64(1) || limit["default"] != float64(20) {
		t.Errorf("find_user limit schema = %v, want 1..50 default 20", limit)
	}
	if d, _ := props["query"].(map[string]any)["description"].(string); d != "Name or email substring to search for." {
		t.Errorf("find_user query description = %q", d)
	}
	if req, _ := find["required"].([]any); len(req) != 1 || req[0] != "query" {
		t.Errorf("find_user required = %v, want [query]", find["required"])
	}
	lb := tools["get_leaderboard"].InputSchema.(map[string]any)["properties"].(map[string]any)["limit"].(map[string]any)
	if lb["maximum"] != float64(50) || lb["default"] != float64(10) {
		t.Errorf("get_leaderboard limit schema = %v, want max 50 default 10", lb)
	}
	au := tools["get_audit_log"].InputSchema.(map[string]any)["properties"].(map[string]any)["limit"].(map[string]any)
	if au["maximum"] != float64(250) || au["default"] != float64(50) {
		t.Errorf("get_audit_log limit schema = %v, want max 250 default 50", au)
	}
	sc := tools["get_statistics"].InputSchema.(map[string]any)["properties"].(map[string]any)["scope"].(map[string]any)
	if len(sc["enum"].([]any)) != 6 {
		t.Errorf("get_statistics scope enum = %v", sc["enum"])
	}
}

func TestReadUsers(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-users")
	cs := f.session(t, f.admin).ClientSession

	var found userList
	text := coreOK(t, cs, "find_user", map[string]any{"query": "SARAH"}, &found)
	if len(found.Users) != 1 || found.Users[0].ID != f.sarah.ID || found.Users[0].Role != "learner" || found.Users[0].Status != "active" {
		t.Fatalf("find_user sarah = %+v", found)
	}
	if !strings.Contains(text, "Sarah Connor <sarah.connor@read-users.test> — "+f.sarah.ID) || !strings.HasPrefix(text, "1 user") {
		t.Errorf("find_user text = %q", text)
	}
	coreOK(t, cs, "find_user", map[string]any{"query": "porter@read-users"}, &found)
	if len(found.Users) != 1 || found.Users[0].ID != f.sam.ID {
		t.Errorf("find_user by email = %+v", found)
	}

	// Paging: 4 users, 3 per page.
	var p1, p2 userList
	text = coreOK(t, cs, "find_user", map[string]any{"query": "", "limit": 3}, &p1)
	if len(p1.Users) != 3 || p1.NextPageToken == nil || !strings.HasSuffix(text, "\nmore: pageToken="+*p1.NextPageToken) {
		t.Fatalf("page 1 = %+v, %q", p1, text)
	}
	coreOK(t, cs, "find_user", map[string]any{"query": "", "limit": 3, "pageToken": *p1.NextPageToken}, &p2)
	if len(p2.Users) != 1 || p2.NextPageToken != nil {
		t.Fatalf("page 2 = %+v", p2)
	}
	seen := map[string]bool{p2.Users[0].ID: true}
	for _, u := range p1.Users {
		seen[u.ID] = true
	}
	for _, id := range []string{f.admin.ID, f.manager.ID, f.sarah.ID, f.sam.ID} {
		if !seen[id] {
			t.Errorf("paging missed %s", id)
		}
	}

	var u userDetail
	text = coreOK(t, cs, "get_user", map[string]any{"userId": f.sarah.ID}, &u)
	if u.ID != f.sarah.ID || u.Name != "Sarah Connor" || u.Email != "sarah.connor@read-users.test" || u.Role != "learner" ||
		u.Status != "active" || len(u.Groups) != 1 || u.Groups[0].ID != f.group || u.Groups[0].Name != "Warehouse" || u.Groups[0].Kind != "location" {
		t.Fatalf("get_user = %+v", u)
	}
	if _, err := time.Parse(time.RFC3339, u.CreatedAt); err != nil {
		t.Errorf("createdAt %q: %v", u.CreatedAt, err)
	}
	for _, want := range []string{"Sarah Connor <sarah.connor@read-users.test>", "role: learner", "status: active", "groups: Warehouse (location, " + f.group + ")"} {
		if !strings.Contains(text, want) {
			t.Errorf("get_user text %q lacks %q", text, want)
		}
	}
}

func TestReadCourses(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-courses")
	cs := f.session(t, f.manager).ClientSession

	var found courseList
	text := coreOK(t, cs, "find_course", map[string]any{"query": "osha"}, &found)
	if len(found.Courses) != 1 || found.Courses[0].ID != f.course || found.Courses[0].Status != "published" ||
		found.Courses[0].Annotation == nil || !slices.Equal(found.Courses[0].Tags, []string{"safety"}) {
		t.Fatalf("find_course osha = %+v", found)
	}
	if !strings.Contains(text, "OSHA Confined Spaces — "+f.course+", published, updated ") {
		t.Errorf("find_course text = %q", text)
	}
	coreOK(t, cs, "find_course", map[string]any{"query": "forklift"}, &found)
	if len(found.Courses) != 1 || found.Courses[0].ID != f.draft || found.Courses[0].Status != "draft" {
		t.Errorf("find_course forklift = %+v", found)
	}

	var c courseDetail
	text = coreOK(t, cs, "get_course", map[string]any{"courseId": f.course}, &c)
	if c.ID != f.course || c.Status != "published" || c.PublishedAt == nil || !c.Settings.CertificateOnCompletion ||
		c.Settings.CertificateValidityMonths == nil || *c.Settings.CertificateValidityMonths != 12 || len(c.Sections) != 1 {
		t.Fatalf("get_course = %+v", c)
	}
	s := c.Sections[0]
	if s.ID != f.section || s.Title != "Basics" || len(s.Elements) != 2 {
		t.Fatalf("section = %+v", s)
	}
	if e := s.Elements[0]; e.ID != f.lesson || e.Kind != "lesson" || !e.Required {
		t.Errorf("lesson = %+v", e)
	}
	if e := s.Elements[1]; e.ID != f.quiz || e.Kind != "quiz" || e.Required || len(e.Questions) != 1 ||
		e.Questions[0].ID != f.question || e.Questions[0].Text != "Which space needs a permit?" {
		t.Errorf("quiz = %+v", e)
	}
	for _, want := range []string{"OSHA Confined Spaces — " + f.course + ", published", "1. Basics (" + f.section + ")",
		`lesson "What is a confined space?" (` + f.lesson + ")", `quiz "Check" (` + f.quiz + "), optional",
		f.question + " (single): Which space needs a permit?", "certificate true (valid 12 months)"} {
		if !strings.Contains(text, want) {
			t.Errorf("get_course text lacks %q:\n%s", want, text)
		}
	}
}

func TestReadAssignments(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-asg")
	cs := f.session(t, f.manager).ClientSession
	due := Time(f.due)

	var byGroup assignmentList
	text := coreOK(t, cs, "list_assignments", map[string]any{"groupId": f.group}, &byGroup)
	if len(byGroup.Assignments) != 2 {
		t.Fatalf("group assignments = %+v", byGroup)
	}
	status := map[string]string{}
	for _, a := range byGroup.Assignments {
		if a.CourseID != f.course || a.DueAt == nil || *a.DueAt != due || a.GroupID == nil || *a.GroupID != f.group {
			t.Errorf("assignment = %+v", a)
		}
		status[a.UserID] = a.Status
	}
	if status[f.sarah.ID] != "completed" || status[f.sam.ID] != "assigned" {
		t.Errorf("statuses = %v", status)
	}
	if !strings.Contains(text, "OSHA Confined Spaces ("+f.course+") → Sam Porter ("+f.sam.ID+"): assigned, 0%, due "+due+", assigned ") {
		t.Errorf("list_assignments text = %q", text)
	}

	var byUser assignmentList
	coreOK(t, cs, "list_assignments", map[string]any{"userId": f.sarah.ID, "status": "completed"}, &byUser)
	if len(byUser.Assignments) != 1 || byUser.Assignments[0].UserID != f.sarah.ID || byUser.Assignments[0].CompletedAt == nil ||
		byUser.Assignments[0].ProgressPct != 100 {
		t.Fatalf("sarah's completed = %+v", byUser)
	}
	coreOK(t, cs, "list_assignments", map[string]any{"userId": f.sarah.ID, "status": "overdue"}, &byUser)
	if len(byUser.Assignments) != 0 {
		t.Errorf("sarah's overdue = %+v", byUser)
	}
	var page assignmentList
	coreOK(t, cs, "list_assignments", map[string]any{"groupId": f.group, "limit": 1}, &page)
	if len(page.Assignments) != 1 || page.NextPageToken == nil {
		t.Errorf("limit 1 = %+v", page)
	}

	// A learner's own: no parameters at all.
	sam := f.session(t, f.sam).ClientSession
	var mine assignmentList
	text = coreOK(t, sam, "list_my_assignments", nil, &mine)
	if len(mine.Assignments) != 1 || mine.Assignments[0].UserID != f.sam.ID || mine.Assignments[0].Status != "assigned" {
		t.Fatalf("sam's own = %+v", mine)
	}
	if !strings.HasPrefix(text, "1 assignment of Sam Porter ("+f.sam.ID+")\n- OSHA Confined Spaces ("+f.course+"): assigned, 0%, due "+due+", assigned ") ||
		!strings.HasSuffix(text, ", via group "+f.group+" ["+mine.Assignments[0].ID+"]") {
		t.Errorf("list_my_assignments text = %q", text)
	}
}

func TestReadReports(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-rpt")
	cs := f.session(t, f.admin).ClientSession

	var comp complianceOut
	text := coreOK(t, cs, "get_compliance_status", map[string]any{"courseId": f.course}, &comp)
	if comp.CourseID != f.course || comp.Totals.Assigned != 2 || comp.Totals.Completed != 1 || comp.Totals.NotStarted != 1 ||
		comp.CompletionPct != 50 || len(comp.Users) != 2 {
		t.Fatalf("compliance = %+v", comp)
	}
	if !strings.Contains(text, "Compliance for OSHA Confined Spaces ("+f.course+"): 50.0% complete — 2 assigned: 1 completed") {
		t.Errorf("compliance text = %q", text)
	}
	coreOK(t, cs, "get_compliance_status", map[string]any{"courseId": f.course, "groupId": f.group, "status": "completed"}, &comp)
	if comp.GroupID == nil || *comp.GroupID != f.group || len(comp.Users) != 1 || comp.Users[0].UserID != f.sarah.ID || comp.Users[0].CompletedAt == nil {
		t.Errorf("compliance of the group, completed = %+v", comp)
	}

	var certs certificateList
	text = coreOK(t, cs, "list_certificates", map[string]any{"userId": f.sarah.ID}, &certs)
	if len(certs.Certificates) != 1 || certs.Certificates[0].CourseID != f.course || certs.Certificates[0].ExpiresAt == nil || certs.Certificates[0].Expired {
		t.Fatalf("certificates = %+v", certs)
	}
	if !strings.Contains(text, "1 certificate for "+f.sarah.ID+"\n- OSHA Confined Spaces ("+f.course+"): no. ") || !strings.Contains(text, ", expires ") {
		t.Errorf("certificates text = %q", text)
	}
	coreOK(t, cs, "list_certificates", map[string]any{"userId": f.sarah.ID, "expiringWithin": 90}, &certs)
	if len(certs.Certificates) != 0 { // valid 12 months
		t.Errorf("expiring within 90 days = %+v", certs)
	}
	coreOK(t, cs, "list_certificates", map[string]any{"userId": f.sarah.ID, "expiringWithin": 400}, &certs)
	if len(certs.Certificates) != 1 {
		t.Errorf("expiring within 400 days = %+v", certs)
	}

	var lb leaderboardOut
	text = coreOK(t, cs, "get_leaderboard", map[string]any{"limit": 5}, &lb)
	if len(lb.Leaders) == 0 || lb.Leaders[0].UserID != f.sarah.ID || lb.Leaders[0].Rank != 1 || lb.Leaders[0].Completions != 1 {
		t.Fatalf("leaderboard = %+v", lb)
	}
	if !strings.Contains(text, "1. Sarah Connor ("+f.sarah.ID+")") {
		t.Errorf("leaderboard text = %q", text)
	}

	var audit auditOut
	text = coreOK(t, cs, "get_audit_log", map[string]any{"author": f.admin.ID, "limit": 3}, &audit)
	if len(audit.Entries) != 3 || audit.Total < 8 || audit.NextOffset == nil || *audit.NextOffset != 3 {
		t.Fatalf("audit page = %+v", audit)
	}
	for _, e := range audit.Entries {
		if e.ActorID == nil || *e.ActorID != f.admin.ID || e.Surface != "api" || e.Before != nil || e.After != nil {
			t.Errorf("audit entry = %+v", e)
		}
	}
	if !strings.Contains(text, "Audit entries 1–3 of ") || !strings.Contains(text, "\nmore: offset=3") {
		t.Errorf("audit text = %q", text)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	var all auditOut
	coreOK(t, cs, "get_audit_log", map[string]any{"from": today, "to": today, "limit": 250, "includeChanges": true}, &all)
	actions := map[string]bool{}
	for _, e := range all.Entries {
		actions[e.Action] = true
		if e.Action == "course.publish" && e.After == nil {
			t.Errorf("includeChanges: %+v has no after", e)
		}
	}
	for _, a := range []string{"group.create", "course.create", "course.publish", "assignment.create", "api_key.create", "certificate.issue"} {
		if !actions[a] {
			t.Errorf("audit of today lacks %s (have %v)", a, actions)
		}
	}
	coreOK(t, cs, "get_audit_log", map[string]any{"to": "2001-01-01"}, &all)
	if all.Total != 0 || len(all.Entries) != 0 {
		t.Errorf("audit before 2001 = %+v", all)
	}
}

func TestReadStatistics(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-stats")
	cs := f.session(t, f.admin).ClientSession
	cases := []struct {
		scope string
		check func(s statisticsOut) bool
		text  string
	}{
		{"overview", func(s statisticsOut) bool {
			o := s.Overview
			return o != nil && o.Users.Total == 4 && o.Courses.Published == 1 && o.Courses.Draft == 1 && o.Assignments.Assigned == 2 &&
				o.Completions == 1 && o.CertificatesIssued == 1
		}, "users: 4 (4 active, 0 banned)"},
		{"publishing", func(s statisticsOut) bool { return s.Publishing != nil && s.Publishing.CurrentlyPublished == 1 }, "published now"},
		{"courseCreation", func(s statisticsOut) bool {
			c := s.CourseCreation
			return c != nil && c.Created == 2 && len(c.ByOwner) == 1 && c.ByOwner[0].UserID == f.admin.ID && c.ByOwner[0].Count == 2
		}, "2 courses created\n- Ada Admin"},
		{"activity", func(s statisticsOut) bool { return s.Activity != nil && s.Activity.Completions == 1 }, "1 completions"},
		{"insights", func(s statisticsOut) bool { return s.Insights != nil && s.Window == nil }, "certificates expiring soon: 0"},
		{"tags", func(s statisticsOut) bool {
			return len(s.Tags) == 1 && s.Tags[0].Tag == "safety" && s.Tags[0].Completions == 1
		}, "- safety: 1 courses"},
	}
	for _, tc := range cases {
		var s statisticsOut
		text := coreOK(t, cs, "get_statistics", map[string]any{"scope": tc.scope}, &s)
		if s.Scope != tc.scope || !tc.check(s) {
			t.Errorf("%s = %+v", tc.scope, s)
		}
		if !strings.Contains(text, tc.text) {
			t.Errorf("%s text lacks %q:\n%s", tc.scope, tc.text, text)
		}
	}
	var s statisticsOut
	coreOK(t, cs, "get_statistics", map[string]any{"scope": "overview", "from": "2001-01-01", "to": "2001-01-31"}, &s)
	if s.Window == nil || s.Window.From != "2001-01-01T00:00:00Z" || s.Overview.Completions != 0 {
		t.Errorf("overview of January 2001 = %+v", s)
	}
}
