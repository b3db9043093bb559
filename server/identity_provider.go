package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
)

// needOwner allows owners holding the scope an operation needs.
func needOwner(ctx context.Context, write bool, what string) error {
	if err := needScope(ctx, write); err != nil {
		return err
	}
	return requireOwner(ctx, what)
}

// GetIdentityProvider returns the tenant's identity provider (owners).
func (s *Server) GetIdentityProvider(ctx context.Context, _ api.GetIdentityProviderRequestObject) (api.GetIdentityProviderResponseObject, error) {
	if err := needOwner(ctx, false, "reading the identity provider"); err != nil {
		return nil, err
	}
	p, err := s.people.Providers().Get(ctx)
	if err != nil {
		return nil, about(err, "identity provider")
	}
	return api.GetIdentityProvider200JSONResponse{Body: toAPIIdentityProvider(p), Headers: api.GetIdentityProvider200ResponseHeaders{ETag: etag(p.Version)}}, nil
}

// PutIdentityProvider registers or replaces the tenant's identity provider (owners): the
// provider is reached (discovery, JWK Set) before anything is saved.
func (s *Server) PutIdentityProvider(ctx context.Context, req api.PutIdentityProviderRequestObject) (api.PutIdentityProviderResponseObject, error) {
	if err := needOwner(ctx, true, "registering an identity provider"); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	in := toModelProviderInput(*req.Body)
	in.AllowLoopbackHTTP = s.cfg.Dev
	p, err := s.people.Providers().Put(ctx, in, expected, s.cfg.ProviderKeys)
	if err != nil {
		return nil, about(err, "identity provider")
	}
	return api.PutIdentityProvider200JSONResponse{Body: toAPIIdentityProvider(p), Headers: api.PutIdentityProvider200ResponseHeaders{ETag: etag(p.Version)}}, nil
}

// DeleteIdentityProvider removes the tenant's identity provider (owners).
func (s *Server) DeleteIdentityProvider(ctx context.Context, _ api.DeleteIdentityProviderRequestObject) (api.DeleteIdentityProviderResponseObject, error) {
	if err := needOwner(ctx, true, "removing the identity provider"); err != nil {
		return nil, err
	}
	if err := s.people.Providers().Delete(ctx); err != nil {
		return nil, about(err, "identity provider")
	}
	return api.DeleteIdentityProvider204Response{}, nil
}

var _ people.ProviderReach = (*auth.ProviderKeys)(nil)
