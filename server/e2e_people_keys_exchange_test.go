package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

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
