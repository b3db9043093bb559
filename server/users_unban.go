package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnbanUser restores a banned user below the caller (unban_user). Unbanning an active
// user changes nothing.
func (s *Server) UnbanUser(ctx context.Context, req api.UnbanUserRequestObject) (api.UnbanUserResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserBan, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	u, _, err := s.people.Users().Unban(ctx, id, targetBelow(ctx, "unbanning this user"))
	if err != nil {
		return nil, about(err, "user "+req.UserId)
	}
	return api.UnbanUser200JSONResponse{Body: toAPIUser(u), Headers: api.UnbanUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
