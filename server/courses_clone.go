package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CloneCourse copies a course with its whole structure into a draft owned by the caller
// (clone_course).
func (s *Server) CloneCourse(ctx context.Context, req api.CloneCourseRequestObject) (api.CloneCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return cloneCourseProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return cloneCourseProblem(&p)
	}
	id, p := courseBodyID(ctx, typeid.Course, "/courseId", req.Body.CourseId)
	if p != nil {
		return cloneCourseProblem(p)
	}
	c, err := s.courses.Courses().Clone(ctx, id, req.Body.Name)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			if p.Status == sNotFound {
				np := newProblem(ctx, kindNotFound, "course "+req.Body.CourseId+" not found")
				p = &np
			}
			return cloneCourseProblem(p)
		}
		return nil, err
	}
	out := toAPICourse(c, courseWithAnswers)
	return api.CloneCourse201JSONResponse{Body: out, Headers: api.CloneCourse201ResponseHeaders{ETag: etag(c.Version), Location: courseLocation(out.Id)}}, nil
}

// cloneCourseProblem answers an expected problem of clone course with its typed response.
func cloneCourseProblem(p *api.Problem) (api.CloneCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CloneCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CloneCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.CloneCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sInvalid:
		return api.CloneCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("clone course", p.Status)
}
