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
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	user, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	sh, version, _, err := s.courses.Courses().Share(ctx, id, user, expected)
	if err != nil {
		return nil, err
	}
	return api.ShareCourse200JSONResponse{Body: toAPICourseShare(sh), Headers: api.ShareCourse200ResponseHeaders{ETag: etag(version)}}, nil
}
