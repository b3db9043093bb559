package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// ExtendAssignmentDeadline pushes an assignment's deadline back (the seed's
// extend_deadline): user_assign.
func (s *Server) ExtendAssignmentDeadline(ctx context.Context, req api.ExtendAssignmentDeadlineRequestObject) (api.ExtendAssignmentDeadlineResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserAssign, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Assignment, "assignmentId", req.AssignmentId)
	if err != nil {
		return nil, err
	}
	out, err := s.assignments.ExtendDeadline(ctx, id, req.Body.DueAt)
	if err != nil {
		return nil, detailFirstViolation(about(err, "assignment "+req.AssignmentId))
	}
	return api.ExtendAssignmentDeadline200JSONResponse(toAPIAssignment(out)), nil
}
