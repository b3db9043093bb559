package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
)

// ListMyAssignments lists the caller's own assignments (list_my_assignments): any role
// with the read scope.
func (s *Server) ListMyAssignments(ctx context.Context, req api.ListMyAssignmentsRequestObject) (api.ListMyAssignmentsResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	p, _ := auth.FromContext(ctx)
	me := p.PersonID
	out, err := s.listAssignments(ctx, "assignments:me:"+me.String(), "user", assignments.AssignmentFilter{UserID: &me, Self: true},
		req.Params.Limit, req.Params.PageToken, req.Params.Status)
	if err != nil {
		return nil, err
	}
	return api.ListMyAssignments200JSONResponse(out), nil
}
