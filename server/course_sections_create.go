package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// CreateCourseSection adds a section to a course.
func (s *Server) CreateCourseSection(ctx context.Context, req api.CreateCourseSectionRequestObject) (api.CreateCourseSectionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return createCourseSectionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return createCourseSectionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return createCourseSectionProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return createCourseSectionProblem(&p)
	}
	sec, version, err := s.courses.Courses().AddSection(ctx, id, expected, courses.NewSection{Title: req.Body.Title, Position: req.Body.Position})
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return createCourseSectionProblem(p)
		}
		return nil, err
	}
	return api.CreateCourseSection201JSONResponse{Body: toAPICourseSection(&sec, courseWithAnswers), Headers: api.CreateCourseSection201ResponseHeaders{ETag: etag(version)}}, nil
}

// createCourseSectionProblem answers an expected problem of add section with its typed response.
func createCourseSectionProblem(p *api.Problem) (api.CreateCourseSectionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CreateCourseSection400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CreateCourseSection403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.CreateCourseSection404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.CreateCourseSection412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.CreateCourseSection422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("add section", p.Status)
}
