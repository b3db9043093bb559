package server

import (
	"context"
	"slices"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateKey creates an API key for the caller and returns its secret once. Only a user of
// the tenant, authenticated by a token that is not itself an API key's, may; the key's
// scopes cannot exceed the caller's.
func (s *Server) CreateKey(ctx context.Context, req api.CreateKeyRequestObject) (api.CreateKeyResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	switch {
	case p.KeyID != "":
		return nil, fail(newProblem(ctx, kindForbidden, "API keys cannot create API keys; sign in as the user"))
	case !p.Known:
		return nil, fail(newProblem(ctx, kindForbidden, "only users of this tenant can create API keys"))
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	in := toModelNewKey(req.Body)
	for _, sc := range in.Scopes {
		if !slices.Contains(p.Scopes, sc) {
			return nil, fail(newProblem(ctx, kindForbidden, "a key cannot have the "+sc+" scope, which your token does not hold"))
		}
	}
	k, secret, err := s.people.Keys().Create(ctx, p.PersonID, in)
	if err != nil {
		return nil, err
	}
	return api.CreateKey201JSONResponse{Body: toAPIKeyCreated(k, secret), Headers: api.CreateKey201ResponseHeaders{CacheControl: ptr("no-store")}}, nil
}
