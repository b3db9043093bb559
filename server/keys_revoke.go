package server

import (
	"context"
	"errors"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// RevokeKey revokes an API key: the caller's own, or (admins and owners) the key of a user
// ranking below them (the role hierarchy of ban and email changes). Another user's key is
// a 404 to everyone else, as if it did not exist.
// errKeyOwnerOutranks: the key's user does not rank below the caller.
var errKeyOwnerOutranks = errors.New("the key's user does not rank below the caller")

func (s *Server) RevokeKey(ctx context.Context, req api.RevokeKeyRequestObject) (api.RevokeKeyResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	pr := needScope(ctx, true)
	id, pr2 := pathID(ctx, typeid.APIKey, "keyId", req.KeyId)
	if pr == nil {
		pr = pr2
	}
	if pr == nil {
		_, _, err := s.people.Keys().Revoke(ctx, id, func(k *people.APIKey) error {
			switch {
			case k.UserID == p.PersonID:
				return nil
			case !p.Role.AtLeast(auth.RoleAdmin):
				return store.ErrNotFound
			case !p.Role.Above(k.OwnerRole):
				return errKeyOwnerOutranks
			}
			return nil
		})
		if err == nil {
			return api.RevokeKey204Response{}, nil
		}
		if errors.Is(err, errKeyOwnerOutranks) {
			pr = outranks(ctx, auth.RoleOwner, "revoking another user's key")
		} else if pr, err = peopleProblem(ctx, err, "key", req.KeyId); err != nil {
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
