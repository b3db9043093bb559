package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// RemoveGroupMember takes a user out of a group; a user who is not a member is a 404.
func (s *Server) RemoveGroupMember(ctx context.Context, req api.RemoveGroupMemberRequestObject) (api.RemoveGroupMemberResponseObject, error) {
	pr := needPerm(ctx, auth.PermGroupAssign, true)
	gid, pr2 := pathID(ctx, typeid.Group, "groupId", req.GroupId)
	uid, pr3 := pathID(ctx, typeid.Person, "userId", req.UserId)
	for _, p := range []*api.Problem{pr2, pr3} {
		if pr == nil {
			pr = p
		}
	}
	if pr == nil {
		err := s.people.Groups().RemoveMember(ctx, gid, uid)
		if err == nil {
			return api.RemoveGroupMember204Response{}, nil
		}
		if pr, err = peopleProblem(ctx, err, "member "+req.UserId+" of group", req.GroupId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.RemoveGroupMember400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.RemoveGroupMember403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.RemoveGroupMember404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("remove group member", pr.Status)
}
