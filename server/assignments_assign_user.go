package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// AssignCourseToUser assigns a course to one user (assign_training): 201 for a new
// assignment, 200 with the existing one when the user already holds the course.
func (s *Server) AssignCourseToUser(ctx context.Context, req api.AssignCourseToUserRequestObject) (api.AssignCourseToUserResponseObject, error) {
	out, created, f, err := s.assignUser(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		if created {
			return api.AssignCourseToUser201JSONResponse(toAPIAssignment(out)), nil
		}
		return api.AssignCourseToUser200JSONResponse(toAPIAssignment(out)), nil
	}
	switch f.status {
	case 400:
		return api.AssignCourseToUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.AssignCourseToUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.AssignCourseToUser404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.AssignCourseToUser422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("assign course to user: unexpected status %d", f.status)
}

func (s *Server) assignUser(ctx context.Context, req api.AssignCourseToUserRequestObject) (assignments.Assignment, bool, *asgFailure, error) {
	if f := asgDenied(needPerm(ctx, auth.PermUserAssign, true)); f != nil {
		return assignments.Assignment{}, false, f, nil
	}
	course, f := asgPathID(ctx, typeid.Course, "courseId", req.CourseId)
	if f != nil {
		return assignments.Assignment{}, false, f, nil
	}
	v := &store.ValidationError{}
	user := idIn(typeid.Person, &req.Body.UserId, "/userId", v)
	if f := asgInvalid(ctx, v); f != nil {
		return assignments.Assignment{}, false, f, nil
	}
	out, created, err := s.assignments.AssignUser(ctx, assignments.AssignInput{CourseID: course, UserID: *user, DueAt: req.Body.DueAt, StartAt: req.Body.StartAt})
	if err != nil {
		f, err := asgClassify(ctx, err, "course "+req.CourseId+" not found")
		return assignments.Assignment{}, false, f, err
	}
	return out, created, nil, nil
}
