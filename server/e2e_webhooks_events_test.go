package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// Each event is written at its cause, in its transaction, for an endpoint listening to
// all: publishing a course (course.published), assigning it to a user and to a group
// (assignment.created each), completing it (assignment.completed and certificate.issued)
// and banning a user (user.banned). Each message's body is {"type", "timestamp", "data"}
// with the API's ids.
func TestE2EWebhookEventsAtTheirCauses(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	admin := f.user(auth.RoleAdmin)
	learner, member := f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	if _, err := admin.Client.LMS.Webhooks.Create(ctx, client.WebhookEndpointCreate{Url: "https://hooks.example.com/all"}); err != nil {
		t.Fatal(err)
	}
	c := f.course(admin, asgCourseSpec{Status: "draft", Settings: map[string]any{"certificateOnCompletion": true}})
	if _, err := admin.Client.LMS.Courses.Publish(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	a := asgMustAssign(t, admin.Client, c.ID, client.AssignUserRequest{UserId: learner.ID})
	grp, _ := f.group(member)
	if _, err := admin.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{grp}}); err != nil {
		t.Fatal(err)
	}
	if _, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: c.Elements[0], Completed: e2ePtr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Client.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: member.ID}); err != nil {
		t.Fatal(err)
	}

	rows, err := env.DB(t).Query(ctx, `SELECT m.event_type, m.body FROM webhook_messages m WHERE m.tenant_id = 'acme'
AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.tenant_id = m.tenant_id AND d.message_id = m.id) ORDER BY m.created_at, m.id`)
	if err != nil {
		t.Fatal(err)
	}
	type message struct {
		Type, Timestamp string
		Data            map[string]any
	}
	var got []message
	for rows.Next() {
		var typ, body string
		if err := rows.Scan(&typ, &body); err != nil {
			t.Fatal(err)
		}
		var m message
		if err := json.Unmarshal([]byte(body), &m); err != nil || m.Type != typ || m.Timestamp == "" {
			t.Errorf("message %s: %s (%v)", typ, body, err)
		}
		got = append(got, m)
	}
	want := []struct{ typ, field, value string }{
		{"course.published", "id", c.ID},
		{"assignment.created", "id", a.Id},
		{"assignment.created", "userId", member.ID},
		{"assignment.completed", "id", a.Id},
		{"certificate.issued", "userId", learner.ID},
		{"user.banned", "id", member.ID},
	}
	if len(got) != len(want) {
		t.Fatalf("messages = %+v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].Type != w.typ || got[i].Data[w.field] != w.value {
			t.Errorf("message %d = %s %v, want %s with %s %s", i, got[i].Type, got[i].Data, w.typ, w.field, w.value)
		}
	}
}

// A course generation that completes is posted as generation.completed naming the job
// and the course it wrote, signed so the npm standardwebhooks package verifies it.
func TestE2EWebhookGenerationCompleted(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: &aiFakeGen{}})
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	admin := coursesUser(t, env, "acme", auth.RoleAdmin)
	rc := newHookReceiver(t)
	events := []client.WebhookEventType{client.WebhookEventTypeGenerationCompleted, client.WebhookEventTypeGenerationFailed}
	ep, err := admin.C.LMS.Webhooks.Create(ctx, client.WebhookEndpointCreate{Url: rc.URL, Events: &events})
	if err != nil {
		t.Fatal(err)
	}
	q, err := admin.C.LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "Ladder safety"})
	if err != nil {
		t.Fatal(err)
	}
	j := aiPoll(t, ctx, admin.C, q.JobId, 30*time.Second)
	if j.Result == nil {
		t.Fatalf("job = %+v", j)
	}
	p := hookVerify(t, ep.Secret, rc.wait(t, 1)[0])
	data, _ := p["data"].(map[string]any)
	if p["type"] != "generation.completed" || data["id"] != q.JobId || data["courseId"] != j.Result.CourseId || data["status"] != "completed" {
		t.Errorf("payload = %v, want generation.completed of %s with course %s", p, q.JobId, j.Result.CourseId)
	}
}

// A user an identity provider creates over SCIM is posted as user.created, and its SCIM
// DELETE (a deprovisioning ban) as user.banned.
func TestE2EWebhookSCIMUsers(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true})
	acme := scimSetup(t, env, "acme")
	rc := newHookReceiver(t)
	ep, err := acme.owner.Client.LMS.Webhooks.Create(e2eCtx(t), client.WebhookEndpointCreate{Url: rc.URL})
	if err != nil {
		t.Fatal(err)
	}
	created := acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "scim.hook@okta.local", "displayName": "Scim Hook", "active": true}`).want(t, http.StatusCreated, "create")
	id := str(created, "id")
	acme.do(t, http.MethodDelete, "/Users/"+id, nil).want(t, http.StatusNoContent, "delete")
	seen := map[any]bool{} // the two deliveries may arrive in either order
	for _, req := range rc.wait(t, 2) {
		p := hookVerify(t, ep.Secret, req)
		data, _ := p["data"].(map[string]any)
		seen[p["type"]] = true
		if data["id"] != id || data["email"] != "scim.hook@okta.local" {
			t.Errorf("message %v, want one of %s", p, id)
		}
	}
	if !seen["user.created"] || !seen["user.banned"] {
		t.Errorf("event types = %v, want user.created and user.banned", seen)
	}
}
