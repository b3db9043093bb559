package people_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
)

// scimCtx is a provisioning caller of tenant: no person, surface scim.
func scimCtx(tenant string) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{TenantID: tenant, Role: auth.RoleAdmin,
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: auth.SurfaceSCIM})
}

func provisionMust(t *testing.T, p *people.ProvisionRepo, ctx context.Context, email string, attrs map[string]string) *people.ProvisionedUser {
	t.Helper()
	u, err := p.CreateUser(ctx, people.Profile{Email: email, Name: email, Active: true, Attributes: attrs})
	if err != nil {
		t.Fatalf("provision %s: %v", email, err)
	}
	return u
}

func TestProvisionFilters(t *testing.T) {
	t.Parallel()
	st, _ := storetest.OpenWithConn(t)
	ctx := scimCtx("acme")
	p := people.New(st).Provisioning()
	provisionMust(t, p, ctx, "ann@acme.example", map[string]string{"department": "Sales", "title": "Rep"})
	provisionMust(t, p, ctx, "bob@acme.example", map[string]string{"department": "Sales_Ops"})
	provisionMust(t, p, ctx, "cy@other.example", map[string]string{"employeeNumber": "7"})
	provisionMust(t, p, scimCtx("globex"), "ann@globex.example", map[string]string{"department": "Sales"})

	leaf := func(op people.FilterOp, attr, v string) *people.Filter {
		return &people.Filter{Op: op, Attr: attr, Value: v}
	}
	cases := []struct {
		name string
		f    *people.Filter
		want int
	}{
		{"eq is case-insensitive", leaf(people.FilterEq, "userName", "ANN@acme.example"), 1},
		{"co", leaf(people.FilterCo, "email", "acme"), 2},
		{"sw", leaf(people.FilterSw, "userName", "b"), 1},
		{"ew", leaf(people.FilterEw, "email", ".example"), 3},
		{"underscore is literal", leaf(people.FilterCo, "department", "s_o"), 1},
		{"attribute eq", leaf(people.FilterEq, "department", "sales"), 1},
		{"attribute pr", leaf(people.FilterPr, "employeeNumber", ""), 1},
		{"ne", leaf(people.FilterNe, "department", "Sales"), 2},
		{"active", leaf(people.FilterEq, "active", "true"), 3},
		{"id not an id", leaf(people.FilterEq, "id", "nope"), 0},
		{"or", &people.Filter{Op: people.FilterOr, Left: leaf(people.FilterEq, "title", "rep"), Right: leaf(people.FilterSw, "email", "cy")}, 2},
		{"and not", &people.Filter{Op: people.FilterAnd, Left: leaf(people.FilterCo, "email", "acme"),
			Right: &people.Filter{Op: people.FilterNot, Left: leaf(people.FilterSw, "email", "ann")}}, 1},
	}
	for _, c := range cases {
		_, total, err := p.FindUsers(ctx, people.ProvisionQuery{Filter: c.f, Limit: 10})
		if err != nil || total != c.want {
			t.Errorf("%s: %d (%v), want %d", c.name, total, err, c.want)
		}
	}
	for _, f := range []*people.Filter{leaf(people.FilterEq, "password", "x"), leaf("gt", "userName", "a"), leaf(people.FilterCo, "active", "t")} {
		if _, _, err := p.FindUsers(ctx, people.ProvisionQuery{Filter: f, Limit: 10}); !errors.Is(err, people.ErrUnsupportedFilter) {
			t.Errorf("%+v: %v, want ErrUnsupportedFilter", f, err)
		}
	}
}

func TestProvisionChangeIsAtomic(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := scimCtx("acme")
	p := people.New(st).Provisioning()
	provisionMust(t, p, ctx, "taken@acme.example", nil)
	u := provisionMust(t, p, ctx, "me@acme.example", nil)
	// A new name, a ban and an email address that is taken: nothing of it is stored.
	_, err := p.ChangeUser(ctx, u.ID, func(pr *people.Profile) error {
		pr.Name, pr.Active, pr.Email = "Renamed", false, "TAKEN@acme.example"
		return nil
	})
	if !errors.Is(err, people.ErrEmailTaken) {
		t.Fatalf("change: %v", err)
	}
	var name, status string
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT name, status, (SELECT count(*) FROM audit_log WHERE target_id LIKE 'per_%' AND action <> 'user.create') FROM users WHERE id = $1`, u.ID).Scan(&name, &status, &n); err != nil {
		t.Fatal(err)
	}
	if name != "me@acme.example" || status != "active" || n != 0 {
		t.Errorf("after a failed change: name %q status %q, %d audit rows", name, status, n)
	}
	// Attributes learnd does not keep are refused.
	_, err = p.ChangeUser(ctx, u.ID, func(pr *people.Profile) error { pr.Attributes["shoeSize"] = "44"; return nil })
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("unknown attribute: %v", err)
	}
}

func TestProvisionOwnerAndDeprovision(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	admin := storetest.As("acme", "", auth.RoleOwner)
	owner := usersMust(t, st, admin, "Olive Owner", "olive@acme.example", "owner")
	ctx := scimCtx("acme")
	p := people.New(st).Provisioning()
	if _, err := p.ChangeUser(ctx, owner.ID, func(pr *people.Profile) error { pr.Active = false; return nil }); !errors.Is(err, people.ErrOwnerProvisioning) {
		t.Errorf("deactivate owner: %v", err)
	}
	if err := p.DeprovisionUser(ctx, owner.ID); !errors.Is(err, people.ErrOwnerProvisioning) {
		t.Errorf("deprovision owner: %v", err)
	}
	u := provisionMust(t, p, ctx, "leaver@acme.example", nil)
	if err := p.DeprovisionUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetUser(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get deprovisioned: %v", err)
	}
	// Unbanning in learnd brings the user back to provisioning too.
	if _, _, err := people.New(st).Users().Unban(admin, u.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := p.GetUser(ctx, u.ID); err != nil || got.Status != people.UserActive || got.DeprovisionedAt != nil {
		t.Errorf("after unban: %+v (%v)", got, err)
	}
	// The attributes column holds an object of strings, whoever writes it.
	_, err := conn.Exec(context.Background(), `UPDATE users SET attributes = '{"department": 1}' WHERE id = $1`, u.ID)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23514" {
		t.Errorf("attributes of the wrong shape: %v, want a check violation", err)
	}
}

// A deprovisioned member is not shown in a group, and a provider's replace of the
// members leaves their membership (and the history it carries) alone.
func TestProvisionGroupHidesDeprovisioned(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := scimCtx("acme")
	p := people.New(st).Provisioning()
	stay, leave := provisionMust(t, p, ctx, "stay@acme.example", nil), provisionMust(t, p, ctx, "leave@acme.example", nil)
	g, err := p.CreateGroup(ctx, people.GroupProfile{Name: "Team", Members: []uuid.UUID{stay.ID, leave.ID}})
	if err != nil || len(g.Members) != 2 {
		t.Fatalf("create: %+v (%v)", g, err)
	}
	if err := p.DeprovisionUser(ctx, leave.ID); err != nil {
		t.Fatal(err)
	}
	g, err = p.ChangeGroup(ctx, g.ID, func(gp *people.GroupProfile) error { gp.Members = []uuid.UUID{stay.ID}; return nil })
	if err != nil || len(g.Members) != 1 || g.Members[0].ID != stay.ID {
		t.Fatalf("change: %+v (%v)", g, err)
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM group_members WHERE group_id = $1`, g.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("stored memberships %d (%v), want 2", n, err)
	}
}
