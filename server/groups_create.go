package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// CreateGroup creates an empty group (kind team unless told otherwise).
func (s *Server) CreateGroup(ctx context.Context, req api.CreateGroupRequestObject) (api.CreateGroupResponseObject, error) {
	if err := needPerm(ctx, auth.PermGroupAssign, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	in := people.NewGroup{Name: req.Body.Name, Description: req.Body.Description}
	if req.Body.Kind != nil {
		in.Kind = string(*req.Body.Kind)
	}
	g, err := s.people.Groups().Create(ctx, in)
	if err != nil {
		return nil, err
	}
	return api.CreateGroup201JSONResponse{Body: toAPIGroup(g), Headers: api.CreateGroup201ResponseHeaders{
		ETag: etag(g.Version), Location: ptr("/api/v2/groups/" + typeid.Format(typeid.Group, g.ID))}}, nil
}
