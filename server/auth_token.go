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

// CreateToken exchanges client credentials for a JWT (OAuth 2.0 client credentials, RFC
// 6749 §4.4), with the credentials in the form or in HTTP Basic authentication. Two kinds
// of credentials: an API key (client_id the key's id, client_secret its lk_ secret), always;
// and in dev mode the development client (client_id "<tenant>:<person>:<role>" with the dev
// client secret).
func (s *Server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	badRequest := func(code, detail string) api.CreateTokenResponseObject {
		return api.CreateToken400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(oauthProblem(ctx, kindBadRequest, code, detail))}
	}
	invalidClient := func(detail string) api.CreateTokenResponseObject {
		s.authFailures.fail(clientIPFrom(ctx))
		return api.CreateToken401ApplicationProblemPlusJSONResponse{UnauthorizedApplicationProblemPlusJSONResponse: api.UnauthorizedApplicationProblemPlusJSONResponse{
			Body:    oauthProblem(ctx, kindUnauthorized, "invalid_client", detail),
			Headers: api.UnauthorizedResponseHeaders{WWWAuthenticate: ptr(`Basic realm="learnd"`)},
		}}
	}
	body := req.Body
	if body == nil {
		return badRequest("invalid_request", "send grant_type=client_credentials and the client credentials form-encoded"), nil
	}
	if body.GrantType != "client_credentials" {
		return badRequest("unsupported_grant_type", "only grant_type=client_credentials is supported"), nil
	}
	id, secret, ok := clientCredentials(deref(body.ClientId), deref(body.ClientSecret), basicAuthFrom(ctx))
	if !ok {
		return badRequest("invalid_request", "send the client credentials once: in the form or in HTTP Basic authentication"), nil
	}
	if strings.HasPrefix(secret, wire.APIKeyPrefix) {
		return s.exchangeKey(ctx, id, secret, deref(body.Scope), badRequest, invalidClient)
	}
	scopes, ok := parseScopes(deref(body.Scope))
	if !ok {
		return badRequest("invalid_scope", "scope may only contain read and write"), nil
	}
	if !s.cfg.Dev || s.cfg.DevClientSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.DevClientSecret)) != 1 {
		return invalidClient("unknown client credentials"), nil
	}
	parts := strings.Split(id, ":")
	if len(parts) != 3 {
		return invalidClient("the dev client_id is <tenant_id>:<person id>:<role>"), nil
	}
	role, err := auth.ParseRole(parts[2])
	if err != nil {
		return invalidClient("unknown role " + parts[2]), nil
	}
	tok, _, err := s.issuer.Mint(auth.Claims{TenantID: parts[0], Subject: parts[1], Role: role, Scopes: scopes}, s.cfg.TokenTTL)
	if err != nil {
		// Mint rejects malformed tenant ids and subjects: the client's fault.
		return invalidClient("client_id is malformed: " + err.Error()), nil
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
func (s *Server) exchangeKey(ctx context.Context, id, secret, scope string,
	badRequest func(code, detail string) api.CreateTokenResponseObject,
	invalidClient func(detail string) api.CreateTokenResponseObject) (api.CreateTokenResponseObject, error) {
	kc, err := s.store.AuthenticateKey(ctx, secret)
	switch {
	case errors.Is(err, store.ErrInvalidKey):
		return invalidClient("the API key is invalid, expired or revoked"), nil
	case errors.Is(err, store.ErrBanned):
		return invalidClient("the API key's user is banned"), nil
	case err != nil:
		return nil, fmt.Errorf("exchange api key: %w", err)
	}
	p := kc.Principal
	if canon, err := typeid.Canonical(typeid.APIKey, id); err != nil || canon != p.KeyID {
		return invalidClient("client_id is not the id (key_…) of the API key in client_secret"), nil
	}
	scopes := p.Scopes
	if fields := strings.Fields(scope); len(fields) > 0 {
		scopes = nil
		for _, f := range fields {
			if !slices.Contains(p.Scopes, f) {
				return badRequest("invalid_scope", "scope may only contain the key's scopes: "+strings.Join(p.Scopes, " ")), nil
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
