package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// PublishCourse publishes a course that has at least one element and no empty quiz.
func (s *Server) PublishCourse(ctx context.Context, req api.PublishCourseRequestObject) (api.PublishCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return publishCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return publishCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return publishCourseProblem(p)
	}
	c, err := s.courses.Courses().Publish(ctx, id, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return publishCourseProblem(p)
		}
		return nil, err
	}
	return api.PublishCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.PublishCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}

// publishCourseProblem answers an expected problem of publish course with its typed response.
func publishCourseProblem(p *api.Problem) (api.PublishCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.PublishCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.PublishCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.PublishCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sConflict:
		return api.PublishCourse409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: courseConflict(p)}, nil
	case sPrecondition:
		return api.PublishCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.PublishCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("publish course", p.Status)
}
