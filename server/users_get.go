package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetUser returns one user (get_user). Anyone may read themselves; others need user_view.
func (s *Server) GetUser(ctx context.Context, req api.GetUserRequestObject) (api.GetUserResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	id, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if id == p.PersonID {
		err = needScope(ctx, false)
	} else {
		err = needPerm(ctx, auth.PermUserView, false)
	}
	if err != nil {
		return nil, err
	}
	u, err := s.people.Users().Get(ctx, id)
	if err != nil {
		return nil, about(err, "user "+req.UserId)
	}
	return api.GetUser200JSONResponse{Body: toAPIUser(u), Headers: api.GetUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
