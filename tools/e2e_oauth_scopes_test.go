package tools_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/tools"
)

// TestOAuthScopes: what a grant carries — the scopes asked for (all of learnd's when the
// request names none), capped by the sign-in (an API key's scopes, ai only with write) —
// decides the tools a session lists, AI tools needing ai besides the licence.
func TestOAuthScopes(t *testing.T) {
	t.Parallel()
	o := oauthTStart(t, "oauth-scopes", true)
	readKey := mcpE2EKey(t, o.env.URL, o.tenant.Admin.Token, client.APIKeyScopeRead)
	c := oauthTRegister(t, o.env.URL, "http://[::1]:9/callback")
	cases := []struct {
		name  string
		scope string // "": none asked for
		key   string
		want  string
		kinds []tools.Kind
	}{
		{"none asked: every scope", "", o.key.Secret, "read write ai", []tools.Kind{tools.KindRead, tools.KindWrite, tools.KindAI}},
		{"read and ai", "read ai", o.key.Secret, "read ai", []tools.Kind{tools.KindRead}},
		{"all, signed in with a read-only key", "read write ai", readKey.Secret, "read", []tools.Kind{tools.KindRead}},
		{"unknown scopes are dropped", "read write admin", o.key.Secret, "read write", []tools.Kind{tools.KindRead, tools.KindWrite}},
	}
	for _, tc := range cases {
		verifier, challenge := oauthTPKCE()
		code := c.codeFor(t, url.Values{"code_challenge": {challenge}, "resource": {o.resource}, "scope": {tc.scope}}, tc.key)
		status, tok := c.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect},
			"code_verifier": {verifier}, "resource": {o.resource}})
		access, _ := tok["access_token"].(string)
		if status != http.StatusOK || access == "" {
			t.Fatalf("%s: code exchange %d %v", tc.name, status, tok)
		}
		if got := oauthTClaims(t, access)["scope"]; got != tc.want {
			t.Errorf("%s: token scope %q, want %q", tc.name, got, tc.want)
		}
		cs, err := mcpE2EConnectHTTP(t, o.resource, "Authorization", "Bearer "+access)
		if err != nil {
			t.Fatalf("%s: connect: %v", tc.name, err)
		}
		if got, want := mcpE2EToolNames(t, cs), mcpE2EWant(tools.Config{}, tc.kinds...); !slices.Equal(got, want) {
			t.Errorf("%s: tools\n got %v\nwant %v", tc.name, got, want)
		}
	}
}
