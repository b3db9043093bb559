package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseSection deletes a section with its elements.
func (s *Server) DeleteCourseSection(ctx context.Context, req api.DeleteCourseSectionRequestObject) (api.DeleteCourseSectionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteCourseSectionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return deleteCourseSectionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteCourseSectionProblem(p)
	}
	section, p := pathID(ctx, typeid.Section, "sectionId", req.SectionId)
	if p != nil {
		return deleteCourseSectionProblem(p)
	}
	version, err := s.courses.Courses().DeleteSection(ctx, id, section, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteCourseSectionProblem(p)
		}
		return nil, err
	}
	return api.DeleteCourseSection204Response{Headers: api.DeleteCourseSection204ResponseHeaders{ETag: etag(version)}}, nil
}

// deleteCourseSectionProblem answers an expected problem of delete section with its typed response.
func deleteCourseSectionProblem(p *api.Problem) (api.DeleteCourseSectionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteCourseSection400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteCourseSection403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteCourseSection404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteCourseSection412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete section", p.Status)
}
