package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetGroup returns one group with its member count.
func (s *Server) GetGroup(ctx context.Context, req api.GetGroupRequestObject) (api.GetGroupResponseObject, error) {
	pr := needPerm(ctx, auth.PermUserView, false)
	if pr == nil {
		id, ipr := pathID(ctx, typeid.Group, "groupId", req.GroupId)
		if pr = ipr; pr == nil {
			g, err := s.people.Groups().Get(ctx, id)
			if err == nil {
				return api.GetGroup200JSONResponse{Body: toAPIGroup(g), Headers: api.GetGroup200ResponseHeaders{ETag: etag(g.Version)}}, nil
			}
			if pr, err = peopleProblem(ctx, err, "group", req.GroupId); err != nil {
				return nil, err
			}
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.GetGroup400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.GetGroup403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.GetGroup404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("get group", pr.Status)
}
