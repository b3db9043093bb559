package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// ListUserAssignments lists one user's assignments (list_assignments with userId):
// user_assign, or the user themself.
func (s *Server) ListUserAssignments(ctx context.Context, req api.ListUserAssignmentsRequestObject) (api.ListUserAssignmentsResponseObject, error) {
	out, f, err := s.listUserAssignments(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.ListUserAssignments200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.ListUserAssignments400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.ListUserAssignments403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.ListUserAssignments404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("list user assignments: unexpected status %d", f.status)
}

func (s *Server) listUserAssignments(ctx context.Context, req api.ListUserAssignmentsRequestObject) (api.AssignmentList, *asgFailure, error) {
	user, f := asgPathID(ctx, typeid.Person, "userId", req.UserId)
	if f != nil {
		return api.AssignmentList{}, f, nil
	}
	if asgIsSelf(ctx, user) {
		f = asgDenied(needScope(ctx, false))
	} else {
		f = asgDenied(needPerm(ctx, auth.PermUserAssign, false))
	}
	if f != nil {
		return api.AssignmentList{}, f, nil
	}
	resource := "assignments:user:" + user.String()
	return s.asgList(ctx, resource, "user "+req.UserId+" not found", assignments.AssignmentFilter{UserID: &user},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
}
