package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteGroup deletes a group and its memberships; assignments its members received stay.
func (s *Server) DeleteGroup(ctx context.Context, req api.DeleteGroupRequestObject) (api.DeleteGroupResponseObject, error) {
	id, pr := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	var expected *int
	if pr == nil {
		expected, pr = optionalPrecondition(ctx, req.Params.IfMatch)
	}
	if pr == nil {
		err := s.people.Groups().Delete(ctx, id, expected)
		if err == nil {
			return api.DeleteGroup204Response{}, nil
		}
		if pr, err = peopleProblem(ctx, err, "group", req.GroupId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.DeleteGroup400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.DeleteGroup403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.DeleteGroup404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sPrecondition:
		return api.DeleteGroup412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("delete group", pr.Status)
}
