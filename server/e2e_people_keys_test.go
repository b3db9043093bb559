package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// peopleClaims decodes a JWT's claims (the signature is the server's business).
func peopleClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// peopleTokenForm posts a raw token request (form, optionally HTTP Basic).
func peopleTokenForm(t *testing.T, base string, form url.Values, basicID, basicSecret string) e2eRaw {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/auth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return e2eRaw{Status: res.StatusCode, Header: res.Header, Body: b}
}

func TestE2EPeopleKeys(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	learner := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})
	manager := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager})
	stranger := peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner})

	created, err := learner.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "Claude Desktop"})
	if err != nil {
		t.Fatal(err)
	}
	if !store.LooksLikeAPIKey(created.Key) || created.Hint != created.Key[len(created.Key)-4:] || !strings.HasPrefix(created.Id, "key_") ||
		len(created.Scopes) != 1 || created.Scopes[0] != client.APIKeyScopeRead || !created.AppId.IsNull() || !created.ExpiresAt.IsNull() {
		t.Fatalf("created %+v", created)
	}
	r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/keys", manager.Token, map[string]any{"name": "raw", "scopes": []string{"read", "write"}}, nil)
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("raw create: %d %v", r.Status, r.Header)
	}
	var managerKey client.APIKeyCreated
	if err := json.Unmarshal(r.Body, &managerKey); err != nil {
		t.Fatal(err)
	}

	t.Run("the key acts as its user", func(t *testing.T) {
		bearer := peopleSDK(t, env, sdk.WithToken(created.Key))
		mcp := peopleSDK(t, env, sdk.WithHeader("X-MCP-Key", created.Key))
		for name, c := range map[string]*sdk.Client{"bearer": bearer, "X-MCP-Key": mcp} {
			me, err := c.LMS.Users.Get(ctx, learner.ID)
			if err != nil || me.Id != learner.ID {
				t.Errorf("%s: get self: %v", name, err)
			}
			_, err = c.LMS.Users.Find(ctx, nil)
			e2eSdkErr(t, err, http.StatusForbidden, name+": a learner's key finds users")
		}
		// A read key cannot write even where the user could; the manager's write key can.
		_, err := peopleSDK(t, env, sdk.WithToken(managerKey.Key)).LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "by key"})
		if err != nil {
			t.Errorf("write key creates a group: %v", err)
		}
		readOnly, err := manager.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "read only"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = peopleSDK(t, env, sdk.WithToken(readOnly.Key)).LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "by read key"})
		e2eSdkErr(t, err, http.StatusForbidden, "read key writes")
		// The role is the user's current one: demote the manager and the key loses group_assign.
		mid, _ := typeid.Parse(typeid.Person, manager.ID)
		if _, err := db.Exec(context.Background(), `UPDATE users SET role = 'learner' WHERE id = $1`, mid); err != nil {
			t.Fatal(err)
		}
		_, err = peopleSDK(t, env, sdk.WithToken(managerKey.Key)).LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "after demotion"})
		e2eSdkErr(t, err, http.StatusForbidden, "key of a demoted user")
		if _, err := db.Exec(context.Background(), `UPDATE users SET role = 'manager' WHERE id = $1`, mid); err != nil {
			t.Fatal(err)
		}
		kid, _ := typeid.Parse(typeid.APIKey, created.Id)
		if n := e2eCount(t, db, `SELECT count(*) FROM api_keys WHERE id = $1 AND last_used_at > now() - interval '1 minute'`, kid); n != 1 {
			t.Error("last_used_at not set")
		}
	})

	t.Run("who may create keys", func(t *testing.T) {
		_, err := peopleSDK(t, env, sdk.WithToken(managerKey.Key)).LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "key from key"})
		e2eSdkErr(t, err, http.StatusForbidden, "an API key creates a key")
		unknown := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})))
		_, err = unknown.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "no user row"})
		e2eSdkErr(t, err, http.StatusForbidden, "a token without a user creates a key")
		writeOnly := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner, Subject: learner.ID, Scopes: []string{auth.ScopeWrite}})))
		_, err = writeOnly.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "more than mine", Scopes: &[]client.APIKeyScope{client.APIKeyScopeRead}})
		e2eSdkErr(t, err, http.StatusForbidden, "scopes beyond the caller's")
		readOnly := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner, Subject: learner.ID, Scopes: []string{auth.ScopeRead}})))
		_, err = readOnly.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "read token"})
		e2eSdkErr(t, err, http.StatusForbidden, "a read-only token creates a key")
		_, err = learner.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "past", ExpiresAt: e2ePtr(time.Now().Add(-time.Hour))})
		e2eSdkErr(t, err, http.StatusUnprocessableEntity, "expiry in the past")
		if n := e2eCount(t, db, `SELECT count(*) FROM api_keys`); n != 3 {
			t.Errorf("keys after refusals: %d, want 3", n)
		}
	})

	t.Run("list", func(t *testing.T) {
		page, err := learner.Client.LMS.Keys.List(ctx, nil)
		if err != nil || len(page.Data) != 1 {
			t.Fatalf("list: %+v %v", page, err)
		}
		k := page.Data[0]
		used, err := k.LastUsedAt.Get()
		if k.Id != created.Id || k.UserId != learner.ID || k.Hint != created.Hint || err != nil || !e2eNear(used, time.Minute) || !k.RevokedAt.IsNull() {
			t.Errorf("listed %+v", k)
		}
		raw := e2eDo(t, http.MethodGet, env.URL+"/api/v2/keys", learner.Token, nil, nil)
		if strings.Contains(string(raw.Body), created.Key) || strings.Contains(string(raw.Body), `"key"`) {
			t.Errorf("the list shows the secret: %s", raw.Body)
		}
		_, err = learner.Client.LMS.Keys.List(ctx, &client.ListKeysParams{UserId: &manager.ID})
		e2eSdkErr(t, err, http.StatusForbidden, "learner lists another user's keys")
		theirs, err := admin.Client.LMS.Keys.List(ctx, &client.ListKeysParams{UserId: &manager.ID, Limit: e2ePtr(1)})
		if err != nil || len(theirs.Data) != 1 || !theirs.HasMore || theirs.Data[0].Name != "read only" {
			t.Errorf("admin lists the manager's keys: %+v %v", theirs, err)
		}
		if page, err := stranger.Client.LMS.Keys.List(ctx, &client.ListKeysParams{UserId: &manager.ID}); err != nil || len(page.Data) != 0 {
			t.Errorf("another tenant lists %d keys (%v)", len(page.Data), err)
		}
	})

	t.Run("revoke and expiry", func(t *testing.T) {
		err := manager.Client.LMS.Keys.Revoke(ctx, created.Id)
		e2eSdkErr(t, err, http.StatusNotFound, "another user's key, not an admin")
		err = stranger.Client.LMS.Keys.Revoke(ctx, created.Id)
		e2eSdkErr(t, err, http.StatusNotFound, "another tenant's key")
		if err := learner.Client.LMS.Keys.Revoke(ctx, created.Id); err != nil {
			t.Fatal(err)
		}
		if err := learner.Client.LMS.Keys.Revoke(ctx, created.Id); err != nil {
			t.Errorf("revoke again: %v", err)
		}
		for name, hdr := range map[string]map[string]string{"bearer": {"Authorization": "Bearer " + created.Key}, "X-MCP-Key": {"X-MCP-Key": created.Key}} {
			if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", "", nil, hdr); r.Status != http.StatusUnauthorized {
				t.Errorf("revoked key as %s: %d", name, r.Status)
			}
		}
		if err := admin.Client.LMS.Keys.Revoke(ctx, managerKey.Id); err != nil {
			t.Errorf("admin revokes the manager's key: %v", err)
		}
		expiring, err := learner.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "short", ExpiresAt: e2ePtr(time.Now().Add(time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", expiring.Key, nil, nil); r.Status != http.StatusOK {
			t.Fatalf("fresh key: %d", r.Status)
		}
		eid, _ := typeid.Parse(typeid.APIKey, expiring.Id)
		if _, err := db.Exec(context.Background(), `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, eid); err != nil {
			t.Fatal(err)
		}
		if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", expiring.Key, nil, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("expired key: %d", r.Status)
		}
	})

	t.Run("audit", func(t *testing.T) {
		rows := peopleAudit(t, db, created.Id)
		if peopleActions(rows) != "api_key.create,api_key.revoke" {
			t.Fatalf("audit %q", peopleActions(rows))
		}
		peopleActor(t, rows[0], learner.ID)
		if rows[0].Before != nil || rows[0].After["name"] != "Claude Desktop" || rows[0].After["userId"] != learner.ID || rows[0].After["revokedAt"] != nil ||
			rows[1].Before["revokedAt"] != nil || rows[1].After["revokedAt"] == nil {
			t.Errorf("entries %+v", rows)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE before::text LIKE '%lk\_%' OR after::text LIKE '%lk\_%' OR after ? 'hash' OR before ? 'hash'`); n != 0 {
			t.Errorf("%d audit entries hold a secret or hash", n)
		}
		admRows := peopleAudit(t, db, managerKey.Id)
		if peopleActions(admRows) != "api_key.create,api_key.revoke" {
			t.Fatalf("manager key audit %q", peopleActions(admRows))
		}
		peopleActor(t, admRows[1], admin.ID)
	})
}

func TestE2EPeopleKeyExchange(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleManager})
	key, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "agent", AppId: e2ePtr("claude-desktop"),
		Scopes: &[]client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	anon := peopleSDK(t, env)

	tr, err := anon.Auth.Tokens.Create(ctx, client.TokenRequest{GrantType: "client_credentials", ClientId: &key.Id, ClientSecret: &key.Key})
	if err != nil {
		t.Fatal(err)
	}
	claims := peopleClaims(t, tr.AccessToken)
	if claims["key_id"] != key.Id || claims["sub"] != u.ID || claims["tenant_id"] != "acme" || claims["role"] != "manager" ||
		claims["app_id"] != "claude-desktop" || claims["scope"] != "read write" || tr.Scope == nil || *tr.Scope != "read write" {
		t.Errorf("claims %v scope %v", claims, tr.Scope)
	}
	viaToken := peopleSDK(t, env, sdk.WithToken(tr.AccessToken))
	grp, err := viaToken.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "via exchanged token"})
	if err != nil {
		t.Fatalf("use the exchanged token: %v", err)
	}
	rows := peopleAudit(t, db, grp.Id)
	kid, _ := typeid.Parse(typeid.APIKey, key.Id)
	var auditKey, auditApp string
	if err := db.QueryRow(context.Background(), `SELECT key_id::text, app_id FROM audit_log WHERE target_id = $1`, grp.Id).Scan(&auditKey, &auditApp); err != nil || len(rows) != 1 {
		t.Fatal(err)
	}
	if auditKey != kid.String() || auditApp != "claude-desktop" {
		t.Errorf("audit key %s app %s, want %s claude-desktop", auditKey, auditApp, kid)
	}

	t.Run("basic auth and narrower scope", func(t *testing.T) {
		r := peopleTokenForm(t, env.URL, url.Values{"grant_type": {"client_credentials"}, "scope": {"read"}}, key.Id, key.Key)
		if r.Status != http.StatusOK {
			t.Fatalf("basic: %d %s", r.Status, r.Body)
		}
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if c := peopleClaims(t, body.AccessToken); c["scope"] != "read" || c["key_id"] != key.Id {
			t.Errorf("claims %v", c)
		}
		_, err := peopleSDK(t, env, sdk.WithToken(body.AccessToken)).LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "read token"})
		e2eSdkErr(t, err, http.StatusForbidden, "read-scoped exchanged token writes")
	})

	t.Run("refusals", func(t *testing.T) {
		readKey, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "reader"})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := typeid.New(typeid.APIKey)
		for name, c := range map[string]struct {
			req    client.TokenRequest
			status int
			code   string
		}{
			"scope beyond the key": {client.TokenRequest{GrantType: "client_credentials", ClientId: &readKey.Id, ClientSecret: &readKey.Key, Scope: e2ePtr("read write")}, 400, "invalid_scope"},
			"id of another key":    {client.TokenRequest{GrantType: "client_credentials", ClientId: &readKey.Id, ClientSecret: &key.Key}, 401, "invalid_client"},
			"unknown id":           {client.TokenRequest{GrantType: "client_credentials", ClientId: &other, ClientSecret: &key.Key}, 401, "invalid_client"},
			"unknown secret":       {client.TokenRequest{GrantType: "client_credentials", ClientId: &key.Id, ClientSecret: e2ePtr(key.Key[:len(key.Key)-4] + "AAAA")}, 401, "invalid_client"},
		} {
			_, err := anon.Auth.Tokens.Create(ctx, c.req)
			e := e2eSdkErr(t, err, c.status, name)
			if e.Problem.Error == nil || *e.Problem.Error != c.code {
				t.Errorf("%s: error %v, want %s", name, e.Problem.Error, c.code)
			}
		}
	})

	t.Run("revoking the key stops its tokens", func(t *testing.T) {
		if err := u.Client.LMS.Keys.Revoke(ctx, key.Id); err != nil {
			t.Fatal(err)
		}
		_, err := viaToken.LMS.Tenant.Get(ctx)
		e2eSdkErr(t, err, http.StatusUnauthorized, "exchanged token after revocation")
		_, err = anon.Auth.Tokens.Create(ctx, client.TokenRequest{GrantType: "client_credentials", ClientId: &key.Id, ClientSecret: &key.Key})
		e2eSdkErr(t, err, http.StatusUnauthorized, "exchange a revoked key")
	})

	t.Run("outside dev mode", func(t *testing.T) {
		ver, err := auth.NewVerifier(context.Background(), auth.Config{}, env.Issuer)
		if err != nil {
			t.Fatal(err)
		}
		e, err := server.New(server.Config{PageTokenKey: []byte("a page token key of at least 32 bytes!!")}, env.Store, env.Issuer, ver)
		if err != nil {
			t.Fatal(err)
		}
		prod := httptest.NewServer(e)
		t.Cleanup(prod.Close)
		live, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "prod"})
		if err != nil {
			t.Fatal(err)
		}
		r := peopleTokenForm(t, prod.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {live.Id}, "client_secret": {live.Key}}, "", "")
		if r.Status != http.StatusOK {
			t.Errorf("key exchange without dev mode: %d %s", r.Status, r.Body)
		}
		r = peopleTokenForm(t, prod.URL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"acme:" + u.ID + ":owner"}, "client_secret": {servertest.DevClientSecret}}, "", "")
		if r.Status != http.StatusUnauthorized {
			t.Errorf("dev client without dev mode: %d", r.Status)
		}
	})
}

func TestE2EPeopleTenantAndKeyLimits(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})

	ten, err := u.Client.LMS.Tenant.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := client.Tenant{Id: "acme", Name: "acme", Licence: client.TenantLicence{Tier: "starter", McpAccess: "none", McpAiAccess: false}, KeyLimits: client.TenantKeyLimits{PerMinute: 20, PerDay: 200}}
	if *ten != want {
		t.Errorf("tenant without a row: %+v", ten)
	}
	env.Licence(t, "acme", auth.TierBusiness, auth.MCPFull, true)
	ten, err = u.Client.LMS.Tenant.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want.Licence = client.TenantLicence{Tier: "business", McpAccess: "full", McpAiAccess: true}
	want.KeyLimits = client.TenantKeyLimits{PerMinute: 60, PerDay: 1000}
	if *ten != want {
		t.Errorf("business tenant: %+v", ten)
	}
	noRead := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Subject: u.ID, Scopes: []string{auth.ScopeWrite}})))
	_, err = noRead.LMS.Tenant.Get(ctx)
	e2eSdkErr(t, err, http.StatusForbidden, "tenant without the read scope")

	// Per-key limit of the business tier: 60 a minute. The bucket refills one request a
	// second, so allow one more per second the loop took.
	key, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var limited e2eRaw
	n := 0
	for n < 200 {
		n++
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", key.Key, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusOK {
			t.Fatalf("request %d: %d %s", n, r.Status, r.Body)
		}
	}
	slack := int(time.Since(start).Seconds()) + 1
	if limited.Status != http.StatusTooManyRequests || n < 61 || n > 61+slack {
		t.Fatalf("first 429 at request %d (status %d), want 61 (+%d for refills)", n, limited.Status, slack)
	}
	if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "key_rate_limited" {
		t.Errorf("problem %+v", p)
	}
	// Another key of the same user has its own allowance; the user's JWT is not limited by it.
	other, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "quiet"})
	if err != nil {
		t.Fatal(err)
	}
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", other.Key, nil, nil); r.Status != http.StatusOK {
		t.Errorf("another key: %d", r.Status)
	}
	if _, err := u.Client.LMS.Tenant.Get(ctx); err != nil {
		t.Errorf("the user's JWT: %v", err)
	}
}

func TestE2EPeopleFailedAuthLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t) // its own server: the failures count per client address
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})
	key, err := u.Client.LMS.Keys.Create(e2eCtx(t), client.APIKeyCreate{Name: "good"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var limited e2eRaw
	for n < 60 {
		n++
		bad, _ := store.NewAPIKeySecret()
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", bad, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("bad key %d: %d", n, r.Status)
		}
	}
	if limited.Status != http.StatusTooManyRequests || n < 20 || n > 23 {
		t.Fatalf("first 429 after %d bad keys (status %d), want about 21", n, limited.Status)
	}
	if limited.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "auth_rate_limited" {
		t.Errorf("problem %+v", p)
	}
	// While blocked, even a good key from that address waits.
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", key.Key, nil, nil); r.Status != http.StatusTooManyRequests {
		t.Errorf("good key from a blocked address: %d", r.Status)
	}
}
