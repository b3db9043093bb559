package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourse applies a merge patch to a course's name, annotation, tags and settings.
func (s *Server) UpdateCourse(ctx context.Context, req api.UpdateCourseRequestObject) (api.UpdateCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return updateCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return updateCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return updateCourseProblem(p)
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return updateCourseProblem(&p)
	}
	c, err := s.courses.Courses().Update(ctx, id, expected, toModelCourseChange(*body))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return updateCourseProblem(p)
		}
		return nil, err
	}
	return api.UpdateCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.UpdateCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}

// updateCourseProblem answers an expected problem of update course with its typed response.
func updateCourseProblem(p *api.Problem) (api.UpdateCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UpdateCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UpdateCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UpdateCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UpdateCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.UpdateCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("update course", p.Status)
}
