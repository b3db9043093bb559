package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetGroup returns one group with its member count.
func (s *Server) GetGroup(ctx context.Context, req api.GetGroupRequestObject) (api.GetGroupResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserView, false, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	g, err := s.people.Groups().Get(ctx, id)
	if err != nil {
		return nil, about(err, "group "+req.GroupId)
	}
	return api.GetGroup200JSONResponse{Body: toAPIGroup(g), Headers: api.GetGroup200ResponseHeaders{ETag: etag(g.Version)}}, nil
}
