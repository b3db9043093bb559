package server_test

// End-to-end tests of the people operations (users; groups and keys in their own files):
// through the generated SDK against the real server and PostgreSQL.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// peopleCaller is a fixture user (a users row and a JWT) with its SDK client.
type peopleCaller struct {
	servertest.User
	Client *sdk.Client
}

func peopleSDK(t *testing.T, env *servertest.Env, opts ...sdk.Option) *sdk.Client {
	t.Helper()
	c, err := sdk.New(env.URL, append([]sdk.Option{sdk.WithMaxRetries(0)}, opts...)...)
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

func peopleUser(t *testing.T, env *servertest.Env, spec servertest.UserSpec) peopleCaller {
	t.Helper()
	u := env.User(t, spec)
	return peopleCaller{User: u, Client: peopleSDK(t, env, sdk.WithToken(u.Token))}
}

// peopleAuditRow is one audit_log entry.
type peopleAuditRow struct {
	Action, TargetType, Surface string
	ActorID                     *string
	Before, After               map[string]any
}

// peopleAudit reads the audit entries about target (a TypeID), oldest first.
func peopleAudit(t *testing.T, db *pgx.Conn, target string) []peopleAuditRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action, target_type, surface, actor_id::text, before, after FROM audit_log WHERE target_id = $1 ORDER BY created_at, id`, target)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (peopleAuditRow, error) {
		var a peopleAuditRow
		var before, after []byte
		if err := r.Scan(&a.Action, &a.TargetType, &a.Surface, &a.ActorID, &before, &after); err != nil {
			return a, err
		}
		for _, p := range []struct {
			b  []byte
			to *map[string]any
		}{{before, &a.Before}, {after, &a.After}} {
			if p.b != nil {
				if err := json.Unmarshal(p.b, p.to); err != nil {
					return a, err
				}
			}
		}
		return a, nil
	})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return out
}

func peopleActions(rows []peopleAuditRow) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Action
	}
	return strings.Join(out, ",")
}

// peopleActor checks an audit entry was written by the person id actor (per_…).
func peopleActor(t *testing.T, a peopleAuditRow, actor string) {
	t.Helper()
	u, err := typeid.Parse(typeid.Person, actor)
	if err != nil {
		t.Fatal(err)
	}
	if a.ActorID == nil || *a.ActorID != u.String() || a.Surface != "api" {
		t.Errorf("%s: actor %v surface %s, want %s api", a.Action, a.ActorID, a.Surface, u)
	}
}

func peopleNames(us []client.User) string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return strings.Join(out, ",")
}

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

func TestE2EPeopleUsersHierarchy(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	roles := []auth.Role{auth.RoleOwner, auth.RoleAdmin, auth.RoleManager, auth.RoleLearner}
	callers := map[auth.Role]peopleCaller{}
	for _, r := range roles {
		callers[r] = peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: r})
	}
	type action struct {
		name   string
		perm   auth.Permission
		banned bool // the target starts banned
		do     func(ctx context.Context, c *sdk.Client, target string, targetRole auth.Role) error
		landed func(st, email, role string, targetRole auth.Role) bool // whether the change is stored
	}
	stored := func(t *testing.T, id string) (st, email, role string) {
		t.Helper()
		u, _ := typeid.Parse(typeid.Person, id)
		if err := db.QueryRow(context.Background(), `SELECT status, email, role FROM users WHERE id = $1`, u).Scan(&st, &email, &role); err != nil {
			t.Fatal(err)
		}
		return
	}
	// A role change moves the target to a role every caller able to act outranks.
	newRole := func(target auth.Role) auth.Role {
		if target == auth.RoleLearner {
			return auth.RoleManager
		}
		return auth.RoleLearner
	}
	actions := []action{
		{name: "ban", perm: auth.PermUserBan,
			do: func(ctx context.Context, c *sdk.Client, target string, _ auth.Role) error {
				_, err := c.LMS.Users.Ban(ctx, client.UserBan{UserId: target})
				return err
			},
			landed: func(st, _, _ string, _ auth.Role) bool { return st == "banned" }},
		{name: "unban", perm: auth.PermUserBan, banned: true,
			do: func(ctx context.Context, c *sdk.Client, target string, _ auth.Role) error {
				_, err := c.LMS.Users.Unban(ctx, target)
				return err
			},
			landed: func(st, _, _ string, _ auth.Role) bool { return st == "active" }},
		{name: "email change", perm: auth.PermUserEdit,
			do: func(ctx context.Context, c *sdk.Client, target string, _ auth.Role) error {
				_, err := c.LMS.Users.ChangeEmail(ctx, target, client.UserEmailChange{Email: "moved." + strings.ToLower(target[len(target)-10:]) + "@acme.example"})
				return err
			},
			landed: func(_, email, _ string, _ auth.Role) bool { return strings.HasPrefix(email, "moved.") }},
		{name: "role change", perm: auth.PermUserEdit,
			do: func(ctx context.Context, c *sdk.Client, target string, tr auth.Role) error {
				_, err := c.LMS.Users.Update(ctx, target, nil, client.UserPatch{Role: e2ePtr(client.UserRole(newRole(tr)))})
				return err
			},
			landed: func(_, _, role string, tr auth.Role) bool { return role == string(newRole(tr)) }},
	}
	for _, a := range actions {
		for _, caller := range roles {
			for _, target := range roles {
				t.Run(fmt.Sprintf("%s/%s on %s", a.name, caller, target), func(t *testing.T) {
					ctx := e2eCtx(t)
					tu := env.User(t, servertest.UserSpec{Tenant: "acme", Role: target, Banned: a.banned})
					err := a.do(ctx, callers[caller].Client, tu.ID, target)
					allowed := caller.Can(a.perm) && caller.Above(target)
					st, email, role := stored(t, tu.ID)
					landed := a.landed(st, email, role, target)
					if allowed {
						if err != nil {
							t.Fatalf("allowed, got %v", err)
						}
						if !landed {
							t.Error("answered 200 but nothing changed")
						}
						return
					}
					e2eSdkErr(t, err, http.StatusForbidden, "refused")
					if landed {
						t.Error("refused, yet the change landed")
					}
				})
			}
		}
	}
}

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

	banned, err := admin.Client.LMS.Users.Ban(ctx, client.UserBan{UserId: u.ID})
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
	again, err := admin.Client.LMS.Users.Ban(ctx, client.UserBan{UserId: u.ID})
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

	active, err := admin.Client.LMS.Users.Unban(ctx, u.ID)
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

func TestE2EPeopleUsersEmailChange(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	maria := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Name: "Maria", Email: "maria@acme.example"})
	peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Email: "taken@acme.example"})
	outbox := func(addr string) int {
		return e2eCount(t, db, `SELECT count(*) FROM mail_outbox WHERE tenant_id = 'acme' AND kind = 'email_change' AND lower(to_addr) = lower($1)`, addr)
	}

	_, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "TAKEN@acme.example"})
	if e := e2eSdkErr(t, err, http.StatusConflict, "taken address"); e.Problem.Code == nil || *e.Problem.Code != "email_taken" {
		t.Errorf("code %v, want email_taken", e.Problem.Code)
	}
	_, err = admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "maria.gomez@"})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "bad address")
	_, err = peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner}).Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "x@globex.example"})
	e2eSdkErr(t, err, http.StatusNotFound, "another tenant")
	if n := e2eCount(t, db, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("rejected changes queued %d mails", n)
	}

	moved, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "maria.gomez@acme.example"})
	if err != nil || moved.Email != "maria.gomez@acme.example" || moved.Version != 2 {
		t.Fatalf("change: %+v %v", moved, err)
	}
	if outbox("maria@acme.example") != 1 || outbox("maria.gomez@acme.example") != 1 {
		t.Errorf("notices: old %d new %d, want 1 and 1", outbox("maria@acme.example"), outbox("maria.gomez@acme.example"))
	}
	var subject, body string
	if err := db.QueryRow(context.Background(), `SELECT subject, body FROM mail_outbox WHERE to_addr = 'maria@acme.example'`).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "maria@acme.example") || !strings.Contains(body, "maria.gomez@acme.example") || subject == "" {
		t.Errorf("notice %q: %q", subject, body)
	}
	if _, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "maria.gomez@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM mail_outbox`); n != 2 {
		t.Errorf("the same address again queued mail: %d rows", n)
	}
	// A user may change their own address only with user_edit; a learner may not.
	_, err = maria.Client.LMS.Users.ChangeEmail(ctx, maria.ID, client.UserEmailChange{Email: "m@acme.example"})
	e2eSdkErr(t, err, http.StatusForbidden, "learner changes own email")
	if _, err := admin.Client.LMS.Users.ChangeEmail(ctx, admin.ID, client.UserEmailChange{Email: "admin.new@acme.example"}); err != nil {
		t.Errorf("admin changes own email: %v", err)
	}
	rows := peopleAudit(t, db, maria.ID)
	if peopleActions(rows) != "user.email_change" || rows[0].Before["email"] != "maria@acme.example" || rows[0].After["email"] != "maria.gomez@acme.example" {
		t.Errorf("audit %+v", rows)
	}
}
