package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// ChangeUserEmail changes a user's email address (change_user_email) and queues the
// email-change notice to the old and the new address. The target must rank below the
// caller, who may also change their own address.
func (s *Server) ChangeUserEmail(ctx context.Context, req api.ChangeUserEmailRequestObject) (api.ChangeUserEmailResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	p, _ := auth.FromContext(ctx)
	id, err := permittedID(ctx, auth.PermUserEdit, true, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	var check people.UserCheck
	if id != p.PersonID {
		check = targetBelow(ctx, "changing this user's email address")
	}
	u, _, err := s.people.Users().ChangeEmail(ctx, id, req.Body.Email, check)
	if err != nil {
		return nil, about(err, "user "+req.UserId)
	}
	return api.ChangeUserEmail200JSONResponse{Body: toAPIUser(u), Headers: api.ChangeUserEmail200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
