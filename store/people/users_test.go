package people_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

func usersMust(t *testing.T, st *store.Store, ctx context.Context, name, email, role string) *people.User {
	t.Helper()
	u, err := people.New(st).Users().Create(ctx, people.NewUser{Name: name, Email: email, Role: role})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func usersNames(us []people.User) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name
	}
	return strings.Join(names, ",")
}

func TestUsersFindSubstringAndPaging(t *testing.T) {
	t.Parallel()
	st, _ := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	for _, u := range [][2]string{
		{"Sarah Connor", "sarah@acme.example"}, {"John Connor", "jc@skynet.example"}, {"Kyle Reese", "kyle.SARAH@acme.example"},
		{"Miles Dyson", "miles@cyberdyne.example"}, {"percent 100%", "p@acme.example"}, {"under_score", "u@acme.example"},
	} {
		usersMust(t, st, ctx, u[0], u[1], "learner")
	}
	usersMust(t, st, storetest.As("other", "", auth.RoleAdmin), "Sarah Other", "sarah@other.example", "learner")

	cases := []struct{ query, want string }{
		{"sarah", "Kyle Reese,Sarah Connor"}, // name or email, case-insensitively; ordered by name
		{"CONNOR", "John Connor,Sarah Connor"},
		{"skynet", "John Connor"},
		{"%", "percent 100%"}, // LIKE wildcards are literal
		{"_", "under_score"},
		{"nobody", ""},
	}
	for _, c := range cases {
		page, err := people.New(st).Users().Find(ctx, people.UserQuery{Query: c.query, Limit: 20})
		if err != nil {
			t.Fatalf("find %q: %v", c.query, err)
		}
		if got := usersNames(page.Items); got != c.want {
			t.Errorf("find %q = %q, want %q", c.query, got, c.want)
		}
		if page.Next != nil {
			t.Errorf("find %q: a next page after everything", c.query)
		}
	}

	var all []string
	q := people.UserQuery{Limit: 4}
	for pages := 0; ; pages++ {
		page, err := people.New(st).Users().Find(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, usersNames(page.Items))
		if page.Next == nil {
			break
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		q.After = page.Next
	}
	if got := strings.Join(all, "|"); got != "John Connor,Kyle Reese,Miles Dyson,percent 100%|Sarah Connor,under_score" {
		t.Errorf("pages = %q", got)
	}
}

func TestUsersCreateRulesAndAudit(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	g, err := people.New(st).Groups().Create(ctx, people.NewGroup{Name: "Warehouse", Kind: "department"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := people.New(st).Users().Create(ctx, people.NewUser{Name: "  Ada  ", Email: "Ada@Acme.example", Role: "manager", GroupIDs: []uuid.UUID{g.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Ada" || u.Status != people.UserActive || u.Version != 1 || len(u.Groups) != 1 || u.Groups[0].Name != "Warehouse" {
		t.Errorf("created %+v", u)
	}
	if _, err := people.New(st).Users().Create(ctx, people.NewUser{Name: "Ada 2", Email: "ada@ACME.example", Role: "learner"}); !errors.Is(err, people.ErrEmailTaken) {
		t.Errorf("same email in other case: %v, want ErrEmailTaken", err)
	}
	if _, err := people.New(st).Users().Create(storetest.As("other", "", auth.RoleAdmin), people.NewUser{Name: "Ada", Email: "ada@acme.example", Role: "learner"}); err != nil {
		t.Errorf("same email in another tenant: %v", err)
	}
	var ve *store.ValidationError
	_, err = people.New(st).Users().Create(ctx, people.NewUser{Name: " ", Email: "not-an-email", Role: "learner", GroupIDs: []uuid.UUID{uuid.Must(uuid.NewV7())}})
	if !errors.As(err, &ve) || len(ve.Fields) != 3 {
		t.Fatalf("invalid create: %v", err)
	}
	for i, want := range []string{"/name", "/email", "/groupIds/0"} {
		if ve.Fields[i].Pointer != want {
			t.Errorf("field %d = %s, want %s", i, ve.Fields[i].Pointer, want)
		}
	}
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE tenant_id = 'acme'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users in acme = %d (%v), want 1", n, err)
	}
	var action, target string
	var after []byte
	err = db.QueryRow(context.Background(), `SELECT action, target_id, after FROM audit_log WHERE tenant_id = 'acme' AND target_type = 'user'`).Scan(&action, &target, &after)
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Email    string   `json:"email"`
		Role     string   `json:"role"`
		GroupIDs []string `json:"groupIds"`
	}
	if err := json.Unmarshal(after, &view); err != nil {
		t.Fatal(err)
	}
	if action != "user.create" || target != typeid.Format(typeid.Person, u.ID) || view.Email != "Ada@Acme.example" || view.Role != "manager" ||
		len(view.GroupIDs) != 1 || view.GroupIDs[0] != typeid.Format(typeid.Group, g.ID) {
		t.Errorf("audit %s %s %s", action, target, after)
	}
	var assigned int // joining the group fired the assignment trigger (no group courses yet: none)
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM group_members WHERE user_id = $1`, u.ID).Scan(&assigned); err != nil || assigned != 1 {
		t.Errorf("memberships = %d (%v)", assigned, err)
	}
}

func TestUsersBanUnbanEmailChange(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	u := usersMust(t, st, ctx, "Marco", "marco@acme.example", "learner")

	refuse := errors.New("refused")
	if _, _, err := people.New(st).Users().Ban(ctx, u.ID, func(*people.User) error { return refuse }); !errors.Is(err, refuse) {
		t.Fatalf("check error = %v, want it back", err)
	}
	banned, changed, err := people.New(st).Users().Ban(ctx, u.ID, nil)
	if err != nil || !changed || banned.Status != people.UserBanned || banned.BannedAt == nil || banned.Version != 2 {
		t.Fatalf("ban: %+v %v %v", banned, changed, err)
	}
	again, changed, err := people.New(st).Users().Ban(ctx, u.ID, nil)
	if err != nil || changed || again.Version != 2 {
		t.Errorf("ban again: changed %v version %d %v", changed, again.Version, err)
	}
	c, err := st.ResolveCaller(context.Background(), "acme", u.ID, "")
	if err != nil || !c.Banned {
		t.Errorf("resolve banned caller: %+v %v", c, err)
	}
	active, changed, err := people.New(st).Users().Unban(ctx, u.ID, nil)
	if err != nil || !changed || active.Status != people.UserActive || active.BannedAt != nil || active.Version != 3 {
		t.Fatalf("unban: %+v %v %v", active, changed, err)
	}
	if _, changed, _ := people.New(st).Users().Unban(ctx, u.ID, nil); changed {
		t.Error("unbanning an active user changed it")
	}

	usersMust(t, st, ctx, "Maria", "maria@acme.example", "learner")
	if _, _, err := people.New(st).Users().ChangeEmail(ctx, u.ID, "MARIA@acme.example", nil); !errors.Is(err, people.ErrEmailTaken) {
		t.Errorf("taken email: %v", err)
	}
	moved, changed, err := people.New(st).Users().ChangeEmail(ctx, u.ID, "marco.rossi@acme.example", nil)
	if err != nil || !changed || moved.Email != "marco.rossi@acme.example" {
		t.Fatalf("change email: %+v %v", moved, err)
	}
	rows, err := db.Query(context.Background(), `SELECT to_addr, kind FROM mail_outbox WHERE tenant_id = 'acme' ORDER BY to_addr`)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var to, kind string
		err := r.Scan(&to, &kind)
		return kind + ":" + to, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(mails, ","); got != "email_change:marco.rossi@acme.example,email_change:marco@acme.example" {
		t.Errorf("outbox = %s", got)
	}
	if _, changed, _ := people.New(st).Users().ChangeEmail(ctx, u.ID, "marco.rossi@acme.example", nil); changed {
		t.Error("the same address again changed something")
	}

	rows, err = db.Query(context.Background(), `SELECT action FROM audit_log WHERE tenant_id = 'acme' AND target_id = $1 ORDER BY created_at, id`, typeid.Format(typeid.Person, u.ID))
	if err != nil {
		t.Fatal(err)
	}
	actions, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(actions, ","); got != "user.create,user.ban,user.unban,user.email_change" {
		t.Errorf("audit actions = %s", got)
	}
}

func TestUsersTenantOperator(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	ctx := context.Background()
	tn, owner, err := people.New(st).Tenants().CreateTenant(ctx, people.NewTenant{ID: "globex", Name: "Globex",
		Licence:    auth.Licence{Tier: auth.TierBusiness, MCPAccess: auth.MCPFull, MCPAIAccess: true},
		OwnerEmail: "hank@globex.example", OwnerName: "Hank Scorpio"})
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name != "Globex" || tn.Licence != (auth.Licence{Tier: auth.TierBusiness, MCPAccess: auth.MCPFull, MCPAIAccess: true}) || owner == nil || owner.Role != "owner" {
		t.Fatalf("created %+v owner %+v", tn, owner)
	}
	if _, _, err := people.New(st).Tenants().CreateTenant(ctx, people.NewTenant{ID: "globex"}); !errors.Is(err, people.ErrTenantExists) {
		t.Errorf("second create: %v", err)
	}
	var ve *store.ValidationError
	if _, _, err := people.New(st).Tenants().CreateTenant(ctx, people.NewTenant{ID: "bad id", Licence: auth.Licence{Tier: "gold"}}); !errors.As(err, &ve) || len(ve.Fields) != 2 {
		t.Errorf("invalid create: %v", err)
	}
	ent, none := auth.TierEnterprise, false
	tn, err = people.New(st).Tenants().SetLicence(ctx, "globex", people.LicenceChange{Tier: &ent, MCPAIAccess: &none})
	if err != nil || tn.Licence != (auth.Licence{Tier: auth.TierEnterprise, MCPAccess: auth.MCPFull}) {
		t.Fatalf("set licence: %+v %v", tn, err)
	}
	got, err := people.New(st).Tenants().Current(storetest.As("globex", "", auth.RoleLearner))
	if err != nil || got.Licence.Tier != auth.TierEnterprise || got.Name != "Globex" {
		t.Errorf("current: %+v %v", got, err)
	}
	fresh, err := people.New(st).Tenants().Current(storetest.As("initech", "", auth.RoleLearner))
	if err != nil || fresh.Name != "initech" || fresh.Licence != (auth.Licence{Tier: auth.TierStarter, MCPAccess: auth.MCPNone}) || fresh.CreatedAt != nil {
		t.Errorf("tenant without a row: %+v %v", fresh, err)
	}
	// The owner is a real user who can sign in: the caller lookup finds them.
	c, err := st.ResolveCaller(ctx, "globex", owner.ID, "")
	if err != nil || !c.Known || c.Role != auth.RoleOwner || c.Licence.Tier != auth.TierEnterprise {
		t.Errorf("owner caller: %+v %v", c, err)
	}
	rows, err := db.Query(ctx, `SELECT action || ':' || surface || ':' || coalesce(actor_id::text, '-') FROM audit_log WHERE tenant_id = 'globex' ORDER BY created_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	actions, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(actions, ","); got != "tenant.create:system:-,user.create:system:-,tenant.licence:system:-" {
		t.Errorf("audit = %s", got)
	}
}

func TestUsersKeysLifecycle(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	u := usersMust(t, st, ctx, "Key Owner", "keys@acme.example", "manager")
	k, secret, err := people.New(st).Keys().Create(ctx, u.ID, people.NewAPIKey{Name: "agent", Scopes: []string{"write", "read", "write"}})
	if err != nil {
		t.Fatal(err)
	}
	if !store.LooksLikeAPIKey(secret) || k.Hint != secret[len(secret)-4:] || strings.Join(k.Scopes, " ") != "read write" {
		t.Fatalf("key %+v secret %q", k, secret)
	}
	if _, err := st.AuthenticateKey(context.Background(), secret); !errors.Is(err, store.ErrInvalidKey) {
		t.Fatalf("a key of a tenant that does not exist: %v, want ErrInvalidKey", err)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO tenants (id, name) VALUES ('acme', 'Acme') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	kc, err := st.AuthenticateKey(context.Background(), secret)
	if err != nil || kc.Principal.PersonID != u.ID || kc.Principal.Role != auth.RoleManager || kc.Principal.KeyID != typeid.Format(typeid.APIKey, k.ID) {
		t.Fatalf("authenticate: %+v %v", kc.Principal, err)
	}
	for i := range 3 {
		if _, _, err := people.New(st).Keys().Create(ctx, u.ID, people.NewAPIKey{Name: fmt.Sprint("more ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := people.New(st).Keys().List(ctx, u.ID, 3, nil)
	if err != nil || len(page.Items) != 3 || page.Next == nil || page.Items[0].Name != "more 2" {
		t.Fatalf("list: %+v %v", page, err)
	}
	page, err = people.New(st).Keys().List(ctx, u.ID, 3, page.Next)
	if err != nil || len(page.Items) != 1 || page.Next != nil || page.Items[0].ID != k.ID || page.Items[0].LastUsedAt == nil {
		t.Fatalf("list page 2: %+v %v", page, err)
	}
	if _, _, err := people.New(st).Users().Ban(ctx, u.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AuthenticateKey(context.Background(), secret); !errors.Is(err, store.ErrBanned) {
		t.Errorf("banned user's key: %v", err)
	}
	if _, _, err := people.New(st).Users().Unban(ctx, u.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, changed, err := people.New(st).Keys().Revoke(ctx, k.ID, nil); err != nil || !changed {
		t.Fatalf("revoke: %v %v", changed, err)
	}
	if _, changed, err := people.New(st).Keys().Revoke(ctx, k.ID, nil); err != nil || changed {
		t.Errorf("revoke again: %v %v", changed, err)
	}
	if _, err := st.AuthenticateKey(context.Background(), secret); !errors.Is(err, store.ErrInvalidKey) {
		t.Errorf("revoked key: %v", err)
	}
	if _, _, err := people.New(st).Keys().Revoke(storetest.As("other", "", auth.RoleOwner), k.ID, nil); !learning.IsNotFound(err) {
		t.Errorf("revoke across tenants: %v", err)
	}
	var audit string
	err = db.QueryRow(context.Background(), `SELECT string_agg(action || ' ' || coalesce(before::text, '-') || ' ' || coalesce(after::text, '-'), E'\n' ORDER BY created_at, id) FROM audit_log WHERE target_type = 'api_key' AND target_id = $1`, typeid.Format(typeid.APIKey, k.ID)).Scan(&audit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(audit, secret) || strings.Contains(audit, "hash") || strings.Count(audit, "\n") != 1 ||
		!strings.HasPrefix(audit, "api_key.create - ") || !strings.Contains(audit, "api_key.revoke ") {
		t.Errorf("audit:\n%s", audit)
	}
	var ve *store.ValidationError
	if _, _, err := people.New(st).Keys().Create(ctx, u.ID, people.NewAPIKey{Name: "x", Scopes: []string{"admin"}, AppID: new(string)}); !errors.As(err, &ve) || len(ve.Fields) != 2 {
		t.Errorf("invalid key: %v", err)
	}
}

func TestUsersGroupMembers(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleManager)
	g, err := people.New(st).Groups().Create(ctx, people.NewGroup{Name: "Team A"})
	if err != nil || g.Kind != "team" {
		t.Fatalf("create: %+v %v", g, err)
	}
	a := usersMust(t, st, ctx, "Bea", "bea@acme.example", "learner")
	b := usersMust(t, st, ctx, "al", "al@acme.example", "learner")
	res, err := people.New(st).Groups().AddMembers(ctx, g.ID, []uuid.UUID{a.ID, b.ID, a.ID})
	if err != nil || len(res.Added) != 2 || len(res.AlreadyMembers) != 0 || res.MemberCount != 2 {
		t.Fatalf("add: %+v %v", res, err)
	}
	res, err = people.New(st).Groups().AddMembers(ctx, g.ID, []uuid.UUID{a.ID})
	if err != nil || len(res.Added) != 0 || len(res.AlreadyMembers) != 1 || res.MemberCount != 2 {
		t.Fatalf("add again: %+v %v", res, err)
	}
	var ve *store.ValidationError
	if _, err := people.New(st).Groups().AddMembers(ctx, g.ID, []uuid.UUID{a.ID, uuid.Must(uuid.NewV7())}); !errors.As(err, &ve) || ve.Fields[0].Pointer != "/userIds/1" {
		t.Errorf("unknown user: %v", err)
	}
	page, err := people.New(st).Groups().Members(ctx, g.ID, 1, nil)
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "al" || page.Next == nil {
		t.Fatalf("members: %+v %v", page, err)
	}
	page, err = people.New(st).Groups().Members(ctx, g.ID, 1, page.Next)
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "Bea" || page.Next != nil {
		t.Fatalf("members page 2: %+v %v", page, err)
	}
	if err := people.New(st).Groups().RemoveMember(ctx, g.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := people.New(st).Groups().RemoveMember(ctx, g.ID, b.ID); !learning.IsNotFound(err) {
		t.Errorf("remove again: %v", err)
	}
	if err := people.New(st).Groups().Delete(ctx, g.ID, new(int)); err == nil {
		t.Error("delete with a stale version succeeded")
	}
	if err := people.New(st).Groups().Delete(ctx, g.ID, nil); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(context.Background(), `SELECT count(*) FROM group_members WHERE group_id = $1`, g.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("memberships left: %d %v", n, err)
	}
	if _, err := people.New(st).Groups().Members(ctx, g.ID, 10, nil); !learning.IsNotFound(err) {
		t.Errorf("members of a deleted group: %v", err)
	}
}
