package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RecordProgress records the caller's own progress on an assigned course: any role with
// the write scope.
func (s *Server) RecordProgress(ctx context.Context, req api.RecordProgressRequestObject) (api.RecordProgressResponseObject, error) {
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	course, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	v := &store.ValidationError{}
	in := toModelProgress(course, *req.Body, v)
	if err := invalidIf(v); err != nil {
		return nil, err
	}
	out, err := s.assignments.RecordProgress(ctx, in)
	if err != nil {
		return nil, detailFirstViolation(describe(err, store.ErrNotFound, "course "+req.CourseId+" is not assigned to you"))
	}
	return api.RecordProgress200JSONResponse(toAPIProgress(out)), nil
}
