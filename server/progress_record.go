package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// RecordProgress records the caller's own progress on an assigned course: any role with
// the write scope.
func (s *Server) RecordProgress(ctx context.Context, req api.RecordProgressRequestObject) (api.RecordProgressResponseObject, error) {
	out, f, err := s.recordProgress(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.RecordProgress200JSONResponse(toAPIProgress(out)), nil
	}
	switch f.status {
	case 400:
		return api.RecordProgress400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.RecordProgress403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.RecordProgress404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 409:
		return api.RecordProgress409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.RecordProgress422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("record progress: unexpected status %d", f.status)
}

func (s *Server) recordProgress(ctx context.Context, req api.RecordProgressRequestObject) (assignments.Progress, *asgFailure, error) {
	if f := asgDenied(needScope(ctx, true)); f != nil {
		return assignments.Progress{}, f, nil
	}
	course, f := asgPathID(ctx, typeid.Course, "courseId", req.CourseId)
	if f != nil {
		return assignments.Progress{}, f, nil
	}
	v := &store.ValidationError{}
	in := toModelProgress(course, *req.Body, v)
	if f := asgInvalid(ctx, v); f != nil {
		return assignments.Progress{}, f, nil
	}
	out, err := s.assignments.RecordProgress(ctx, in)
	if err != nil {
		f, err := asgClassify(ctx, err, "course "+req.CourseId+" is not assigned to you")
		return assignments.Progress{}, f, err
	}
	return out, nil, nil
}
