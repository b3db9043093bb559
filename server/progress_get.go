package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GetProgress returns the caller's progress on an assigned course, or (with user_assign)
// another user's.
func (s *Server) GetProgress(ctx context.Context, req api.GetProgressRequestObject) (api.GetProgressResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	p, _ := auth.FromContext(ctx)
	user := p.PersonID
	if req.Params.UserId != nil {
		u, err := pathID(ctx, typeid.Person, "userId", *req.Params.UserId)
		if err != nil {
			return nil, err
		}
		if !isCaller(ctx, u) {
			if err := needPerm(ctx, auth.PermUserAssign, false); err != nil {
				return nil, err
			}
		}
		user = u
	}
	course, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	out, err := s.assignments.GetProgress(ctx, course, user)
	if err != nil {
		return nil, detailFirstViolation(describe(err, store.ErrNotFound, "course "+req.CourseId+" is not assigned to this user"))
	}
	return api.GetProgress200JSONResponse(toAPIProgress(out)), nil
}
