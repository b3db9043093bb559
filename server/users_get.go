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
	id, pr := pathID(ctx, typeid.Person, "userId", req.UserId)
	if pr == nil {
		if id == p.PersonID {
			pr = needScope(ctx, false)
		} else {
			pr = needPerm(ctx, auth.PermUserView, false)
		}
	}
	if pr == nil {
		u, err := s.people.Users().Get(ctx, id)
		if err == nil {
			return api.GetUser200JSONResponse{Body: toAPIUser(u), Headers: api.GetUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
		}
		if pr, err = peopleProblem(ctx, err, "user", req.UserId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.GetUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.GetUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.GetUser404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("get user", pr.Status)
}
