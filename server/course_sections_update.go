package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourseSection renames or moves a section.
func (s *Server) UpdateCourseSection(ctx context.Context, req api.UpdateCourseSectionRequestObject) (api.UpdateCourseSectionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return updateCourseSectionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return updateCourseSectionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return updateCourseSectionProblem(p)
	}
	section, p := pathID(ctx, typeid.Section, "sectionId", req.SectionId)
	if p != nil {
		return updateCourseSectionProblem(p)
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return updateCourseSectionProblem(&p)
	}
	sec, version, err := s.courses.Courses().UpdateSection(ctx, id, section, expected, courses.SectionChange{Title: body.Title, Position: body.Position})
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return updateCourseSectionProblem(p)
		}
		return nil, err
	}
	return api.UpdateCourseSection200JSONResponse{Body: toAPICourseSection(&sec, courseWithAnswers), Headers: api.UpdateCourseSection200ResponseHeaders{ETag: etag(version)}}, nil
}

// updateCourseSectionProblem answers an expected problem of update section with its typed response.
func updateCourseSectionProblem(p *api.Problem) (api.UpdateCourseSectionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UpdateCourseSection400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UpdateCourseSection403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UpdateCourseSection404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UpdateCourseSection412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.UpdateCourseSection422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("update section", p.Status)
}
