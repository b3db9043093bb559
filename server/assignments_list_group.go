package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// ListGroupAssignments lists the assignments of a group's members for the group's courses
// (list_assignments with groupId): user_assign.
func (s *Server) ListGroupAssignments(ctx context.Context, req api.ListGroupAssignmentsRequestObject) (api.ListGroupAssignmentsResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserAssign, false); err != nil {
		return nil, err
	}
	group, err := pathID(ctx, typeid.Group, "groupId", req.GroupId)
	if err != nil {
		return nil, err
	}
	out, err := s.listAssignments(ctx, "assignments:group:"+group.String(), "group "+req.GroupId, assignments.AssignmentFilter{GroupID: &group},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
	if err != nil {
		return nil, err
	}
	return api.ListGroupAssignments200JSONResponse(out), nil
}
