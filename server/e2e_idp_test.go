package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/server/servertest/idptest"
	"github.com/learnd/learnd/typeid"
)

// idpMe asks /api/v2/me with a token and returns the status and, on 200, who learnd says
// the caller is.
func idpMe(t *testing.T, env *servertest.Env, token string) (int, client.Me, string) {
	t.Helper()
	r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/me", token, nil, nil)
	var me client.Me
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &me); err != nil {
			t.Fatal(err)
		}
	}
	return r.Status, me, string(r.Body)
}

// TestE2ETenantIdentityProvider: an owner registers the tenant's OpenID Connect provider
// (a real one started here: discovery and a rotating JWK Set over HTTP); its tokens are
// then accepted for that tenant only, bound to its users by subject and e-mail, with
// just-in-time users within the configured limits, roles never above the stored one, and
// key rotation followed.
func TestE2ETenantIdentityProvider(t *testing.T) {
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	idp := idptest.Start(t)
	owner := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleOwner, Email: "olga@acme.test"})
	admin := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin, Email: "ada@acme.test"})
	dave := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager, Email: "dave@acme.test"})
	alice := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleLearner, Email: "Alice@Acme.test"})
	ownerAPI := peopleSDK(t, env, sdk.WithToken(owner.Token))

	put := client.IdentityProviderPut{
		Issuer: idp.URL, Audience: "learnd-acme",
		Claims:      &client.IdentityProviderClaims{Role: e2ePtr("roles")},
		RoleMapping: &map[string]client.IdentityProviderRole{"lnd-admins": "admin", "leads": "manager"},
		MaxRole:     e2ePtr(client.IdentityProviderRole("manager")), Jit: e2ePtr(true),
		AllowedEmailDomains: &[]string{"acme.test"},
		ClientId:            e2ePtr("learnd-web"), ClientSecret: e2ePtr("s3cret"),
	}
	t.Run("registration is checked", func(t *testing.T) {
		_, err := peopleSDK(t, env, sdk.WithToken(admin.Token)).LMS.IdentityProvider.Put(ctx, nil, put)
		e2eSdkErr(t, err, http.StatusForbidden, "an admin registers a provider")
		for name, tc := range map[string]struct {
			body    client.IdentityProviderPut
			pointer string
		}{
			"not https":                         {client.IdentityProviderPut{Issuer: "ftp://idp.example", Audience: "a"}, "/issuer"},
			"discovery issuer mismatch":         {client.IdentityProviderPut{Issuer: idp.URL + "/other", Audience: "a", DiscoveryUrl: e2ePtr(idp.URL + "/.well-known/openid-configuration")}, "/discoveryUrl"},
			"no discovery document":             {client.IdentityProviderPut{Issuer: idp.URL + "/nothing", Audience: "a"}, "/discoveryUrl"},
			"jwks without keys":                 {client.IdentityProviderPut{Issuer: idp.URL, Audience: "a", JwksUrl: e2ePtr(idp.URL + "/.well-known/openid-configuration")}, "/jwksUrl"},
			"owner by mapping":                  {client.IdentityProviderPut{Issuer: idp.URL, Audience: "a", RoleMapping: &map[string]client.IdentityProviderRole{"x": "owner"}}, ""},
			"browser sign-in without discovery": {client.IdentityProviderPut{Issuer: idp.URL, Audience: "a", JwksUrl: e2ePtr(idp.URL + "/keys"), ClientId: e2ePtr("c")}, "/clientId"},
			"a secret without a client":         {client.IdentityProviderPut{Issuer: idp.URL, Audience: "a", ClientSecret: e2ePtr("s")}, "/clientSecret"},
		} {
			_, err := ownerAPI.LMS.IdentityProvider.Put(ctx, nil, tc.body)
			e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, name)
			if tc.pointer != "" && (e.Problem.Errors == nil || len(*e.Problem.Errors) == 0 || e2eDeref((*e.Problem.Errors)[0].Pointer) != tc.pointer) {
				t.Errorf("%s: errors %s, want pointer %s", name, e.Body, tc.pointer)
			}
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM identity_providers`); n != 0 {
			t.Fatalf("%d providers saved by refused registrations", n)
		}
	})

	saved, err := ownerAPI.LMS.IdentityProvider.Put(ctx, nil, put)
	if err != nil {
		t.Fatal(err)
	}
	if saved.JwksUrl != idp.URL+"/keys" || saved.MaxRole != "manager" || !saved.Jit || saved.Claims.Email != "email" || saved.Claims.Role != "roles" ||
		saved.ClientId.MustGet() != "learnd-web" || !saved.HasClientSecret || !saved.BrowserSignIn {
		t.Fatalf("saved provider %+v", saved)
	}
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant/identity-provider", owner.Token, nil, nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), "s3cret") {
		t.Errorf("get: %d %s (the client secret must never be returned)", r.Status, r.Body)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'identity_provider.put' AND after::text LIKE '%s3cret%'`); n != 0 {
		t.Error("the client secret is in the audit log")
	}
	// A read-modify-write (the secret is never read) keeps it; "" removes it.
	noSecret := put
	noSecret.ClientSecret = nil
	if again, err := ownerAPI.LMS.IdentityProvider.Put(ctx, nil, noSecret); err != nil || !again.HasClientSecret {
		t.Fatalf("a PUT without the secret: %+v %v, want the secret kept", again, err)
	}
	tok := func(c idptest.Claims) string {
		if c["aud"] == nil {
			c["aud"] = "learnd-acme"
		}
		return idp.Token(t, c)
	}

	t.Run("an existing user is matched by e-mail, then by subject", func(t *testing.T) {
		status, me, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice", "email": "alice@acme.test", "roles": "lnd-admins"}))
		if status != http.StatusOK || me.UserId != alice.ID || me.Role != "learner" || me.TenantId != "acme" {
			t.Fatalf("alice: %d %s (a mapped role must not raise the stored learner)", status, body)
		}
		status, me, body = idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice", "email": "alice.new@acme.test"}))
		if status != http.StatusOK || me.UserId != alice.ID {
			t.Fatalf("alice by subject: %d %s", status, body)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'user.identity_link' AND target_id = $1`, alice.ID); n != 1 {
			t.Errorf("%d identity_link audit rows, want 1", n)
		}
	})

	t.Run("a mapped role lowers a stored one", func(t *testing.T) {
		// A provider with a role mapping decides: claims that map to nothing give defaultRole.
		status, me, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-dave", "email": "dave@acme.test", "groups": []string{"staff"}}))
		if status != http.StatusOK || me.UserId != dave.ID || me.Role != "learner" {
			t.Fatalf("dave: %d %s, want the manager acting as learner", status, body)
		}
		status, me, body = idpMe(t, env, tok(idptest.Claims{"sub": "okta-dave", "groups": []string{"leads"}}))
		if status != http.StatusOK || me.UserId != dave.ID || me.Role != "manager" {
			t.Fatalf("dave in leads: %d %s, want manager", status, body)
		}
		// Matching by address is never for a role above maxRole (an admin, an owner).
		for _, who := range []struct{ sub, email string }{{"okta-ada", "ada@acme.test"}, {"okta-owner", owner.Email}} {
			if status, _, body := idpMe(t, env, tok(idptest.Claims{"sub": who.sub, "email": who.email, "groups": []string{"lnd-admins"}})); status != http.StatusUnauthorized || !strings.Contains(body, "maxRole") {
				t.Errorf("%s matched by address: %d %s, want 401 naming maxRole", who.email, status, body)
			}
		}
	})

	t.Run("just in time, within the limits", func(t *testing.T) {
		status, me, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-bob", "email": "bob@acme.test", "name": "Bob Builder", "groups": []string{"lnd-admins"}}))
		if status != http.StatusOK || me.Role != "manager" {
			t.Fatalf("bob: %d %s, want a new user capped at maxRole manager", status, body)
		}
		id, _ := typeid.Parse(typeid.Person, me.UserId)
		if n := e2eCount(t, db, `SELECT count(*) FROM users WHERE tenant_id = 'acme' AND id = $1 AND role = 'manager' AND name = 'Bob Builder'`, id); n != 1 {
			t.Errorf("bob's user row not stored as a manager named Bob Builder")
		}
		before := e2eCount(t, db, `SELECT count(*) FROM users`)
		for name, c := range map[string]idptest.Claims{
			"domain not allowed":     {"sub": "x-carol", "email": "carol@evil.test"},
			"e-mail not verified":    {"sub": "x-erin", "email": "erin@acme.test", "email_verified": false},
			"no e-mail":              {"sub": "x-frank"},
			"wrong audience":         {"sub": "x-gina", "email": "gina@acme.test", "aud": "someone-else"},
			"learnd's tenant claim":  {"sub": "x-hal", "email": "hal@acme.test", "tenant_id": "globex", "role": "owner", "aud": "learnd-globex"},
			"expired (sign: future)": {"sub": "x-ivy", "email": "ivy@acme.test", "exp": time.Now().Add(-time.Hour).Unix()},
		} {
			status, _, body := idpMe(t, env, tok(c))
			if status != http.StatusUnauthorized {
				t.Errorf("%s: %d %s, want 401", name, status, body)
			}
		}
		if after := e2eCount(t, db, `SELECT count(*) FROM users`); after != before {
			t.Errorf("refused tokens made %d users", after-before)
		}
	})

	t.Run("another tenant's provider of the same issuer", func(t *testing.T) {
		globexOwner := env.User(t, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner})
		globexAPI := peopleSDK(t, env, sdk.WithToken(globexOwner.Token))
		_, err := globexAPI.LMS.IdentityProvider.Put(ctx, nil, client.IdentityProviderPut{Issuer: idp.URL, Audience: "learnd-acme"})
		e2eSdkErr(t, err, http.StatusConflict, "globex takes acme's issuer and audience")
		if _, err := globexAPI.LMS.IdentityProvider.Put(ctx, nil, client.IdentityProviderPut{Issuer: idp.URL, Audience: "learnd-globex", Jit: e2ePtr(true)}); err != nil {
			t.Fatal(err)
		}
		status, me, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice", "email": "alice@acme.test", "aud": "learnd-globex"}))
		if status != http.StatusOK || me.TenantId != "globex" || me.UserId == alice.ID || me.Role != "learner" {
			t.Fatalf("the same person through globex's audience: %d %s, want a new globex learner", status, body)
		}
		status, me, _ = idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice", "email": "alice@acme.test"}))
		if status != http.StatusOK || me.TenantId != "acme" || me.UserId != alice.ID {
			t.Errorf("acme's audience after globex registered: %d %+v", status, me)
		}
		both := tok(idptest.Claims{"sub": "okta-alice", "aud": []string{"learnd-acme", "learnd-globex"}})
		if status, _, body := idpMe(t, env, both); status != http.StatusUnauthorized || !strings.Contains(body, "more than one organisation") {
			t.Errorf("a token for both tenants' audiences: %d %s, want 401", status, body)
		}
	})

	t.Run("key rotation", func(t *testing.T) {
		hits := idp.JWKSHits()
		for range 5 {
			if status, _, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice"})); status != http.StatusOK {
				t.Fatalf("before rotation: %d %s", status, body)
			}
		}
		if got := idp.JWKSHits() - hits; got != 0 {
			t.Errorf("the JWK Set was fetched %d times for 5 tokens of known keys", got)
		}
		idp.Rotate(t)
		time.Sleep(1100 * time.Millisecond) // servertest lets an unknown key refetch once a second
		status, _, body := idpMe(t, env, tok(idptest.Claims{"sub": "okta-alice"}))
		if status != http.StatusOK {
			t.Fatalf("a token of the rotated key: %d %s", status, body)
		}
		oldTok := idp.Sign(t, idp.Retired(), idptest.Claims{"sub": "okta-alice", "aud": "learnd-acme"})
		if status, _, body := idpMe(t, env, oldTok); status != http.StatusUnauthorized {
			t.Errorf("a token of the key the provider retired: %d %s", status, body)
		}
	})

	t.Run("ban and removal take effect at the next request", func(t *testing.T) {
		bob := tok(idptest.Claims{"sub": "okta-bob", "email": "bob@acme.test"})
		if _, err := db.Exec(ctx, `UPDATE users SET status = 'banned', banned_at = now() WHERE tenant_id = 'acme' AND lower(email) = 'bob@acme.test'`); err != nil {
			t.Fatal(err)
		}
		e2eEventually(t, 5*time.Second, "banned bob refused", func() (bool, string) {
			status, _, body := idpMe(t, env, bob)
			return status == http.StatusUnauthorized, body
		})
		// A second replica on the same database caches the provider and the binding too.
		replica := servertest.Start(t, servertest.Options{DatabaseURL: env.DBURL})
		e2eEventually(t, 5*time.Second, "the replica's cache listens", func() (bool, string) { return replica.Store.CallerCacheLive(), "" })
		aliceTok := tok(idptest.Claims{"sub": "okta-alice"})
		for range 2 {
			if status, _, body := idpMe(t, replica, aliceTok); status != http.StatusOK {
				t.Fatalf("alice on the replica: %d %s", status, body)
			}
		}
		if err := ownerAPI.LMS.IdentityProvider.Delete(ctx); err != nil {
			t.Fatal(err)
		}
		status, _, body := idpMe(t, env, aliceTok)
		if status != http.StatusUnauthorized || !strings.Contains(body, "invalid") {
			t.Errorf("after the provider's removal: %d %s", status, body)
		}
		e2eEventually(t, 5*time.Second, "the replica refuses the removed provider's tokens", func() (bool, string) {
			status, _, body := idpMe(t, replica, aliceTok)
			return status == http.StatusUnauthorized, body
		})
		if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action IN ('identity_provider.put', 'identity_provider.delete') AND tenant_id = 'acme'`); n != 3 {
			t.Errorf("%d provider audit rows in acme, want two puts and a delete", n)
		}
	})
}
