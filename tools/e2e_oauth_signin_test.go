package tools_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/authserver"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
	"github.com/learnd/learnd/typeid"
)

// oauthTIdP is a sign-in that leaves the page, as the tenant's identity provider will:
// SignIn redirects to its own callback (standing in for the provider), which resumes the
// request as the person it was told to vouch for.
type oauthTIdP struct {
	mu     sync.Mutex
	person authserver.Person
}

func (*oauthTIdP) Method() string { return "test_idp" }
func (*oauthTIdP) Label() string  { return "Sign in with the test identity provider" }

func (*oauthTIdP) SignIn(_ context.Context, r *http.Request) (authserver.Person, error) {
	return authserver.Person{}, &authserver.Redirect{URL: "/test-idp/callback?id=" + url.QueryEscape(r.PostFormValue("id"))}
}

func (f *oauthTIdP) Routes(e *echo.Echo, s *authserver.Server) {
	e.GET("/test-idp/callback", func(c echo.Context) error {
		f.mu.Lock()
		p := f.person
		f.mu.Unlock()
		return s.Resume(c, c.QueryParam("id"), p)
	})
}

// TestOAuthSignInSeam: the consent page offers every sign-in method; one that leaves the
// page (an identity provider) finishes the request through Server.Resume, and the tokens
// act as the person it vouched for.
func TestOAuthSignInSeam(t *testing.T) {
	t.Parallel()
	idp := &oauthTIdP{}
	env := servertest.Start(t, servertest.Options{OAuth: true, OAuthSignIns: []authserver.SignIn{idp}, MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})
	ten := mcpE2ENewTenant(t, env, "oauth-idp", "business", "full", false)
	person, err := typeid.Parse(typeid.Person, ten.Learner.ID)
	if err != nil {
		t.Fatal(err)
	}
	idp.mu.Lock()
	idp.person = authserver.Person{Principal: auth.Principal{TenantID: ten.ID, Subject: ten.Learner.ID, PersonID: person,
		Role: auth.RoleLearner, Licence: auth.Licence{Tier: "business", MCPAccess: auth.MCPFull}}}
	idp.mu.Unlock()
	resource := env.URL + "/mcp"

	c := oauthTRegister(t, env.URL, "http://127.0.0.1:9/callback")
	verifier, challenge := oauthTPKCE()
	res, _ := c.get(t, c.authorizeURL(url.Values{"code_challenge": {challenge}, "resource": {resource}}))
	res, body := c.get(t, res.Header.Get("Location"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `value="test_idp"`) || !strings.Contains(body, `value="api_key"`) {
		t.Fatalf("consent page: %d, want both sign-in methods: %s", res.StatusCode, oauthTShort(body))
	}
	form := url.Values{"action": {"approve"}, "method": {"test_idp"}}
	for _, m := range oauthTInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	res, err = c.http.PostForm(env.URL+"/oauth/consent", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/test-idp/callback?") {
		t.Fatalf("sign in with the provider: %d to %q", res.StatusCode, loc)
	}
	for range 2 { // the provider's callback → learnd's callback → the client
		if res, _ = c.get(t, env.URL+strings.TrimPrefix(loc, env.URL)); res.StatusCode/100 != 3 {
			t.Fatalf("%s: %d", loc, res.StatusCode)
		}
		loc = res.Header.Get("Location")
	}
	u, _ := url.Parse(loc)
	if !strings.HasPrefix(loc, c.redirect) || u.Query().Get("code") == "" {
		t.Fatalf("redirect %q, want the client's with a code", loc)
	}
	status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "redirect_uri": {c.redirect},
		"code_verifier": {verifier}, "resource": {resource}})
	access, _ := tok["access_token"].(string)
	if status != http.StatusOK {
		t.Fatalf("code exchange: %d %v", status, tok)
	}
	if cl := oauthTClaims(t, access); cl["sub"] != ten.Learner.ID || cl["role"] != "learner" {
		t.Errorf("token claims %v, want the learner the provider vouched for", cl)
	}
	if surface, _ := mcpE2EAudit(t, env, ten.ID, "oauth.grant", c.id); surface != "mcp" {
		t.Errorf("audit oauth.grant: surface %q", surface)
	}
}
