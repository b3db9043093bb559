package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnbanUser restores a banned user below the caller (unban_user). Unbanning an active
// user changes nothing.
func (s *Server) UnbanUser(ctx context.Context, req api.UnbanUserRequestObject) (api.UnbanUserResponseObject, error) {
	pr := needPerm(ctx, auth.PermUserBan, true)
	if pr == nil {
		var id uuid.UUID
		if id, pr = pathID(ctx, typeid.Person, "userId", req.UserId); pr == nil {
			u, _, err := s.people.Users().Unban(ctx, id, targetBelow(ctx, "unbanning this user"))
			if err == nil {
				return api.UnbanUser200JSONResponse{Body: toAPIUser(u), Headers: api.UnbanUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
			}
			if pr, err = peopleProblem(ctx, err, "user", req.UserId); err != nil {
				return nil, err
			}
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.UnbanUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.UnbanUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.UnbanUser404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("unban user", pr.Status)
}
