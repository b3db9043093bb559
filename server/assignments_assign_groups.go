package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// AssignCourseToGroups assigns a course to every member of groups, now and later
// (bulk_assign).
func (s *Server) AssignCourseToGroups(ctx context.Context, req api.AssignCourseToGroupsRequestObject) (api.AssignCourseToGroupsResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermGroupAssign, true); err != nil {
		return nil, err
	}
	course, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	v := &store.ValidationError{}
	groups := bodyIDs(typeid.Group, req.Body.Groups, "/groups", v)
	if err := invalidIf(v); err != nil {
		return nil, err
	}
	counts, err := s.assignments.AssignGroups(ctx, assignments.GroupAssignInput{CourseID: course, GroupIDs: groups, DueAt: req.Body.DueAt, StartAt: req.Body.StartAt})
	if err != nil {
		return nil, detailFirstViolation(about(err, "course "+req.CourseId))
	}
	return api.AssignCourseToGroups200JSONResponse(toAPIGroupAssignment(typeid.Format(typeid.Course, course), req.Body.DueAt, req.Body.StartAt, counts)), nil
}
