package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnshareCourse removes a user's share of a course.
func (s *Server) UnshareCourse(ctx context.Context, req api.UnshareCourseRequestObject) (api.UnshareCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return unshareCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return unshareCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return unshareCourseProblem(p)
	}
	user, p := pathID(ctx, typeid.Person, "userId", req.UserId)
	if p != nil {
		return unshareCourseProblem(p)
	}
	version, err := s.courses.Courses().Unshare(ctx, id, user, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return unshareCourseProblem(p)
		}
		return nil, err
	}
	return api.UnshareCourse204Response{Headers: api.UnshareCourse204ResponseHeaders{ETag: etag(version)}}, nil
}

// unshareCourseProblem answers an expected problem of unshare course with its typed response.
func unshareCourseProblem(p *api.Problem) (api.UnshareCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UnshareCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UnshareCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UnshareCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UnshareCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("unshare course", p.Status)
}
