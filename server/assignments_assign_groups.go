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

// AssignCourseToGroups assigns a course to every member of groups, now and later
// (bulk_assign).
func (s *Server) AssignCourseToGroups(ctx context.Context, req api.AssignCourseToGroupsRequestObject) (api.AssignCourseToGroupsResponseObject, error) {
	out, f, err := s.assignGroups(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.AssignCourseToGroups200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.AssignCourseToGroups400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.AssignCourseToGroups403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.AssignCourseToGroups404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.AssignCourseToGroups422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("assign course to groups: unexpected status %d", f.status)
}

func (s *Server) assignGroups(ctx context.Context, req api.AssignCourseToGroupsRequestObject) (api.GroupAssignmentResult, *asgFailure, error) {
	var zero api.GroupAssignmentResult
	if f := asgDenied(needPerm(ctx, auth.PermGroupAssign, true)); f != nil {
		return zero, f, nil
	}
	course, f := asgPathID(ctx, typeid.Course, "courseId", req.CourseId)
	if f != nil {
		return zero, f, nil
	}
	v := &store.ValidationError{}
	groups := asgBodyIDs(typeid.Group, req.Body.Groups, "/groups", v)
	if f := asgInvalid(ctx, v); f != nil {
		return zero, f, nil
	}
	counts, err := s.assignments.AssignGroups(ctx, assignments.GroupAssignInput{CourseID: course, GroupIDs: groups, DueAt: req.Body.DueAt, StartAt: req.Body.StartAt})
	if err != nil {
		f, err := asgClassify(ctx, err, "course "+req.CourseId+" not found")
		return zero, f, err
	}
	return toAPIGroupAssignment(typeid.Format(typeid.Course, course), req.Body.DueAt, req.Body.StartAt, counts), nil, nil
}
