package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// ExtendAssignmentDeadline pushes an assignment's deadline back (the seed's
// extend_deadline): user_assign.
func (s *Server) ExtendAssignmentDeadline(ctx context.Context, req api.ExtendAssignmentDeadlineRequestObject) (api.ExtendAssignmentDeadlineResponseObject, error) {
	out, f, err := s.extendDeadline(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.ExtendAssignmentDeadline200JSONResponse(toAPIAssignment(out)), nil
	}
	switch f.status {
	case 400:
		return api.ExtendAssignmentDeadline400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.ExtendAssignmentDeadline403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.ExtendAssignmentDeadline404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 409:
		return api.ExtendAssignmentDeadline409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.ExtendAssignmentDeadline422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("extend assignment deadline: unexpected status %d", f.status)
}

func (s *Server) extendDeadline(ctx context.Context, req api.ExtendAssignmentDeadlineRequestObject) (assignments.Assignment, *asgFailure, error) {
	if f := asgDenied(needPerm(ctx, auth.PermUserAssign, true)); f != nil {
		return assignments.Assignment{}, f, nil
	}
	id, f := asgPathID(ctx, typeid.Assignment, "assignmentId", req.AssignmentId)
	if f != nil {
		return assignments.Assignment{}, f, nil
	}
	out, err := s.assignments.ExtendDeadline(ctx, id, req.Body.DueAt)
	if err != nil {
		f, err := asgClassify(ctx, err, "assignment "+req.AssignmentId+" not found")
		return assignments.Assignment{}, f, err
	}
	return out, nil, nil
}
