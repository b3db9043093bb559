package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// BanUser bans a user below the caller (ban_user): their tokens and keys are refused from
// their next request; their history stays. Banning a banned user changes nothing.
func (s *Server) BanUser(ctx context.Context, req api.BanUserRequestObject) (api.BanUserResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserBan, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	id, err := bodyID(ctx, typeid.Person, "/userId", req.Body.UserId)
	if err != nil {
		return nil, err
	}
	u, _, err := s.people.Users().Ban(ctx, id, targetBelow(ctx, "banning this user"))
	if err != nil {
		return nil, about(err, "user "+req.Body.UserId)
	}
	return api.BanUser200JSONResponse{Body: toAPIUser(u), Headers: api.BanUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
