package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// ShareCourse lets a user (whose role grants course_edit) edit the course. Only the
// course's owner, an admin or an owner may share; re-sharing is a no-op.
func (s *Server) ShareCourse(ctx context.Context, req api.ShareCourseRequestObject) (api.ShareCourseResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return shareCourseProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return shareCourseProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return shareCourseProblem(p)
	}
	user, p := pathID(ctx, typeid.Person, "userId", req.UserId)
	if p != nil {
		return shareCourseProblem(p)
	}
	sh, version, _, err := s.courses.Courses().Share(ctx, id, user, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return shareCourseProblem(p)
		}
		return nil, err
	}
	return api.ShareCourse200JSONResponse{Body: toAPICourseShare(sh), Headers: api.ShareCourse200ResponseHeaders{ETag: etag(version)}}, nil
}

// shareCourseProblem answers an expected problem of share course with its typed response.
func shareCourseProblem(p *api.Problem) (api.ShareCourseResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.ShareCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.ShareCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.ShareCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.ShareCourse412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.ShareCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("share course", p.Status)
}
