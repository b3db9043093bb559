package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// RevokeKey revokes an API key: the caller's own, or (admins and owners) the key of a user
// ranking below them (the role hierarchy of ban and email changes). Another user's key is
// a 404 to everyone else, as if it did not exist.
func (s *Server) RevokeKey(ctx context.Context, req api.RevokeKeyRequestObject) (api.RevokeKeyResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.APIKey, "keyId", req.KeyId)
	if err != nil {
		return nil, err
	}
	_, _, err = s.people.Keys().Revoke(ctx, id, func(k *people.APIKey) error {
		switch {
		case k.UserID == p.PersonID:
			return nil
		case !p.Role.AtLeast(auth.RoleAdmin):
			return store.ErrNotFound
		case !p.Role.Above(k.OwnerRole):
			return outranks(ctx, auth.RoleOwner, "revoking another user's key")
		}
		return nil
	})
	if err != nil {
		return nil, about(err, "key "+req.KeyId)
	}
	return api.RevokeKey204Response{}, nil
}
