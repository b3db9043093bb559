package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateCourse creates an empty draft course owned by the caller.
func (s *Server) CreateCourse(ctx context.Context, req api.CreateCourseRequestObject) (api.CreateCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return api.CreateCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	}
	if req.Body == nil {
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return api.CreateCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(&p)}, nil
	}
	c, err := s.courses.Courses().CreateWithStructure(ctx, toModelCourseDraft(*req.Body))
	if err != nil {
		p := courseProblem(ctx, err)
		switch {
		case p == nil:
			return nil, err
		case p.Status == sForbidden:
			return api.CreateCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
		case p.Status == sInvalid:
			return api.CreateCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
		}
		return nil, unexpectedStatus("create course", p.Status)
	}
	out := toAPICourse(c, courseWithAnswers)
	return api.CreateCourse201JSONResponse{Body: out, Headers: api.CreateCourse201ResponseHeaders{ETag: etag(c.Version), Location: courseLocation(out.Id)}}, nil
}
