package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateToken exchanges client credentials for a JWT (OAuth 2.0 client credentials).
// Today the development client is the only credential: client_id "<tenant>:<person>:<role>"
// with the dev client secret, in dev mode. API keys arrive with the LMS core.
func (s *Server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	invalidClient := func(detail string) api.CreateTokenResponseObject {
		return api.CreateToken401ApplicationProblemPlusJSONResponse{UnauthorizedApplicationProblemPlusJSONResponse: api.UnauthorizedApplicationProblemPlusJSONResponse{
			Body:    withCode(newProblem(ctx, kindUnauthorized, detail), "invalid_client"),
			Headers: api.UnauthorizedResponseHeaders{WWWAuthenticate: ptr(`Basic realm="learnd"`)},
		}}
	}
	body := req.Body
	if body == nil {
		return api.CreateToken400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(withCode(newProblem(ctx, kindBadRequest, "send grant_type, client_id and client_secret form-encoded"), "invalid_request"))}, nil
	}
	scopes, ok := parseScopes(deref(body.Scope))
	if !ok {
		return api.CreateToken400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(withCode(newProblem(ctx, kindBadRequest, "scope may only contain read and write"), "invalid_scope"))}, nil
	}
	if !s.cfg.Dev || s.cfg.DevClientSecret == "" {
		return invalidClient("unknown client credentials"), nil
	}
	if subtle.ConstantTimeCompare([]byte(body.ClientSecret), []byte(s.cfg.DevClientSecret)) != 1 {
		return invalidClient("unknown client credentials"), nil
	}
	parts := strings.Split(body.ClientId, ":")
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
