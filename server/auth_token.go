package server

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// oauthProblem is a problem carrying an RFC 6749 §5.2 error code in both error and code.
func oauthProblem(ctx context.Context, k problemKind, oauthCode, detail string) api.Problem {
	p := withCode(newProblem(ctx, k, detail), oauthCode)
	p.Error = &oauthCode
	return p
}

// oauthBadRequest is a 400 with an RFC 6749 §5.2 error code.
func oauthBadRequest(ctx context.Context, oauthCode, detail string) error {
	return fail(oauthProblem(ctx, kindBadRequest, oauthCode, detail))
}

// invalidClient is the 401 invalid_client of credentials that authenticate no client; it
// counts as a failed authentication of the caller's address.
func (s *Server) invalidClient(ctx context.Context, detail string) error {
	s.authFailures.fail(clientIPFrom(ctx))
	return failWith(oauthProblem(ctx, kindUnauthorized, "invalid_client", detail), map[string]string{"WWW-Authenticate": `Basic realm="learnd"`})
}

// CreateToken exchanges client credentials for a JWT (OAuth 2.0 client credentials, RFC
// 6749 §4.4), with the credentials in the form or in HTTP Basic authentication. Two kinds
// of credentials: an API key (client_id the key's id, client_secret its lk_ secret), always;
// and in dev mode the development client (client_id "<tenant>:<person>:<role>" with the dev
// client secret).
func (s *Server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	body := req.Body
	if body == nil {
		return nil, oauthBadRequest(ctx, "invalid_request", "send grant_type=client_credentials and the client credentials form-encoded")
	}
	if body.GrantType != "client_credentials" {
		return nil, oauthBadRequest(ctx, "unsupported_grant_type", "only grant_type=client_credentials is supported")
	}
	id, secret, ok := clientCredentials(deref(body.ClientId), deref(body.ClientSecret), basicAuthFrom(ctx))
	if !ok {
		return nil, oauthBadRequest(ctx, "invalid_request", "send the client credentials once: in the form or in HTTP Basic authentication")
	}
	if strings.HasPrefix(secret, wire.APIKeyPrefix) {
		return s.exchangeKey(ctx, id, secret, deref(body.Scope))
	}
	scopes, ok := parseScopes(deref(body.Scope))
	if !ok {
		return nil, oauthBadRequest(ctx, "invalid_scope", "scope may only contain read and write")
	}
	if !s.cfg.Dev || s.cfg.DevClientSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.DevClientSecret)) != 1 {
		return nil, s.invalidClient(ctx, "unknown client credentials")
	}
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return nil, s.invalidClient(ctx, "the dev client_id is <tenant_id>:<person id>:<role>")
	}
	role, err := auth.ParseRole(parts[2])
	if err != nil {
		return nil, s.invalidClient(ctx, "unknown role "+parts[2])
	}
	tok, _, err := s.issuer.Mint(auth.Claims{TenantID: parts[0], Subject: parts[1], Role: role, Scopes: scopes}, s.cfg.TokenTTL)
	if err != nil {
		// Mint rejects malformed tenant ids and subjects: the client's fault.
		return nil, s.invalidClient(ctx, "client_id is malformed: "+err.Error())
	}
	return api.CreateToken200JSONResponse{
		Body: api.TokenResponse{
			AccessToken: tok, TokenType: api.TokenResponseTokenTypeBearer, ExpiresIn: int(s.cfg.TokenTTL.Seconds()),
			Scope: ptr(strings.Join(scopes, " ")),
		},
		Headers: api.CreateToken200ResponseHeaders{CacheControl: ptr("no-store")},
	}, nil
}

// exchangeKey mints a token for an API key: the key's user with the user's current role,
// the key's application and id, and the requested scopes (all of the key's when none are
// asked for; more than the key's is invalid_scope). The token is refused from the moment
// the key is revoked or expires or its user is banned (see authenticate).
func (s *Server) exchangeKey(ctx context.Context, id, secret, scope string) (api.CreateTokenResponseObject, error) {
	kc, err := s.store.AuthenticateKey(ctx, secret)
	switch {
	case errors.Is(err, store.ErrInvalidKey):
		return nil, s.invalidClient(ctx, "the API key is invalid, expired or revoked")
	case errors.Is(err, store.ErrBanned):
		return nil, s.invalidClient(ctx, "the API key's user is banned")
	case err != nil:
		return nil, fmt.Errorf("exchange api key: %w", err)
	}
	p := kc.Principal
	if canon, err := typeid.Canonical(typeid.APIKey, id); err != nil || canon != p.KeyID {
		return nil, s.invalidClient(ctx, "client_id is not the id (key_…) of the API key in client_secret")
	}
	if p.Pseudonymised {
		return nil, oauthBadRequest(ctx, "unauthorized_client", pseudonymisedKeyRefusal+"; it cannot be exchanged for a token")
	}
	scopes := p.Scopes
	if fields := strings.Fields(scope); len(fields) > 0 {
		scopes = nil
		for _, f := range fields {
			if !slices.Contains(p.Scopes, f) {
				return nil, oauthBadRequest(ctx, "invalid_scope", "scope may only contain the key's scopes: "+strings.Join(p.Scopes, " "))
			}
			if !slices.Contains(scopes, f) {
				scopes = append(scopes, f)
			}
		}
	}
	tok, _, err := s.issuer.Mint(auth.Claims{TenantID: p.TenantID, Subject: p.Subject, Role: p.Role, Scopes: scopes, AppID: p.AppID, KeyID: p.KeyID}, s.cfg.TokenTTL)
	if err != nil {
		return nil, fmt.Errorf("exchange api key: %w", err)
	}
	return api.CreateToken200JSONResponse{
		Body: api.TokenResponse{
			AccessToken: tok, TokenType: api.TokenResponseTokenTypeBearer, ExpiresIn: int(s.cfg.TokenTTL.Seconds()),
			Scope: ptr(strings.Join(scopes, " ")),
		},
		Headers: api.CreateToken200ResponseHeaders{CacheControl: ptr("no-store")},
	}, nil
}

// clientCredentials takes the client's id and secret from the form or from an HTTP Basic
// Authorization header (whose parts are form-urlencoded, RFC 6749 §2.3.1), not both.
func clientCredentials(formID, formSecret, authz string) (id, secret string, ok bool) {
	scheme, enc, found := strings.Cut(authz, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return formID, formSecret, formID != "" && formSecret != ""
	}
	if formID != "" || formSecret != "" {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return "", "", false
	}
	u, p, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	if id, err = url.QueryUnescape(u); err != nil {
		return "", "", false
	}
	if secret, err = url.QueryUnescape(p); err != nil {
		return "", "", false
	}
	return id, secret, id != "" && secret != ""
}

// parseScopes reads an OAuth scope string; empty means read and write.
func parseScopes(s string) ([]string, bool) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return []string{auth.ScopeRead, auth.ScopeWrite}, true
	}
	for _, f := range fields {
		if f != auth.ScopeRead && f != auth.ScopeWrite {
			return nil, false
		}
	}
	return fields, true
}

// GetJWKS publishes the public keys that verify learnd's tokens.
func (s *Server) GetJWKS(ctx context.Context, _ api.GetJWKSRequestObject) (api.GetJWKSResponseObject, error) {
	b, err := s.issuer.JWKS()
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	return jwksResponse(b), nil
}
