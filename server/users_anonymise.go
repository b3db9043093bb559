package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// AnonymiseUser erases a banned user's personal data for good (user_ban, a target below
// the caller); their history stays under an alias.
func (s *Server) AnonymiseUser(ctx context.Context, req api.AnonymiseUserRequestObject) (api.AnonymiseUserResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserBan, true, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	u, _, err := s.people.Users().Anonymise(ctx, id, targetBelow(ctx, "anonymising this user"))
	if err != nil {
		return nil, about(err, "user "+req.UserId)
	}
	return api.AnonymiseUser200JSONResponse{Body: toAPIUser(u), Headers: api.AnonymiseUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
