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
	id, err := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	g, _, err := s.people.Groups().Update(ctx, id, expected, toModelGroupChange(body))
	if err != nil {
		return nil, about(err, "group "+req.GroupId)
	}
	return api.UpdateGroup200JSONResponse{Body: toAPIGroup(g), Headers: api.UpdateGroup200ResponseHeaders{ETag: etag(g.Version)}}, nil
}
