package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateGroup applies a merge patch of name, kind and description.
func (s *Server) UpdateGroup(ctx context.Context, req api.UpdateGroupRequestObject) (api.UpdateGroupResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	id, pr := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	if pr == nil && body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	var expected *int
	if pr == nil {
		expected, pr = optionalPrecondition(ctx, req.Params.IfMatch)
	}
	if pr == nil {
		g, _, err := s.people.Groups().Update(ctx, id, expected, toModelGroupChange(body))
		if err == nil {
			return api.UpdateGroup200JSONResponse{Body: toAPIGroup(g), Headers: api.UpdateGroup200ResponseHeaders{ETag: etag(g.Version)}}, nil
		}
		if pr, err = peopleProblem(ctx, err, "group", req.GroupId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.UpdateGroup400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.UpdateGroup403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.UpdateGroup404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sPrecondition:
		return api.UpdateGroup412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.UpdateGroup422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("update group", pr.Status)
}
