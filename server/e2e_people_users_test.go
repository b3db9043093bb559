package server_test

// End-to-end tests of the people operations (users; groups and keys in their own files):
// through the generated SDK against the real server and PostgreSQL.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

func TestE2EPeopleUsersFind(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin, Name: "Zed Admin", Email: "zed@acme.example"})
	other := peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleAdmin, Name: "Sarah Globex", Email: "sarah@globex.example"})
	learner := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Name: "Lena Learner", Email: "lena@acme.example"})
	manager := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager, Name: "Max Manager", Email: "max@acme.example"})
	ctx := e2eCtx(t)
	for _, u := range [][3]string{
		{"Sarah Connor", "sconnor@acme.example", "learner"},
		{"John Connor", "john@ACME.example", "manager"},
		{"Kyle Reese", "kyle.SARAH@acme.example", "learner"},
	} {
		if _, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: u[0], Email: u[1], Role: client.UserRole(u[2])}); err != nil {
			t.Fatalf("create %s: %v", u[0], err)
		}
	}
	for i := range 20 {
		if _, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: fmt.Sprintf("Filler %02d", i), Email: fmt.Sprintf("f%02d@acme.example", i), Role: client.UserRoleLearner}); err != nil {
			t.Fatal(err)
		}
	}
	const total = 26 // 3 named + 20 fillers + admin, learner, manager

	t.Run("substring on name or email, case-insensitive", func(t *testing.T) {
		for _, c := range []struct{ query, want string }{
			{"sarah", "Kyle Reese,Sarah Connor"}, // Kyle by email; never globex's Sarah
			{"SARAH", "Kyle Reese,Sarah Connor"},
			{"connor", "John Connor,Sarah Connor"},
			{"acme.EXAMPLE", ""}, // checked by count below
			{"nobody-matches", ""},
		} {
			page, err := manager.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Query: e2ePtr(c.query), Limit: e2ePtr(50)})
			if err != nil {
				t.Fatalf("find %q: %v", c.query, err)
			}
			if c.query == "acme.EXAMPLE" {
				if len(page.Data) != total {
					t.Errorf("find %q: %d users, want %d", c.query, len(page.Data), total)
				}
				continue
			}
			if got := peopleNames(page.Data); got != c.want {
				t.Errorf("find %q = %q, want %q", c.query, got, c.want)
			}
		}
		page, err := other.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Query: e2ePtr("connor")})
		if err != nil || len(page.Data) != 0 {
			t.Errorf("another tenant finds %v (%v)", peopleNames(page.Data), err)
		}
	})

	t.Run("limit default and max, paging", func(t *testing.T) {
		page, err := admin.Client.LMS.Users.Find(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 20 || !page.HasMore || page.NextPageToken == nil {
			t.Errorf("default page: %d users, hasMore %v", len(page.Data), page.HasMore)
		}
		page, err = admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Limit: e2ePtr(50)})
		if err != nil || len(page.Data) != total || page.HasMore || page.NextPageToken != nil {
			t.Errorf("limit 50: %d users, hasMore %v (%v)", len(page.Data), page.HasMore, err)
		}
		for _, bad := range []int{0, 51} {
			_, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Limit: e2ePtr(bad)})
			e2eSdkErr(t, err, http.StatusBadRequest, fmt.Sprint("limit ", bad))
		}
		var walked []client.User
		for u, err := range admin.Client.LMS.Users.FindAll(ctx, &client.FindUsersParams{Limit: e2ePtr(7)}) {
			if err != nil {
				t.Fatal(err)
			}
			walked = append(walked, u)
		}
		if len(walked) != total {
			t.Fatalf("walked %d users, want %d", len(walked), total)
		}
		sorted := slices.IsSortedFunc(walked, func(a, b client.User) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
		if !sorted || walked[0].Name != "Filler 00" || walked[total-1].Name != "Zed Admin" {
			t.Errorf("not ordered by name: %s", peopleNames(walked))
		}
		first, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Limit: e2ePtr(2)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Limit: e2ePtr(2), PageToken: e2ePtr(*first.NextPageToken + "x")})
		e2eSdkErr(t, err, http.StatusBadRequest, "tampered page token")
		_, err = admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Limit: e2ePtr(2), Query: e2ePtr("e"), PageToken: first.NextPageToken})
		e2eSdkErr(t, err, http.StatusBadRequest, "page token with other filters")
	})

	t.Run("filters", func(t *testing.T) {
		page, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Role: e2ePtr(client.UserRoleManager)})
		if err != nil || peopleNames(page.Data) != "John Connor,Max Manager" {
			t.Errorf("role manager: %q (%v)", peopleNames(page.Data), err)
		}
		_, err = admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{GroupId: e2ePtr("grp_nope")})
		e2eSdkErr(t, err, http.StatusBadRequest, "malformed groupId")
	})

	t.Run("permission", func(t *testing.T) {
		_, err := learner.Client.LMS.Users.Find(ctx, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner finds users")
		noRead := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Subject: admin.ID, Scopes: []string{auth.ScopeWrite}})))
		_, err = noRead.LMS.Users.Find(ctx, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "write-only token finds users")
	})
}

func TestE2EPeopleUsersCreateGetPatch(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	owner := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleOwner})
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin, Name: "Ann Admin"})
	manager := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager})
	learner := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})
	stranger := peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner})
	grp, err := admin.Client.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Engineering", Kind: e2ePtr(client.GroupKindDepartment)})
	if err != nil {
		t.Fatal(err)
	}
	users := func() int { return e2eCount(t, db, `SELECT count(*) FROM users WHERE tenant_id = 'acme'`) }
	before := users()

	created, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: "Marco Rossi", Email: "Marco.Rossi@acme.example", Role: client.UserRoleManager, GroupIds: &[]string{grp.Id}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Id, "per_") || created.Name != "Marco Rossi" || created.Email != "Marco.Rossi@acme.example" ||
		created.Role != client.UserRoleManager || created.Status != client.UserStatusActive || created.Version != 1 ||
		len(created.Groups) != 1 || created.Groups[0] != (client.UserGroup{Id: grp.Id, Name: "Engineering", Kind: client.GroupKindDepartment}) ||
		created.BannedAt.IsSpecified() && !created.BannedAt.IsNull() || !e2eNear(created.CreatedAt, time.Minute) {
		t.Errorf("created %+v", created)
	}
	got, err := manager.Client.LMS.Users.Get(ctx, created.Id)
	if err != nil {
		t.Fatal(err)
	}
	e2eDiff(t, "get after create", created, got)

	raw := e2eDo(t, http.MethodPost, env.URL+"/api/v2/users", admin.Token, map[string]any{"name": "Raw", "email": "raw@acme.example", "role": "learner"}, nil)
	if raw.Status != http.StatusCreated || raw.Header.Get("ETag") != `"1"` || !strings.HasPrefix(raw.Header.Get("Location"), "/api/v2/users/per_") {
		t.Errorf("raw create: %d ETag %q Location %q", raw.Status, raw.Header.Get("ETag"), raw.Header.Get("Location"))
	}
	before += 2

	t.Run("rejected creates change nothing", func(t *testing.T) {
		cases := []struct {
			name   string
			caller peopleCaller
			body   client.UserCreate
			status int
			code   string
		}{
			{"email taken, other case", admin, client.UserCreate{Name: "X", Email: "marco.rossi@ACME.EXAMPLE", Role: client.UserRoleLearner}, 409, "email_taken"},
			{"bad email", admin, client.UserCreate{Name: "X", Email: "not an email", Role: client.UserRoleLearner}, 422, "validation_failed"},
			{"blank name", admin, client.UserCreate{Name: "   ", Email: "x1@acme.example", Role: client.UserRoleLearner}, 422, "validation_failed"},
			{"unknown group", admin, client.UserCreate{Name: "X", Email: "x2@acme.example", Role: client.UserRoleLearner, GroupIds: &[]string{"grp_01jd8x4k2m3n5p6q7r8s9t0v1w"}}, 422, "validation_failed"},
			{"group of another tenant", stranger, client.UserCreate{Name: "X", Email: "x3@acme.example", Role: client.UserRoleLearner, GroupIds: &[]string{grp.Id}}, 422, "validation_failed"},
			{"admin creates an admin", admin, client.UserCreate{Name: "X", Email: "x4@acme.example", Role: client.UserRoleAdmin}, 403, "forbidden"},
			{"owner creates an owner", owner, client.UserCreate{Name: "X", Email: "x5@acme.example", Role: client.UserRoleOwner}, 403, "forbidden"},
			{"manager lacks user_edit", manager, client.UserCreate{Name: "X", Email: "x6@acme.example", Role: client.UserRoleLearner}, 403, "forbidden"},
			{"learner", learner, client.UserCreate{Name: "X", Email: "x7@acme.example", Role: client.UserRoleLearner}, 403, "forbidden"},
		}
		for _, c := range cases {
			_, err := c.caller.Client.LMS.Users.Create(ctx, nil, c.body)
			e := e2eSdkErr(t, err, c.status, c.name)
			if e.Problem.Code == nil || *e.Problem.Code != c.code {
				t.Errorf("%s: code %v, want %s", c.name, e.Problem.Code, c.code)
			}
		}
		if n := users(); n != before {
			t.Errorf("users = %d, want %d", n, before)
		}
		if _, err := owner.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: "New Admin", Email: "new.admin@acme.example", Role: client.UserRoleAdmin}); err != nil {
			t.Errorf("owner creates an admin: %v", err)
		}
		before++
	})

	t.Run("get", func(t *testing.T) {
		self, err := learner.Client.LMS.Users.Get(ctx, learner.ID)
		if err != nil || self.Id != learner.ID || self.Role != client.UserRoleLearner {
			t.Errorf("learner reads themself: %+v %v", self, err)
		}
		_, err = learner.Client.LMS.Users.Get(ctx, created.Id)
		e2eSdkErr(t, err, http.StatusForbidden, "learner reads another user")
		_, err = stranger.Client.LMS.Users.Get(ctx, created.Id)
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant reads the user")
		_, err = admin.Client.LMS.Users.Get(ctx, stranger.ID)
		e2eSdkErr(t, err, http.StatusNotFound, "the user of another tenant")
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+created.Id, admin.Token, nil, nil)
		if r.Status != 200 || r.Header.Get("ETag") != `"1"` {
			t.Errorf("get: %d ETag %q", r.Status, r.Header.Get("ETag"))
		}
	})

	t.Run("patch", func(t *testing.T) {
		updated, err := admin.Client.LMS.Users.Update(ctx, created.Id, &client.UpdateUserParams{IfMatch: e2eIfMatch(1)}, client.UserPatch{Name: e2ePtr("Marco R."), Role: e2ePtr(client.UserRoleLearner)})
		if err != nil {
			t.Fatal(err)
		}
		if updated.Name != "Marco R." || updated.Role != client.UserRoleLearner || updated.Version != 2 || updated.Email != created.Email || len(updated.Groups) != 1 {
			t.Errorf("updated %+v", updated)
		}
		_, err = admin.Client.LMS.Users.Update(ctx, created.Id, &client.UpdateUserParams{IfMatch: e2eIfMatch(1)}, client.UserPatch{Name: e2ePtr("Stale")})
		e := e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale If-Match")
		if e.Problem.CurrentVersion == nil || *e.Problem.CurrentVersion != 2 {
			t.Errorf("current_version %v, want 2", e.Problem.CurrentVersion)
		}
		_, err = admin.Client.LMS.Users.Update(ctx, created.Id, nil, client.UserPatch{Role: e2ePtr(client.UserRoleAdmin)})
		e2eSdkErr(t, err, http.StatusForbidden, "admin promotes to admin")
		_, err = manager.Client.LMS.Users.Update(ctx, created.Id, nil, client.UserPatch{Name: e2ePtr("By manager")})
		e2eSdkErr(t, err, http.StatusForbidden, "manager edits (no user_edit)")
		_, err = stranger.Client.LMS.Users.Update(ctx, created.Id, nil, client.UserPatch{Name: e2ePtr("By stranger")})
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant edits")
		r := e2eDo(t, http.MethodPatch, env.URL+"/api/v2/users/"+created.Id, admin.Token, map[string]any{"email": "x@acme.example"}, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("patching email: %d, want 422", r.Status)
		}
		self, err := admin.Client.LMS.Users.Update(ctx, admin.ID, nil, client.UserPatch{Name: e2ePtr("Ann A. Admin")})
		if err != nil || self.Name != "Ann A. Admin" {
			t.Errorf("admin renames themself: %v", err)
		}
		_, err = admin.Client.LMS.Users.Update(ctx, admin.ID, nil, client.UserPatch{Role: e2ePtr(client.UserRoleManager)})
		e2eSdkErr(t, err, http.StatusForbidden, "admin changes their own role")
		same, err := admin.Client.LMS.Users.Update(ctx, created.Id, nil, client.UserPatch{Name: e2ePtr("Marco R.")})
		if err != nil || same.Version != 2 {
			t.Errorf("no-op patch: version %d (%v), want 2", same.Version, err)
		}
		stored, err := admin.Client.LMS.Users.Get(ctx, created.Id)
		if err != nil || stored.Name != "Marco R." || stored.Role != client.UserRoleLearner || stored.Version != 2 {
			t.Errorf("stored after rejected patches: %+v %v", stored, err)
		}
	})

	t.Run("audit", func(t *testing.T) {
		rows := peopleAudit(t, db, created.Id)
		if peopleActions(rows) != "user.create,user.update" {
			t.Fatalf("audit actions %q", peopleActions(rows))
		}
		c, u := rows[0], rows[1]
		peopleActor(t, c, admin.ID)
		if c.Before != nil || c.After["email"] != "Marco.Rossi@acme.example" || c.After["role"] != "manager" || c.TargetType != "user" {
			t.Errorf("create entry: %+v", c)
		}
		if u.Before["name"] != "Marco Rossi" || u.Before["role"] != "manager" || u.After["name"] != "Marco R." || u.After["role"] != "learner" ||
			u.Before["version"] != float64(1) || u.After["version"] != float64(2) {
			t.Errorf("update entry: before %v after %v", u.Before, u.After)
		}
	})
}
