package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// RemoveGroupMember takes a user out of a group; a user who is not a member is a 404.
func (s *Server) RemoveGroupMember(ctx context.Context, req api.RemoveGroupMemberRequestObject) (api.RemoveGroupMemberResponseObject, error) {
	gid, err := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	uid, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if err := s.people.Groups().RemoveMember(ctx, gid, uid); err != nil {
		return nil, about(err, "member "+req.UserId+" of group "+req.GroupId)
	}
	return api.RemoveGroupMember204Response{}, nil
}
