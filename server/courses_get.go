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
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	caller, _ := auth.FromContext(ctx)
	var (
		c *courses.Course
		a = courseWithAnswers
	)
	if caller.Can(auth.PermCourseView) {
		c, err = s.courses.Courses().Get(ctx, id)
	} else {
		c, err = s.courses.Courses().GetAssigned(ctx, id)
		a = courseWithoutAnswers
	}
	if err != nil {
		return nil, about(err, "course "+req.CourseId)
	}
	return api.GetCourse200JSONResponse{Body: toAPICourse(c, a), Headers: api.GetCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
