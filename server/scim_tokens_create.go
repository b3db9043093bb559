package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// CreateSCIMToken creates a SCIM token for the tenant and returns its secret once. Owners
// only.
func (s *Server) CreateSCIMToken(ctx context.Context, req api.CreateSCIMTokenRequestObject) (api.CreateSCIMTokenResponseObject, error) {
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	if err := requireOwner(ctx, "creating a SCIM token"); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	k, secret, err := s.people.SCIMTokens().Create(ctx, req.Body.Name)
	if err != nil {
		return nil, err
	}
	return api.CreateSCIMToken201JSONResponse{Body: toAPISCIMTokenCreated(k, secret), Headers: api.CreateSCIMToken201ResponseHeaders{CacheControl: ptr("no-store")}}, nil
}
