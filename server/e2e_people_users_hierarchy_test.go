package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

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
				_, err := c.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: target})
				return err
			},
			landed: func(st, _, _ string, _ auth.Role) bool { return st == "banned" }},
		{name: "unban", perm: auth.PermUserBan, banned: true,
			do: func(ctx context.Context, c *sdk.Client, target string, _ auth.Role) error {
				_, err := c.LMS.Users.Unban(ctx, target, nil)
				return err
			},
			landed: func(st, _, _ string, _ auth.Role) bool { return st == "active" }},
		{name: "email change", perm: auth.PermUserEdit,
			do: func(ctx context.Context, c *sdk.Client, target string, _ auth.Role) error {
				_, err := c.LMS.Users.ChangeEmail(ctx, target, nil, client.UserEmailChange{Email: "moved." + strings.ToLower(target[len(target)-10:]) + "@acme.example"})
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
