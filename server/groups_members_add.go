package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// AddGroupMembers adds users to a group (repeating is safe); each new member is assigned
// the group's courses.
func (s *Server) AddGroupMembers(ctx context.Context, req api.AddGroupMembersRequestObject) (api.AddGroupMembersResponseObject, error) {
	id, err := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	v := &store.ValidationError{}
	users := make([]uuid.UUID, 0, len(req.Body.UserIds))
	for i, raw := range req.Body.UserIds {
		if u := idIn(typeid.Person, &raw, "/userIds/"+itoa(i), v); u != nil {
			users = append(users, *u)
		}
	}
	if len(v.Fields) > 0 {
		return nil, v
	}
	out, err := s.people.Groups().AddMembers(ctx, id, users)
	if err != nil {
		return nil, about(err, "group "+req.GroupId)
	}
	return api.AddGroupMembers200JSONResponse{Added: toAPIPersonIDs(out.Added), AlreadyMembers: toAPIPersonIDs(out.AlreadyMembers), MemberCount: out.MemberCount}, nil
}
