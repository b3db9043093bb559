package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
)

// ListMyAssignments lists the caller's own assignments (list_my_assignments): any role
// with the read scope.
func (s *Server) ListMyAssignments(ctx context.Context, req api.ListMyAssignmentsRequestObject) (api.ListMyAssignmentsResponseObject, error) {
	out, f, err := s.listMyAssignments(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.ListMyAssignments200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.ListMyAssignments400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.ListMyAssignments403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("list my assignments: unexpected status %d", f.status)
}

func (s *Server) listMyAssignments(ctx context.Context, req api.ListMyAssignmentsRequestObject) (api.AssignmentList, *asgFailure, error) {
	if f := asgDenied(needScope(ctx, false)); f != nil {
		return api.AssignmentList{}, f, nil
	}
	p, _ := auth.FromContext(ctx)
	me := p.PersonID
	resource := "assignments:me:" + me.String()
	return s.asgList(ctx, resource, "user not found", assignments.AssignmentFilter{UserID: &me, Self: true},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
}
