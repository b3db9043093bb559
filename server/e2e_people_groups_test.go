package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func TestE2EPeopleGroups(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	manager := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager})
	learner := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Name: "Lee Learner"})
	stranger := peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner})

	// Managers hold group_assign: they manage groups.
	eng, err := manager.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Engineering", Kind: e2ePtr(client.GroupKindDepartment), Description: e2ePtr("All engineers")})
	if err != nil {
		t.Fatal(err)
	}
	desc, _ := eng.Description.Get()
	if !strings.HasPrefix(eng.Id, "grp_") || eng.Name != "Engineering" || eng.Kind != client.GroupKindDepartment || desc != "All engineers" || eng.MemberCount != 0 || eng.Version != 1 {
		t.Errorf("created %+v", eng)
	}
	team, err := admin.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "platform team"})
	if err != nil || team.Kind != client.GroupKindTeam || !team.Description.IsNull() {
		t.Fatalf("default kind: %+v %v", team, err)
	}
	if _, err := admin.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Phoenix", Kind: e2ePtr(client.GroupKindLocation)}); err != nil {
		t.Fatal(err)
	}

	t.Run("find and get", func(t *testing.T) {
		found, err := manager.Client.LMS.Groups.Find(ctx, &client.FindGroupsParams{Query: e2ePtr("ENG")})
		if err != nil || len(found.Data) != 1 || found.Data[0].Id != eng.Id {
			t.Errorf("find ENG: %+v %v", found, err)
		}
		found, err = manager.Client.LMS.Groups.Find(ctx, &client.FindGroupsParams{Kind: e2ePtr(client.GroupKindTeam)})
		if err != nil || len(found.Data) != 1 || found.Data[0].Id != team.Id {
			t.Errorf("find kind team: %+v %v", found, err)
		}
		var names []string
		for g, err := range admin.Client.LMS.Groups.FindAll(ctx, &client.FindGroupsParams{Limit: e2ePtr(1)}) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, g.Name)
		}
		if strings.Join(names, ",") != "Engineering,Phoenix,platform team" {
			t.Errorf("all groups by name: %v", names)
		}
		got, err := manager.Client.LMS.Groups.Get(ctx, eng.Id)
		if err != nil {
			t.Fatal(err)
		}
		e2eDiff(t, "get group", eng, got)
		_, err = learner.Client.LMS.Groups.Find(ctx, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner finds groups")
		_, err = learner.Client.LMS.Groups.Get(ctx, eng.Id)
		e2eSdkErr(t, err, http.StatusForbidden, "learner gets a group")
		_, err = stranger.Client.LMS.Groups.Get(ctx, eng.Id)
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant gets the group")
		if found, err := stranger.Client.LMS.Groups.Find(ctx, nil); err != nil || len(found.Data) != 0 {
			t.Errorf("another tenant finds %d groups (%v)", len(found.Data), err)
		}
		_, err = learner.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Mine"})
		e2eSdkErr(t, err, http.StatusForbidden, "learner creates a group")
	})

	t.Run("patch", func(t *testing.T) {
		updated, err := manager.Client.LMS.Groups.Update(ctx, eng.Id, &client.UpdateGroupParams{IfMatch: e2eIfMatch(1)},
			client.GroupPatch{Name: e2ePtr("Engineering EMEA"), Description: nullable.NewNullNullable[string]()})
		if err != nil {
			t.Fatal(err)
		}
		if updated.Name != "Engineering EMEA" || !updated.Description.IsNull() || updated.Kind != client.GroupKindDepartment || updated.Version != 2 {
			t.Errorf("updated %+v", updated)
		}
		_, err = manager.Client.LMS.Groups.Update(ctx, eng.Id, &client.UpdateGroupParams{IfMatch: e2eIfMatch(1)}, client.GroupPatch{Name: e2ePtr("stale")})
		e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale If-Match")
		_, err = manager.Client.LMS.Groups.Update(ctx, eng.Id, nil, client.GroupPatch{Name: e2ePtr("  ")})
		e2eSdkErr(t, err, http.StatusUnprocessableEntity, "blank name")
		_, err = stranger.Client.LMS.Groups.Update(ctx, eng.Id, nil, client.GroupPatch{Name: e2ePtr("x")})
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant patches")
		_, err = learner.Client.LMS.Groups.Update(ctx, eng.Id, nil, client.GroupPatch{Name: e2ePtr("x")})
		e2eSdkErr(t, err, http.StatusForbidden, "learner patches")
		r := e2eDo(t, http.MethodPatch, env.URL+"/api/v2/groups/"+eng.Id, admin.Token, `{"kind":"galaxy"}`, map[string]string{"Content-Type": "application/merge-patch+json"})
		if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown kind: %d", r.Status)
		}
		rows := peopleAudit(t, db, eng.Id)
		if peopleActions(rows) != "group.create,group.update" {
			t.Fatalf("audit %q", peopleActions(rows))
		}
		peopleActor(t, rows[0], manager.ID)
		if rows[1].Before["name"] != "Engineering" || rows[1].Before["description"] != "All engineers" ||
			rows[1].After["name"] != "Engineering EMEA" || rows[1].After["description"] != nil || rows[1].After["version"] != float64(2) {
			t.Errorf("update entry %+v", rows[1])
		}
	})

	t.Run("members", func(t *testing.T) {
		var ids []string
		for _, name := range []string{"Cleo", "adam", "Bruno"} {
			u, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: name, Email: strings.ToLower(name) + "@acme.example", Role: client.UserRoleLearner})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.Id)
		}
		// A course assigned to the group reaches every member, including later ones (the
		// database trigger of group_members).
		owner, _ := typeid.Parse(typeid.Person, admin.ID)
		gid, _ := typeid.Parse(typeid.Group, team.Id)
		course := uuid.Must(uuid.NewV7())
		if _, err := db.Exec(context.Background(), `INSERT INTO courses (tenant_id, id, name, owner_id, created_at, updated_at) VALUES ('acme', $1, 'Onboarding', $2, now(), now())`, course, owner); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(context.Background(), `INSERT INTO group_course_assignments (tenant_id, group_id, course_id) VALUES ('acme', $1, $2)`, gid, course); err != nil {
			t.Fatal(err)
		}

		res, err := manager.Client.LMS.Groups.AddMembers(ctx, team.Id, client.GroupMembersAdd{UserIds: ids[:2]})
		if err != nil || len(res.Added) != 2 || len(res.AlreadyMembers) != 0 || res.MemberCount != 2 {
			t.Fatalf("add: %+v %v", res, err)
		}
		res, err = manager.Client.LMS.Groups.AddMembers(ctx, team.Id, client.GroupMembersAdd{UserIds: ids})
		if err != nil || len(res.Added) != 1 || res.Added[0] != ids[2] || len(res.AlreadyMembers) != 2 || res.MemberCount != 3 {
			t.Fatalf("add again: %+v %v", res, err)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM assignments WHERE tenant_id = 'acme' AND course_id = $1 AND group_id = $2`, course, gid); n != 3 {
			t.Errorf("assignments through the group: %d, want 3", n)
		}
		_, err = manager.Client.LMS.Groups.AddMembers(ctx, team.Id, client.GroupMembersAdd{UserIds: []string{learner.ID, stranger.ID}})
		if e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "a user of another tenant"); e.Problem.Errors == nil || (*e.Problem.Errors)[0].Pointer == nil || *(*e.Problem.Errors)[0].Pointer != "/userIds/1" {
			t.Errorf("errors %+v", e.Problem.Errors)
		}
		_, err = learner.Client.LMS.Groups.AddMembers(ctx, team.Id, client.GroupMembersAdd{UserIds: []string{learner.ID}})
		e2eSdkErr(t, err, http.StatusForbidden, "learner adds")
		_, err = stranger.Client.LMS.Groups.AddMembers(ctx, team.Id, client.GroupMembersAdd{UserIds: []string{stranger.ID}})
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant adds")
		if n := e2eCount(t, db, `SELECT count(*) FROM group_members WHERE group_id = $1`, gid); n != 3 {
			t.Errorf("members after rejected adds: %d", n)
		}

		var names []string
		for m, err := range manager.Client.LMS.Groups.ListMembersAll(ctx, team.Id, &client.ListGroupMembersParams{Limit: e2ePtr(2)}) {
			if err != nil {
				t.Fatal(err)
			}
			if m.Role != client.UserRoleLearner || m.Status != client.UserStatusActive || !e2eNear(m.AddedAt, time.Minute) {
				t.Errorf("member %+v", m)
			}
			names = append(names, m.Name)
		}
		if strings.Join(names, ",") != "adam,Bruno,Cleo" {
			t.Errorf("members %v", names)
		}
		u, err := admin.Client.LMS.Users.Get(ctx, ids[0])
		if err != nil || len(u.Groups) != 1 || u.Groups[0].Id != team.Id {
			t.Errorf("the user's groups: %+v %v", u.Groups, err)
		}
		inGroup, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{GroupId: &team.Id})
		if err != nil || peopleNames(inGroup.Data) != "adam,Bruno,Cleo" {
			t.Errorf("find users in the group: %q %v", peopleNames(inGroup.Data), err)
		}
		_, err = learner.Client.LMS.Groups.ListMembers(ctx, team.Id, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner lists members")
		_, err = stranger.Client.LMS.Groups.ListMembers(ctx, team.Id, nil)
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant lists members")

		if err := manager.Client.LMS.Groups.RemoveMember(ctx, team.Id, ids[0]); err != nil {
			t.Fatal(err)
		}
		err = manager.Client.LMS.Groups.RemoveMember(ctx, team.Id, ids[0])
		e2eSdkErr(t, err, http.StatusNotFound, "remove a non-member")
		err = learner.Client.LMS.Groups.RemoveMember(ctx, team.Id, ids[1])
		e2eSdkErr(t, err, http.StatusForbidden, "learner removes")
		if n := e2eCount(t, db, `SELECT count(*) FROM assignments WHERE course_id = $1`, course); n != 3 {
			t.Errorf("assignments after removal: %d, want 3 (kept)", n)
		}
		rows := peopleAudit(t, db, team.Id)
		if peopleActions(rows) != "group.create,group.members.add,group.members.add,group.members.remove" {
			t.Fatalf("audit %q", peopleActions(rows))
		}
		if got := rows[2].After["userIds"].([]any); len(got) != 1 || got[0] != ids[2] {
			t.Errorf("second add entry lists %v, want only %s", got, ids[2])
		}
		if rows[3].Before["userId"] != ids[0] || rows[3].After != nil {
			t.Errorf("remove entry %+v", rows[3])
		}
	})

	t.Run("delete", func(t *testing.T) {
		err := learner.Client.LMS.Groups.Delete(ctx, team.Id, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner deletes")
		err = stranger.Client.LMS.Groups.Delete(ctx, team.Id, nil)
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant deletes")
		err = manager.Client.LMS.Groups.Delete(ctx, team.Id, &client.DeleteGroupParams{IfMatch: e2eIfMatch(7)})
		e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale delete")
		if err := manager.Client.LMS.Groups.Delete(ctx, team.Id, &client.DeleteGroupParams{IfMatch: e2eIfMatch(1)}); err != nil {
			t.Fatal(err)
		}
		_, err = manager.Client.LMS.Groups.Get(ctx, team.Id)
		e2eSdkErr(t, err, http.StatusNotFound, "get after delete")
		gid, _ := typeid.Parse(typeid.Group, team.Id)
		if n := e2eCount(t, db, `SELECT count(*) FROM group_members WHERE group_id = $1`, gid); n != 0 {
			t.Errorf("memberships left: %d", n)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM assignments WHERE group_id = $1`, gid); n != 3 {
			t.Errorf("assignments after delete: %d, want 3 (kept)", n)
		}
		rows := peopleAudit(t, db, team.Id)
		last := rows[len(rows)-1]
		if last.Action != "group.delete" || last.Before["name"] != "platform team" || last.Before["memberCount"] != float64(2) || last.After != nil {
			t.Errorf("delete entry %+v", last)
		}
	})
}
