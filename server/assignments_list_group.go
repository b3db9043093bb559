package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// ListGroupAssignments lists the assignments of a group's members for the group's courses
// (list_assignments with groupId): user_assign.
func (s *Server) ListGroupAssignments(ctx context.Context, req api.ListGroupAssignmentsRequestObject) (api.ListGroupAssignmentsResponseObject, error) {
	out, f, err := s.listGroupAssignments(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.ListGroupAssignments200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.ListGroupAssignments400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.ListGroupAssignments403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.ListGroupAssignments404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("list group assignments: unexpected status %d", f.status)
}

func (s *Server) listGroupAssignments(ctx context.Context, req api.ListGroupAssignmentsRequestObject) (api.AssignmentList, *asgFailure, error) {
	if f := asgDenied(needPerm(ctx, auth.PermUserAssign, false)); f != nil {
		return api.AssignmentList{}, f, nil
	}
	group, f := asgPathID(ctx, typeid.Group, "groupId", req.GroupId)
	if f != nil {
		return api.AssignmentList{}, f, nil
	}
	resource := "assignments:group:" + group.String()
	return s.asgList(ctx, resource, "group "+req.GroupId+" not found", assignments.AssignmentFilter{GroupID: &group},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
}
