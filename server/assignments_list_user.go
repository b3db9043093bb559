package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// ListUserAssignments lists one user's assignments (list_assignments with userId):
// user_assign, or the user themself.
func (s *Server) ListUserAssignments(ctx context.Context, req api.ListUserAssignmentsRequestObject) (api.ListUserAssignmentsResponseObject, error) {
	user, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if isCaller(ctx, user) {
		err = needScope(ctx, false)
	} else {
		err = needPerm(ctx, auth.PermUserAssign, false)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.listAssignments(ctx, "assignments:user:"+user.String(), "user "+req.UserId, assignments.AssignmentFilter{UserID: &user},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
	if err != nil {
		return nil, err
	}
	return api.ListUserAssignments200JSONResponse(out), nil
}
