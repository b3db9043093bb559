package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ListGroupMembers lists a group's members by name.
func (s *Server) ListGroupMembers(ctx context.Context, req api.ListGroupMembersRequestObject) (api.ListGroupMembersResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserView, false, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	resource := "group-members:" + typeid.Format(typeid.Group, id)
	after, err := v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.people.Groups().Members(ctx, id, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, about(err, "group "+req.GroupId)
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.GroupMember, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIGroupMember(&page.Items[i])
	}
	return api.ListGroupMembers200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
