package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPeekIssuer(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name, token, want string
		ok                bool
	}{
		{"an issuer", enc(`{"alg":"RS256"}`) + "." + enc(`{"iss":"https://idp.example","sub":"x"}`) + ".sig", "https://idp.example", true},
		{"no issuer", enc(`{}`) + "." + enc(`{"sub":"x"}`) + ".sig", "", false},
		{"issuer not a string", enc(`{}`) + "." + enc(`{"iss":7}`) + ".sig", "", false},
		{"two parts", enc(`{}`) + "." + enc(`{"iss":"a"}`), "", false},
		{"bad base64", "a.b*c.d", "", false},
		{"not JSON", enc(`{}`) + "." + enc(`iss`) + ".sig", "", false},
	} {
		got, ok := PeekIssuer(tc.token)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestExternalTokenClaims(t *testing.T) {
	t.Parallel()
	tok := &ExternalToken{Claims: map[string]any{
		"email": "a@b.example", "groups": []any{"x", 7, "y"}, "role": "admin",
		"v1": true, "v2": "False", "v3": "maybe", "n": json.Number("3"),
	}}
	if tok.String("email") != "a@b.example" || tok.String("n") != "" || tok.String("missing") != "" {
		t.Error("String")
	}
	if g := tok.Strings("groups"); len(g) != 2 || g[0] != "x" || g[1] != "y" {
		t.Errorf("Strings(groups) = %v", g)
	}
	if r := tok.Strings("role"); len(r) != 1 || r[0] != "admin" {
		t.Errorf("Strings(role) = %v", r)
	}
	for name, want := range map[string][2]bool{"v1": {true, true}, "v2": {false, true}, "v3": {false, false}, "missing": {false, false}} {
		if v, ok := tok.Bool(name); v != want[0] || ok != want[1] {
			t.Errorf("Bool(%s) = %v %v, want %v", name, v, ok, want)
		}
	}
}

// TestProviderDiscover: the discovery document's issuer must be the provider's exactly
// (OpenID Connect Discovery 1.0, section 4.3) and name a jwks_uri.
func TestProviderDiscover(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if doc == nil {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	// By default learnd reaches public addresses only: this provider is on loopback.
	guarded, err := NewProviderKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = guarded.Close(context.Background()) })
	doc = map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"}
	if _, err := guarded.Discover(ctx, srv.URL, srv.URL); err == nil || !strings.Contains(err.Error(), "prohibited") {
		t.Errorf("a loopback provider reached without WithPrivateNetworks: %v", err)
	}
	doc = nil
	k, err := NewProviderKeys(ctx, WithPrivateNetworks())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close(context.Background()) })
	if _, err := k.Discover(ctx, srv.URL, srv.URL); err == nil {
		t.Error("a 404 discovery document accepted")
	}
	doc = map[string]any{"issuer": srv.URL + "/", "jwks_uri": srv.URL + "/keys"}
	if _, err := k.Discover(ctx, srv.URL, srv.URL); err == nil {
		t.Error("an issuer differing by a slash accepted")
	}
	doc = map[string]any{"issuer": srv.URL}
	if _, err := k.Discover(ctx, srv.URL, srv.URL); err == nil {
		t.Error("a document without jwks_uri accepted")
	}
	doc = map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"}
	if d, err := k.Discover(ctx, srv.URL, srv.URL); err != nil || d.JWKSURI != srv.URL+"/keys" {
		t.Errorf("Discover = %+v, %v", d, err)
	}
	// A JWK Set that cannot be fetched is not an invalid token: the caller can tell.
	if _, err := k.Verify(ctx, "e30.e30.sig", Provider{Issuer: srv.URL, Audience: "a", JWKSURL: srv.URL + "/none"}); err == nil {
		t.Error("a token verified against a set that does not exist")
	}
	_, err = k.Verify(ctx, "", Provider{JWKSURL: srv.URL})
	if !errors.Is(err, ErrInvalidToken) {
		t.Errorf("empty token: %v", err)
	}
}
