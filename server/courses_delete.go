package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourse soft-deletes a course; its assignments, progress and certificates stay as
// history and its group assignment rules go.
func (s *Server) DeleteCourse(ctx context.Context, req api.DeleteCourseRequestObject) (api.DeleteCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return deleteCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteCourseProblem(p)
	}
	err := s.courses.Courses().Delete(ctx, id, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteCourseProblem(p)
		}
		return nil, err
	}
	return api.DeleteCourse204Response{}, nil
}

// deleteCourseProblem answers an expected problem of delete course with its typed response.
func deleteCourseProblem(p *api.Problem) (api.DeleteCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete course", p.Status)
}
