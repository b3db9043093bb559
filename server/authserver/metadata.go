package authserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// resourceMetadata is the MCP endpoint's protected resource metadata (RFC 9728).
func (s *Server) resourceMetadata(c echo.Context) error {
	return writeJSON(c, http.StatusOK, map[string]any{
		"resource":                 s.resource,
		"authorization_servers":    []string{s.issuer},
		"scopes_supported":         learndScopes,
		"bearer_methods_supported": []string{"header"},
		"resource_name":            "learnd MCP",
		"resource_documentation":   "https://github.com/learnd/learnd#connect-claude-or-another-mcp-client",
	})
}

// serverMetadata is the authorization server metadata (RFC 8414), also served as OpenID
// discovery for clients that look there: zitadel's, with the registration endpoint and
// what learnd's clients may actually use.
func (s *Server) serverMetadata(c echo.Context) error {
	ctx := op.ContextWithIssuer(c.Request().Context(), s.issuer)
	d := op.CreateDiscoveryConfig(ctx, s.provider, s.storage)
	d.RegistrationEndpoint = s.issuer + PathRegister
	d.ScopesSupported = slices.Clone(learndScopes)
	d.ResponseTypesSupported = []string{string(oidc.ResponseTypeCode)}
	d.ResponseModesSupported = []string{"query"}
	d.GrantTypesSupported = []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	d.TokenEndpointAuthMethodsSupported = []oidc.AuthMethod{oidc.AuthMethodNone}
	d.RevocationEndpointAuthMethodsSupported = []oidc.AuthMethod{oidc.AuthMethodNone}
	d.CodeChallengeMethodsSupported = []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256}
	d.IntrospectionEndpoint, d.UserinfoEndpoint, d.EndSessionEndpoint = "", "", ""
	d.DeviceAuthorizationEndpoint, d.CheckSessionIframe = "", ""
	d.IntrospectionEndpointAuthMethodsSupported = nil
	d.ClaimsSupported = []string{"sub", "aud", "exp", "iat", "iss", "client_id", "tenant_id", "role", "scope"}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("server metadata: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("server metadata: %w", err)
	}
	out["authorization_response_iss_parameter_supported"] = true // RFC 9207 (issWriter)
	return writeJSON(c, http.StatusOK, out)
}

// issWriter adds the issuer to the authorization response redirected to the client
// (RFC 9207), so a client talking to several servers knows which one answered.
type issWriter struct {
	http.ResponseWriter
	issuer string
}

func (w *issWriter) WriteHeader(status int) {
	if loc := w.Header().Get("Location"); (status == http.StatusFound || status == http.StatusSeeOther) && loc != "" && !strings.HasPrefix(loc, w.issuer+"/") {
		w.Header().Set("Location", withIssuer(loc, w.issuer))
	}
	w.ResponseWriter.WriteHeader(status)
}

// withIssuer is redirect with the iss parameter.
func withIssuer(redirect, issuer string) string {
	u, err := url.Parse(redirect)
	if err != nil {
		return redirect
	}
	q := u.Query()
	q.Set("iss", issuer)
	u.RawQuery = q.Encode()
	return u.String()
}

// guard checks what zitadel's op does not know: the resource parameter (RFC 8707) of
// authorization and token requests must name the MCP endpoint, and an authorization
// request without a scope asks for every learnd scope (RFC 6749 §3.3: a default).
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the request's parameters cannot be read")
			return
		}
		switch r.URL.Path {
		case PathAuthorize:
			if !s.resourceOK(r.Form["resource"]) {
				_ = s.errorPage(w, http.StatusBadRequest, "This app asked for access to the wrong resource",
					"The authorization request must name learnd's MCP endpoint "+s.resource+" as its resource (invalid_target).")
				return
			}
			if r.Form.Get("scope") == "" {
				r.Form.Set("scope", "read write ai")
			}
			w = &issWriter{ResponseWriter: w, issuer: s.issuer} // errors redirected to the client
		case PathCallback:
			w = &issWriter{ResponseWriter: w, issuer: s.issuer}
		case PathToken:
			switch oidc.GrantType(r.PostForm.Get("grant_type")) {
			case oidc.GrantTypeCode, oidc.GrantTypeRefreshToken:
				if !s.resourceOK(r.PostForm["resource"]) {
					oauthError(w, http.StatusBadRequest, "invalid_target", "resource must be "+s.resource)
					return
				}
			}
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// resourceOK: exactly one resource, the MCP endpoint.
func (s *Server) resourceOK(values []string) bool {
	return len(values) == 1 && values[0] == s.resource
}

// oauthError answers an OAuth error response (RFC 6749 §5.2).
func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

func writeJSON(c echo.Context, status int, v any) error {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "no-store")
	return c.JSON(status, v)
}

// preflight answers CORS preflight requests of browser-based clients.
func preflight(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, MCP-Protocol-Version")
	return c.NoContent(http.StatusNoContent)
}
