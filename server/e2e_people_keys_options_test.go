package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EKeyOptions: keys created read-only or pseudonymising show their options on
// create and list; a read-only key's writes are refused with the missing-scope wording and
// change nothing, a bad combination is a 422 at /scopes; a pseudonymising key is refused
// by the API itself (only /mcp serves it) and cannot be exchanged for a token.
func TestE2EKeyOptions(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "keyopts", Role: auth.RoleAdmin})
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}

	ro, err := admin.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "reporting agent", ReadOnly: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := admin.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "pseudonymous agent", Scopes: &rw, Pseudonymise: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := admin.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "plain", Scopes: &rw})
	if err != nil {
		t.Fatal(err)
	}
	if !ro.ReadOnly || ro.Pseudonymise || !slices.Equal(ro.Scopes, []client.APIKeyScope{client.APIKeyScopeRead}) || ps.ReadOnly || !ps.Pseudonymise || plain.ReadOnly || plain.Pseudonymise {
		t.Fatalf("created: read-only %+v, pseudonymise %+v, plain %+v", ro, ps, plain)
	}
	page, err := admin.Client.LMS.Keys.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]bool{}
	for _, k := range page.Data {
		got[k.Name] = [2]bool{k.ReadOnly, k.Pseudonymise}
	}
	if got["reporting agent"] != [2]bool{true, false} || got["pseudonymous agent"] != [2]bool{false, true} || got["plain"] != [2]bool{false, false} {
		t.Errorf("listed options %v", got)
	}

	t.Run("read-only with the write scope is refused", func(t *testing.T) {
		before := e2eCount(t, db, `SELECT count(*) FROM api_keys`)
		_, err := admin.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "both", Scopes: &rw, ReadOnly: e2ePtr(true)})
		e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "read-only key with write")
		if e.Problem.Errors == nil || len(*e.Problem.Errors) != 1 || (*e.Problem.Errors)[0].Pointer == nil || *(*e.Problem.Errors)[0].Pointer != "/scopes" {
			t.Errorf("problem %s", e.Body)
		}
		if after := e2eCount(t, db, `SELECT count(*) FROM api_keys`); after != before {
			t.Errorf("keys %d → %d", before, after)
		}
	})

	t.Run("read-only key reads but never writes", func(t *testing.T) {
		c := peopleSDK(t, env, sdk.WithToken(ro.Key))
		me, err := c.LMS.Me.Get(ctx)
		if err != nil || !slices.Equal(me.Scopes, []client.GrantedScope{client.GrantedScopeRead}) || me.Pseudonymised {
			t.Fatalf("me %+v %v", me, err)
		}
		_, err = c.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Written by a read-only key"})
		e := e2eSdkErr(t, err, http.StatusForbidden, "read-only key write")
		if e.Problem.Detail == nil || *e.Problem.Detail != "this action needs the write scope" {
			t.Errorf("detail %v", e.Problem.Detail)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM groups WHERE name = 'Written by a read-only key'`); n != 0 {
			t.Errorf("%d groups written", n)
		}
	})

	t.Run("a key made read-only loses the write scope", func(t *testing.T) {
		// The option is fixed at creation through the API; an operator may still set it,
		// and the callers' cache forgets the key's caller at once.
		c := peopleSDK(t, env, sdk.WithToken(plain.Key))
		if _, err := c.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Before read-only"}); err != nil {
			t.Fatal(err)
		}
		kid, _ := typeid.Parse(typeid.APIKey, plain.Id)
		if _, err := db.Exec(ctx, `UPDATE api_keys SET read_only = true WHERE id = $1`, kid); err != nil {
			t.Fatal(err)
		}
		defer func() { _, _ = db.Exec(ctx, `UPDATE api_keys SET read_only = false WHERE id = $1`, kid) }()
		deadline := time.Now().Add(3 * time.Second) // at most ten calls: the key's rate limit is 20 a minute
		for {
			me, err := c.LMS.Me.Get(ctx)
			if err == nil && slices.Equal(me.Scopes, []client.GrantedScope{client.GrantedScopeRead}) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("me after read_only: %+v %v", me, err)
			}
			time.Sleep(300 * time.Millisecond)
		}
		_, err := c.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "After read-only"})
		e2eSdkErr(t, err, http.StatusForbidden, "write after read_only")
	})

	t.Run("pseudonymising key is refused by the API", func(t *testing.T) {
		ways := [][]sdk.Option{
			{sdk.WithToken(ps.Key)},
			{sdk.WithHeader("X-MCP-Key", ps.Key)},
			{sdk.WithHeader("X-MCP-Key", ps.Key), sdk.WithHeader("X-Learnd-Surface", "mcp")}, // a header is no MCP endpoint
		}
		for _, opts := range ways {
			_, err := peopleSDK(t, env, opts...).LMS.Users.Get(ctx, admin.ID)
			e := e2eSdkErr(t, err, http.StatusForbidden, "pseudonymising key")
			if e.Problem.Code == nil || *e.Problem.Code != "key_pseudonymised" {
				t.Errorf("problem %s", e.Body)
			}
		}
		r := peopleTokenForm(t, env.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {ps.Id}, "client_secret": {ps.Key}}, "", "")
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "unauthorized_client") {
			t.Errorf("exchange: %d %s", r.Status, r.Body)
		}
		// The plain key of the same person still works.
		if _, err := peopleSDK(t, env, sdk.WithToken(plain.Key)).LMS.Users.Get(ctx, admin.ID); err != nil {
			t.Errorf("plain key: %v", err)
		}
	})
}

// TestE2EResolvePseudonym: a person with user_view resolves an alias in any of its forms
// to the user; a learner, a pseudonymising key and a request marked as MCP's are refused;
// a malformed alias is a 400 naming the parameter, an unknown or another tenant's one 404.
func TestE2EResolvePseudonym(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "pseudo-a", Role: auth.RoleAdmin})
	learner := peopleUser(t, env, servertest.UserSpec{Tenant: "pseudo-a", Name: "Sarah Connor"})
	other := peopleUser(t, env, servertest.UserSpec{Tenant: "pseudo-b", Role: auth.RoleAdmin})
	env.Licence(t, "pseudo-a", auth.TierBusiness, auth.MCPFull, false) // so MCP's mark is not refused for the licence
	u, _ := typeid.Parse(typeid.Person, learner.ID)
	key := pseudonym.Key(servertest.PseudonymKey)
	code := key.Code("pseudo-a", u)
	if code == key.Code("pseudo-b", u) {
		t.Fatal("one person id has one alias in two tenants")
	}
	for _, alias := range []string{code, pseudonym.Name(code), pseudonym.Email(code)} {
		got, err := admin.Client.LMS.Users.ResolvePseudonym(ctx, alias)
		if err != nil || got.Id != learner.ID || got.Name != "Sarah Connor" {
			t.Errorf("resolve %q: %+v %v", alias, got, err)
		}
	}
	cases := []struct {
		name   string
		c      *sdk.Client
		alias  string
		status int
	}{
		{"learner", learner.Client, code, http.StatusForbidden},
		{"marked as MCP", peopleSDK(t, env, sdk.WithToken(admin.Token), sdk.WithHeader("X-Learnd-Surface", "mcp")), code, http.StatusForbidden},
		{"malformed", admin.Client, "Learner 1234", http.StatusBadRequest},
		{"unknown", admin.Client, "AAAAAAAA", http.StatusNotFound},
		{"another tenant's", other.Client, code, http.StatusNotFound},
	}
	for _, c := range cases {
		_, err := c.c.LMS.Users.ResolvePseudonym(ctx, c.alias)
		e := e2eSdkErr(t, err, c.status, c.name)
		if c.status == http.StatusBadRequest && (e.Problem.Errors == nil || (*e.Problem.Errors)[0].Parameter == nil || *(*e.Problem.Errors)[0].Parameter != "alias") {
			t.Errorf("%s: problem %s", c.name, e.Body)
		}
	}
	// findUsers with alias: the person behind it for a person, nobody for an unknown one;
	// refused for an MCP session of an ordinary key.
	for alias, want := range map[string]int{pseudonym.Name(code): 1, "AAAAAAAA": 0} {
		page, err := admin.Client.LMS.Users.Find(ctx, &client.FindUsersParams{Alias: &alias})
		if err != nil || len(page.Data) != want || (want == 1 && page.Data[0].Id != learner.ID) {
			t.Errorf("find alias %q: %+v %v", alias, page, err)
		}
	}
	alias := pseudonym.Name(code)
	_, err := peopleSDK(t, env, sdk.WithToken(admin.Token), sdk.WithHeader("X-Learnd-Surface", "mcp")).LMS.Users.Find(ctx, &client.FindUsersParams{Alias: &alias})
	e2eSdkErr(t, err, http.StatusForbidden, "find by alias for an MCP session")
	ps, err := admin.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "pseudonymous", Pseudonymise: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = peopleSDK(t, env, sdk.WithToken(ps.Key)).LMS.Users.ResolvePseudonym(ctx, code)
	e2eSdkErr(t, err, http.StatusForbidden, "pseudonymising key")
}
