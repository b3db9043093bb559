package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// GetCourse returns a course with its structure (get_course). Callers with course_view
// see any course; others (learners) only a published course assigned to them, without
// the answers, and a 404 for any other.
func (s *Server) GetCourse(ctx context.Context, req api.GetCourseRequestObject) (api.GetCourseResponseObject, error) {
	if p := needScope(ctx, false); p != nil {
		return api.GetCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return api.GetCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	}
	caller, _ := auth.FromContext(ctx)
	var (
		c   *courses.Course
		err error
		a   = courseWithAnswers
	)
	if caller.Can(auth.PermCourseView) {
		c, err = s.courses.Courses().Get(ctx, id)
	} else {
		c, err = s.courses.Courses().GetAssigned(ctx, id)
		a = courseWithoutAnswers
	}
	if err != nil {
		p := courseProblem(ctx, err)
		switch {
		case p == nil:
			return nil, err
		case p.Status == sNotFound:
			p := newProblem(ctx, kindNotFound, "course "+req.CourseId+" not found")
			return api.GetCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(&p)}, nil
		}
		return nil, unexpectedStatus("get course", p.Status)
	}
	return api.GetCourse200JSONResponse{Body: toAPICourse(c, a), Headers: api.GetCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
