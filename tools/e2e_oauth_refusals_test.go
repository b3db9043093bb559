package tools_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
)

// TestOAuthRefusals breaks the flow one step at a time: registrations learnd refuses,
// authorization requests without PKCE, with a redirect URI not registered or without
// the MCP resource, the consent page's refusals, and token requests with a wrong PKCE
// verifier, a wrong or missing resource or a used code; then tokens /mcp refuses.
func TestOAuthRefusals(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-refusals", false)
	base := o.env.URL

	t.Run("registration", func(t *testing.T) {
		t.Parallel()
		cases := []struct{ name, body, code string }{
			{"http redirect off loopback", `{"redirect_uris":["http://example.com/cb"]}`, "invalid_redirect_uri"},
			{"custom scheme", `{"redirect_uris":["javascript:alert(1)"]}`, "invalid_redirect_uri"},
			{"fragment", `{"redirect_uris":["https://example.com/cb#x"]}`, "invalid_redirect_uri"},
			{"no redirect", `{"client_name":"x"}`, "invalid_redirect_uri"},
			{"implicit grant", `{"redirect_uris":["https://example.com/cb"],"grant_types":["implicit"]}`, "invalid_client_metadata"},
			{"not JSON", `redirect_uris=x`, "invalid_client_metadata"},
		}
		for _, c := range cases {
			if status, body := oauthTJSON(t, http.MethodPost, base+"/oauth/register", c.body); status != http.StatusBadRequest || body["error"] != c.code {
				t.Errorf("%s: %d %v, want 400 %s", c.name, status, body, c.code)
			}
		}
		// A client asking for a secret gets none: it is registered as a public client.
		status, body := oauthTJSON(t, http.MethodPost, base+"/oauth/register", `{"redirect_uris":["https://example.com/cb"],"token_endpoint_auth_method":"client_secret_basic"}`)
		if _, secret := body["client_secret"]; status != http.StatusCreated || body["token_endpoint_auth_method"] != "none" || secret {
			t.Errorf("a confidential client's registration: %d %v, want 201 as a public client", status, body)
		}
	})

	t.Run("authorization", func(t *testing.T) {
		t.Parallel()
		c := oauthTRegister(t, base, "http://127.0.0.1:9/callback")
		_, challenge := oauthTPKCE()
		cases := []struct {
			name   string
			params url.Values
			// redirect: the error is sent back to the client (its redirect URI is
			// registered); otherwise learnd answers itself, never redirecting.
			redirect bool
		}{
			{"no PKCE", url.Values{"resource": {o.resource}}, true},
			{"PKCE plain", url.Values{"resource": {o.resource}, "code_challenge": {challenge}, "code_challenge_method": {"plain"}}, true},
			{"redirect URI not registered", url.Values{"resource": {o.resource}, "code_challenge": {challenge}, "redirect_uri": {"https://evil.example/cb"}}, false},
			{"no resource", url.Values{"code_challenge": {challenge}}, false},
			{"another resource", url.Values{"resource": {"https://other.example/mcp"}, "code_challenge": {challenge}}, false},
			{"two resources", url.Values{"resource": {o.resource, base + "/api"}, "code_challenge": {challenge}}, false},
			{"unknown client", url.Values{"resource": {o.resource}, "code_challenge": {challenge}, "client_id": {"mcp_nobody"}}, false},
		}
		for _, tc := range cases {
			res, body := c.get(t, c.authorizeURL(tc.params))
			loc := res.Header.Get("Location")
			switch {
			case tc.redirect && !(res.StatusCode == http.StatusFound && strings.HasPrefix(loc, c.redirect+"?") && strings.Contains(loc, "error=") &&
				strings.Contains(loc, "iss="+url.QueryEscape(base))):
				t.Errorf("%s: %d to %q, want an error redirect to the client", tc.name, res.StatusCode, loc)
			case !tc.redirect && (res.StatusCode < 400 || loc != ""):
				t.Errorf("%s: %d to %q (%s), want an error answered by learnd", tc.name, res.StatusCode, loc, oauthTShort(body))
			}
		}
	})

	t.Run("consent", func(t *testing.T) {
		t.Parallel()
		c := oauthTRegister(t, base, "http://127.0.0.1:9/callback")
		_, challenge := oauthTPKCE()
		authorize := c.authorizeURL(url.Values{"resource": {o.resource}, "code_challenge": {challenge}})
		if res, body := c.consent(t, authorize, "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "approve"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "invalid, expired or revoked") {
			t.Errorf("a wrong API key: %d %s", res.StatusCode, oauthTShort(body))
		}
		// A pseudonymising key signs no one in: the grant would show the people it hides.
		ps, err := mcpE2EAPI(t, base, o.tenant.Admin.Token).LMS.Keys.Create(mcpE2ECtx(t), client.APIKeyCreate{Name: "pseudonymous", Pseudonymise: &[]bool{true}[0]})
		if err != nil {
			t.Fatal(err)
		}
		if res, body := c.consent(t, authorize, ps.Key, "approve"); res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "pseudonymised") {
			t.Errorf("a pseudonymising API key: %d %s", res.StatusCode, oauthTShort(body))
		}
		res, _ := c.consent(t, authorize, "", "deny")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, c.redirect+"?") ||
			!strings.Contains(loc, "error=access_denied") || !strings.Contains(loc, "state=s1") || !strings.Contains(loc, "iss="+url.QueryEscape(base)) {
			t.Errorf("deny: %d to %q, want access_denied with the state", res.StatusCode, loc)
		}
		// A form whose CSRF token is not the one of the page's cookie (forged) does nothing.
		res, _ = c.get(t, authorize)
		page := res.Header.Get("Location")
		_, body := c.get(t, page)
		form := url.Values{"api_key": {o.key.Secret}, "action": {"approve"}, "method": {"api_key"}}
		for _, m := range oauthTInput.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], m[2])
		}
		form.Set("csrf", "forged")
		if res, err := c.http.PostForm(base+"/oauth/consent", form); err != nil || res.StatusCode != http.StatusForbidden {
			t.Errorf("a forged CSRF token: %v %v, want 403", res.StatusCode, err)
		}
		if res, body := c.get(t, base+"/oauth/consent?id=nope"); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired or was already used") {
			t.Errorf("an unknown request: %d %s", res.StatusCode, oauthTShort(body))
		}
	})

	t.Run("token", func(t *testing.T) {
		t.Parallel()
		c := oauthTRegister(t, base, "http://127.0.0.1:9/callback")
		cases := []struct {
			name   string
			change func(v url.Values)
			code   string
		}{
			{"wrong PKCE verifier", func(v url.Values) { v.Set("code_verifier", strings.Repeat("x", 43)) }, "invalid_grant"},
			{"no PKCE verifier", func(v url.Values) { v.Del("code_verifier") }, "invalid_request"},
			{"no resource", func(v url.Values) { v.Del("resource") }, "invalid_target"},
			{"another resource", func(v url.Values) { v.Set("resource", "https://other.example/mcp") }, "invalid_target"},
			{"another redirect URI", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:9/other") }, "invalid_grant"},
		}
		for _, tc := range cases {
			verifier, challenge := oauthTPKCE()
			v := url.Values{"grant_type": {"authorization_code"}, "code": {c.code(t, challenge, o.resource, o.key.Secret)},
				"redirect_uri": {c.redirect}, "code_verifier": {verifier}, "resource": {o.resource}}
			tc.change(v)
			if status, body := c.token(t, v); status != http.StatusBadRequest || body["error"] != tc.code {
				t.Errorf("%s: %d %v, want 400 %s", tc.name, status, body, tc.code)
			}
		}

		// A code is good once; its replay revokes what the first exchange brought.
		verifier, challenge := oauthTPKCE()
		v := url.Values{"grant_type": {"authorization_code"}, "code": {c.code(t, challenge, o.resource, o.key.Secret)},
			"redirect_uri": {c.redirect}, "code_verifier": {verifier}, "resource": {o.resource}}
		status, first := c.token(t, v)
		if status != http.StatusOK {
			t.Fatalf("exchange: %d %v", status, first)
		}
		if status, body := c.token(t, v); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("a used code: %d %v, want 400 invalid_grant", status, body)
		}
		refresh, _ := first["refresh_token"].(string)
		if status, body := c.token(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "resource": {o.resource}}); status != http.StatusBadRequest {
			t.Errorf("the refresh token of a replayed code: %d %v, want 400", status, body)
		}

		// Tokens /mcp refuses: learnd's API JWT, the ID token, one for another audience.
		idToken, _ := first["id_token"].(string)
		for name, tok := range map[string]string{
			"an API JWT":            o.tenant.Admin.Token,
			"the ID token":          idToken,
			"another audience":      oauthTForge(t, o, "https://other.example/mcp", c.id),
			"no client_id":          oauthTForge(t, o, o.resource, ""),
			"this audience, forged": oauthTForge(t, o, o.resource, c.id) + "x",
		} {
			r := mcpE2EPost(t, o.resource, mcpE2EInitialize, "Authorization", "Bearer "+tok)
			if h := r.Header.Get("WWW-Authenticate"); r.Status != http.StatusUnauthorized || !strings.Contains(h, `error="invalid_token"`) || !strings.Contains(h, "resource_metadata=") {
				t.Errorf("%s on /mcp: %d %q", name, r.Status, h)
			}
		}
		// …while a token signed the same way for this audience is accepted: the cases above fail for their claim.
		if r := mcpE2EPost(t, o.resource, mcpE2EInitialize, "Authorization", "Bearer "+oauthTForge(t, o, o.resource, c.id)); r.Status != http.StatusOK {
			t.Errorf("a well-formed token for /mcp: %d %s", r.Status, mcpE2EShort(r.Body))
		}
	})
}

// oauthTForge signs, with learnd's key, an access token for aud naming client (no
// client_id claim when "") and the tenant's admin.
func oauthTForge(t *testing.T, o oauthTEnv, aud, client string) string {
	t.Helper()
	now := time.Now().Unix()
	claims := map[string]any{"iss": o.env.URL, "sub": o.tenant.Admin.ID, "aud": aud, "iat": now, "exp": now + 600,
		"tenant_id": o.tenant.ID, "role": "admin", "scope": "read write"}
	if client != "" {
		claims["client_id"] = client
	}
	h, _ := json.Marshal(map[string]string{"alg": "ES256", "typ": "JWT", "kid": o.env.Issuer.KeyID()})
	p, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	sig, err := o.env.Issuer.SignES256([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestOAuthRegistrationLimit: one address registers 20 clients at once, then one a minute.
func TestOAuthRegistrationLimit(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-register-limit", false)
	for i := range 20 {
		if status, body := oauthTJSON(t, http.MethodPost, o.env.URL+"/oauth/register", `{"redirect_uris":["http://127.0.0.1/cb"]}`); status != http.StatusCreated {
			t.Fatalf("registration %d: %d %v", i+1, status, body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, o.env.URL+"/oauth/register", strings.NewReader(`{"redirect_uris":["http://127.0.0.1/cb"]}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the 21st registration: %d Retry-After %q, want 429 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

// TestOAuthAuthorizeLimit: one address may start 60 authorization requests at once (each
// stores a pending request), then gets 429 with Retry-After.
func TestOAuthAuthorizeLimit(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-authorize-limit", false)
	c := oauthTRegister(t, o.env.URL, "http://127.0.0.1:9/callback")
	_, challenge := oauthTPKCE()
	u := c.authorizeURL(url.Values{"code_challenge": {challenge}, "resource": {o.resource}})
	for i := range 60 {
		if res, body := c.get(t, u); res.StatusCode != http.StatusFound {
			t.Fatalf("authorization %d: %d %s", i+1, res.StatusCode, oauthTShort(body))
		}
	}
	// The bucket refills two a second, so on a slow machine the 61st may still pass; a
	// few more, faster than the refill, must meet the 429 page.
	for i := range 10 {
		res, body := c.get(t, u)
		if res.StatusCode == http.StatusFound {
			continue
		}
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many sign-in attempts") {
			t.Errorf("authorization %d: %d Retry-After %q, want a 429 page with Retry-After", 61+i, res.StatusCode, res.Header.Get("Retry-After"))
		}
		return
	}
	t.Errorf("70 authorizations in a row all passed; want a 429 after 60 and the refill")
}
