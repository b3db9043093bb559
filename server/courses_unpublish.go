package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnpublishCourse takes a published course back to draft (or archives it).
func (s *Server) UnpublishCourse(ctx context.Context, req api.UnpublishCourseRequestObject) (api.UnpublishCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return unpublishCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return unpublishCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return unpublishCourseProblem(p)
	}
	c, err := s.courses.Courses().Unpublish(ctx, id, expected, deref(req.Params.Archive))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return unpublishCourseProblem(p)
		}
		return nil, err
	}
	return api.UnpublishCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.UnpublishCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}

// unpublishCourseProblem answers an expected problem of unpublish course with its typed response.
func unpublishCourseProblem(p *api.Problem) (api.UnpublishCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UnpublishCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UnpublishCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UnpublishCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sConflict:
		return api.UnpublishCourse409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: courseConflict(p)}, nil
	case sPrecondition:
		return api.UnpublishCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("unpublish course", p.Status)
}
