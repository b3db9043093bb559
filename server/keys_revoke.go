package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RevokeKey revokes an API key: the caller's own, or (admins and owners) any key of the
// tenant. Another user's key is a 404 to everyone else, as if it did not exist.
func (s *Server) RevokeKey(ctx context.Context, req api.RevokeKeyRequestObject) (api.RevokeKeyResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	pr := needScope(ctx, true)
	id, pr2 := pathID(ctx, typeid.APIKey, "keyId", req.KeyId)
	if pr == nil {
		pr = pr2
	}
	if pr == nil {
		_, _, err := s.store.Keys().Revoke(ctx, id, func(k *store.APIKey) error {
			if k.UserID != p.PersonID && !p.Role.AtLeast(auth.RoleAdmin) {
				return store.ErrNotFound
			}
			return nil
		})
		if err == nil {
			return api.RevokeKey204Response{}, nil
		}
		if pr, err = peopleProblem(ctx, err, "key", req.KeyId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.RevokeKey400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.RevokeKey403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.RevokeKey404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("revoke key", pr.Status)
}
