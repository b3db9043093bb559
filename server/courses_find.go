package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
)

// FindCourses searches courses by name (find_course).
func (s *Server) FindCourses(ctx context.Context, req api.FindCoursesRequestObject) (api.FindCoursesResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseView, false); err != nil {
		return nil, err
	}
	after, err := s.coursePageCursor(ctx, "courses", req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	q := courses.CourseQuery{Query: deref(req.Params.Query), Tag: deref(req.Params.Tag), Limit: courseLimit(req.Params.Limit), After: after}
	if req.Params.Status != nil {
		q.Status = string(*req.Params.Status)
	}
	page, err := s.courses.Courses().Find(ctx, q)
	if err != nil {
		return nil, err
	}
	out := api.CourseList{Data: make([]api.CourseSummary, len(page.Items)), HasMore: page.Next != nil}
	for i := range page.Items {
		out.Data[i] = toAPICourseSummary(&page.Items[i])
	}
	if out.NextPageToken, err = s.coursePageToken(ctx, "courses", page.Next); err != nil {
		return nil, err
	}
	return api.FindCourses200JSONResponse(out), nil
}
