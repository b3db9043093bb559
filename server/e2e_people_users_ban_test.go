package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func TestE2EPeopleUsersBanStopsAccess(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager})
	grp, err := admin.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Sales"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Client.LMS.Groups.AddMembers(ctx, grp.Id, client.GroupMembersAdd{UserIds: []string{u.ID}}); err != nil {
		t.Fatal(err)
	}
	key, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "agent", Scopes: &[]client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	exchanged, err := peopleSDK(t, env).Auth.Tokens.Create(ctx, client.TokenRequest{GrantType: "client_credentials", ClientId: &key.Id, ClientSecret: &key.Key})
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]func() e2eRaw{
		"jwt":           func() e2eRaw { return e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+u.ID, u.Token, nil, nil) },
		"key as bearer": func() e2eRaw { return e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+u.ID, key.Key, nil, nil) },
		"key as mcp key": func() e2eRaw {
			return e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+u.ID, "", nil, map[string]string{"X-MCP-Key": key.Key})
		},
		"exchanged token": func() e2eRaw {
			return e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+u.ID, exchanged.AccessToken, nil, nil)
		},
	}
	expect := func(status int) {
		t.Helper()
		for name, call := range paths {
			if r := call(); r.Status != status {
				t.Errorf("%s: %d, want %d (%s)", name, r.Status, status, r.Body)
			}
		}
	}
	expect(http.StatusOK)

	banned, err := admin.Client.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	bannedAt, err := banned.BannedAt.Get()
	if err != nil || banned.Status != client.UserStatusBanned || !e2eNear(bannedAt, time.Minute) || banned.Version != 2 {
		t.Fatalf("banned %+v", banned)
	}
	expect(http.StatusUnauthorized)
	_, err = peopleSDK(t, env).Auth.Tokens.Create(ctx, client.TokenRequest{GrantType: "client_credentials", ClientId: &key.Id, ClientSecret: &key.Key})
	if e := e2eSdkErr(t, err, http.StatusUnauthorized, "exchange a banned user's key"); e.Problem.Error == nil || *e.Problem.Error != "invalid_client" {
		t.Errorf("error %v, want invalid_client", e.Problem.Error)
	}

	// Banning again changes nothing; the history is all there.
	again, err := admin.Client.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: u.ID})
	if err != nil || again.Version != 2 {
		t.Errorf("ban again: version %d (%v)", again.Version, err)
	}
	if got := peopleActions(peopleAudit(t, db, u.ID)); got != "user.ban" {
		t.Errorf("audit after two bans: %q", got)
	}
	uid, _ := typeid.Parse(typeid.Person, u.ID)
	kid, _ := typeid.Parse(typeid.APIKey, key.Id)
	if n := e2eCount(t, db, `SELECT count(*) FROM group_members WHERE user_id = $1`, uid); n != 1 {
		t.Errorf("memberships after ban: %d", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM api_keys WHERE id = $1 AND revoked_at IS NULL`, kid); n != 1 {
		t.Errorf("the key was revoked by the ban")
	}
	view, err := admin.Client.LMS.Users.Get(ctx, u.ID)
	if err != nil || view.Status != client.UserStatusBanned || len(view.Groups) != 1 {
		t.Errorf("admin reads the banned user: %+v %v", view, err)
	}
	found, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Status: e2ePtr(client.UserStatusBanned)})
	if err != nil || len(found.Data) != 1 || found.Data[0].Id != u.ID {
		t.Errorf("find banned: %v %v", peopleNames(found.Data), err)
	}

	active, err := admin.Client.LMS.Users.Unban(ctx, u.ID, nil)
	if err != nil || active.Status != client.UserStatusActive || !active.BannedAt.IsNull() || active.Version != 3 {
		t.Fatalf("unban: %+v %v", active, err)
	}
	expect(http.StatusOK)
	rows := peopleAudit(t, db, u.ID)
	if peopleActions(rows) != "user.ban,user.unban" {
		t.Fatalf("audit %q", peopleActions(rows))
	}
	if rows[0].Before["status"] != "active" || rows[0].After["status"] != "banned" || rows[0].After["bannedAt"] == nil ||
		rows[1].Before["status"] != "banned" || rows[1].After["status"] != "active" || rows[1].After["bannedAt"] != nil {
		t.Errorf("ban/unban entries: %+v", rows)
	}
	peopleActor(t, rows[0], admin.ID)
}
