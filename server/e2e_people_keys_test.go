package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
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
		unknown := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Unprovisioned: true})))
		_, err = unknown.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "no user row"})
		e2eSdkErr(t, err, http.StatusUnauthorized, "a token without a user creates a key")
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
