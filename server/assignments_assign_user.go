package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// AssignCourseToUser assigns a course to one user (assign_training): 201 for a new
// assignment, 200 with the existing one when the user already holds the course.
func (s *Server) AssignCourseToUser(ctx context.Context, req api.AssignCourseToUserRequestObject) (api.AssignCourseToUserResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserAssign, true); err != nil {
		return nil, err
	}
	course, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	v := &store.ValidationError{}
	user := idIn(typeid.Person, &req.Body.UserId, "/userId", v)
	if err := invalidIf(v); err != nil {
		return nil, err
	}
	out, created, err := s.assignments.AssignUser(ctx, assignments.AssignInput{CourseID: course, UserID: *user, DueAt: req.Body.DueAt, StartAt: req.Body.StartAt})
	if err != nil {
		return nil, detailFirstViolation(about(err, "course "+req.CourseId))
	}
	if created {
		return api.AssignCourseToUser201JSONResponse(toAPIAssignment(out)), nil
	}
	return api.AssignCourseToUser200JSONResponse(toAPIAssignment(out)), nil
}
