package tools_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/server/servertest/idptest"
)

func oauthTPtr[T any](v T) *T { return &v }

// TestOAuthIdPSignIn: on the consent page a person signs in through their organisation's
// own identity provider (a real OpenID Connect provider started here: authorization code
// with PKCE and a nonce, a confidential client), is created just in time as the tenant
// allows, and the MCP client's token acts as that person. A person the provider vouches
// for who may not become a user gets no code.
func TestOAuthIdPSignIn(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-idp", false)
	idp := idptest.Start(t)
	idp.SetClient("learnd-web", "s3cret")
	owner := o.env.User(t, servertest.UserSpec{Tenant: o.tenant.ID, Role: auth.RoleOwner})
	api, err := sdk.New(o.env.URL, sdk.WithToken(owner.Token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.LMS.IdentityProvider.Put(mcpE2ECtx(t), nil, client.IdentityProviderPut{
		Issuer: idp.URL, Audience: "learnd-api", ClientId: oauthTPtr("learnd-web"), ClientSecret: oauthTPtr("s3cret"),
		Jit: oauthTPtr(true), AllowedEmailDomains: &[]string{"idp.test"},
		RoleMapping: &map[string]client.IdentityProviderRole{"leads": "manager"}, MaxRole: oauthTPtr(client.IdentityProviderRole("manager")),
	}); err != nil {
		t.Fatal(err)
	}

	signIn := func(t *testing.T, c *oauthTClient, challenge, organisation string) (*http.Response, string) {
		t.Helper()
		res, body := c.get(t, c.authorizeURL(url.Values{"code_challenge": {challenge}, "resource": {o.resource}}))
		if res.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %d %s", res.StatusCode, oauthTShort(body))
		}
		res, body = c.get(t, res.Header.Get("Location"))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `value="idp"`) || !strings.Contains(body, `name="organisation"`) {
			t.Fatalf("consent page without the identity provider sign-in: %d %s", res.StatusCode, oauthTShort(body))
		}
		form := url.Values{"method": {"idp"}, "organisation": {organisation}, "action": {"approve"}}
		for _, m := range oauthTInput.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], m[2])
		}
		res, err := c.http.PostForm(o.env.URL+"/oauth/consent", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		body = string(b)
		// learnd → the provider → learnd's callback → the authorization callback → the client.
		for hop := 0; hop < 6 && (res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusFound); hop++ {
			next := res.Header.Get("Location")
			if strings.HasPrefix(next, c.redirect) {
				return res, ""
			}
			res, body = c.get(t, next)
		}
		return res, body
	}

	t.Run("a new person through the provider", func(t *testing.T) {
		idp.SignInAs(idptest.Claims{"sub": "idp-zoe", "email": "zoe@idp.test", "name": "Zoe Q"})
		c := oauthTRegister(t, o.env.URL, "http://127.0.0.1:9/callback")
		verifier, challenge := oauthTPKCE()
		res, body := signIn(t, c, challenge, o.tenant.ID)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("sign-in through the provider: %d %s %s", res.StatusCode, res.Header.Get("Location"), oauthTShort(body))
		}
		status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
			"redirect_uri": {c.redirect}, "code_verifier": {verifier}, "resource": {o.resource}})
		access, _ := tok["access_token"].(string)
		if status != http.StatusOK || access == "" {
			t.Fatalf("token: %d %v", status, tok)
		}
		claims := oauthTClaims(t, access)
		var name string
		if err := o.env.DB(t).QueryRow(mcpE2ECtx(t), `SELECT name FROM users WHERE tenant_id = $1 AND email = 'zoe@idp.test' AND id::text = $2`,
			o.tenant.ID, mcpE2EUUID(t, claims["sub"].(string))).Scan(&name); err != nil || name != "Zoe Q" {
			t.Fatalf("the token's person is not the user created for zoe: %v %v (%v)", claims["sub"], name, err)
		}
		cs, err := mcpE2EConnectHTTP(t, o.resource, "Authorization", "Bearer "+access)
		if err != nil {
			t.Fatal(err)
		}
		defer cs.Close()
		if names := mcpE2EToolNames(t, cs); len(names) == 0 {
			t.Error("no tools for zoe")
		}
		if surface, _ := mcpE2EAudit(t, o.env, o.tenant.ID, "oauth.grant", c.id); surface != "mcp" {
			t.Errorf("grant audit surface %q", surface)
		}
	})

	t.Run("the grant acts with the provider's mapped role", func(t *testing.T) {
		// Mia is a manager in learnd; the provider's groups map her to nothing, so its
		// defaultRole (learner) caps her tokens, refreshed ones too.
		o.env.User(t, servertest.UserSpec{Tenant: o.tenant.ID, Role: auth.RoleManager, Email: "mia@idp.test"})
		idp.SignInAs(idptest.Claims{"sub": "idp-mia", "email": "mia@idp.test", "groups": []string{"staff"}})
		c := oauthTRegister(t, o.env.URL, "http://127.0.0.1:9/callback")
		verifier, challenge := oauthTPKCE()
		res, body := signIn(t, c, challenge, o.tenant.ID)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
			t.Fatalf("mia's sign-in: %d %s", res.StatusCode, oauthTShort(body))
		}
		status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
			"redirect_uri": {c.redirect}, "code_verifier": {verifier}, "resource": {o.resource}})
		access, _ := tok["access_token"].(string)
		refresh, _ := tok["refresh_token"].(string)
		if status != http.StatusOK || oauthTClaims(t, access)["role"] != "learner" {
			t.Fatalf("mia's access token: %d role %v, want learner", status, oauthTClaims(t, access)["role"])
		}
		status, tok = c.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "resource": {o.resource}})
		if access, _ = tok["access_token"].(string); status != http.StatusOK || oauthTClaims(t, access)["role"] != "learner" {
			t.Errorf("mia's refreshed token: %d %v, want role learner", status, tok)
		}
	})

	t.Run("refused sign-ins give no code", func(t *testing.T) {
		for name, tc := range map[string]struct {
			person       idptest.Claims
			organisation string
			want         string
		}{
			"domain not allowed":       {idptest.Claims{"sub": "idp-eve", "email": "eve@elsewhere.test"}, o.tenant.ID, "not a user"},
			"organisation without one": {idptest.Claims{"sub": "idp-zoe", "email": "zoe@idp.test"}, "no-such-org", "no identity provider"},
		} {
			idp.SignInAs(tc.person)
			c := oauthTRegister(t, o.env.URL, "http://127.0.0.1:9/callback")
			_, challenge := oauthTPKCE()
			res, body := signIn(t, c, challenge, tc.organisation)
			if res.StatusCode == http.StatusFound || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d %s, want a page saying %q", name, res.StatusCode, oauthTShort(body), tc.want)
			}
		}
	})
}
