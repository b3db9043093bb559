package authserver

import (
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/oauth"
	"github.com/learnd/learnd/typeid"
)

// learndScopes are the scopes a grant can carry into an access token.
var learndScopes = []string{auth.ScopeRead, auth.ScopeWrite, auth.ScopeAI}

// onlyLearnd keeps the learnd scopes of scopes, in learndScopes' order.
func onlyLearnd(scopes []string) []string {
	out := []string{}
	for _, s := range learndScopes {
		if slices.Contains(scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// withOffline adds offline_access: every grant of learnd's authorization server comes
// with a refresh token (zitadel's op issues one for this scope only).
func withOffline(scopes []string) []string {
	out := onlyLearnd(scopes)
	return append(out, oidc.ScopeOfflineAccess)
}

// client is a registered client as zitadel's op sees it: public (no secret), native
// (loopback redirects match on any port, RFC 8252), authorization code with PKCE and
// refresh tokens, JWT access tokens.
type client struct {
	c     oauth.Client
	login func(requestID string) string
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                       { return c.c.ID }
func (c *client) RedirectURIs() []string              { return c.c.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeNative }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *client) LoginURL(id string) string            { return c.login(id) }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration       { return 5 * time.Minute }
func (c *client) DevMode() bool                        { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) IsScopeAllowed(scope string) bool     { return slices.Contains(learndScopes, scope) }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// authRequest is a stored authorization request as zitadel's op sees it. role is set
// when tokens are created for it (the person's role then).
type authRequest struct {
	q    oauth.Request
	role auth.Role
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) GetID() string                      { return a.q.ID }
func (a *authRequest) GetACR() string                     { return "" }
func (a *authRequest) GetAMR() []string                   { return nil }
func (a *authRequest) GetAudience() []string              { return []string{a.q.Resource} }
func (a *authRequest) GetAuthTime() time.Time             { return a.q.AuthTime }
func (a *authRequest) GetClientID() string                { return a.q.ClientID }
func (a *authRequest) GetNonce() string                   { return a.q.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.q.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseTypeCode }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return oidc.ResponseMode(a.q.ResponseMode) }
func (a *authRequest) GetScopes() []string                { return withOffline(a.q.Scopes) }
func (a *authRequest) GetState() string                   { return a.q.State }
func (a *authRequest) Done() bool                         { return a.q.Approved() }
func (a *authRequest) GetSubject() string {
	if !a.q.Approved() {
		return ""
	}
	return typeid.Format(typeid.Person, a.q.PersonID)
}
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	return &oidc.CodeChallenge{Challenge: a.q.CodeChallenge, Method: oidc.CodeChallengeMethod(a.q.CodeChallengeMethod)}
}

// refreshRequest is the grant of a refresh token as zitadel's op sees it.
type refreshRequest struct {
	g    oauth.Grant
	role auth.Role
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return nil }
func (r *refreshRequest) GetAudience() []string       { return []string{r.g.Resource} }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.g.AuthTime }
func (r *refreshRequest) GetClientID() string         { return r.g.ClientID }
func (r *refreshRequest) GetScopes() []string         { return withOffline(r.g.Scopes) }
func (r *refreshRequest) GetSubject() string          { return typeid.Format(typeid.Person, r.g.PersonID) }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.g.Scopes = onlyLearnd(s) }

// toModelRequest is the request to store for an authorization request zitadel's op
// parsed and validated, with its id and grant family.
func toModelRequest(id string, req *oidc.AuthRequest, resource string, expires time.Time) oauth.Request {
	return oauth.Request{
		ID: id, ClientID: req.ClientID, RedirectURI: req.RedirectURI, Scopes: onlyLearnd(req.Scopes),
		State: req.State, Nonce: req.Nonce, ResponseMode: string(req.ResponseMode),
		CodeChallenge: req.CodeChallenge, CodeChallengeMethod: string(req.CodeChallengeMethod),
		Resource: resource, ExpiresAt: expires,
	}
}
