package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
)

// FindCourseChains searches course chains by name.
func (s *Server) FindCourseChains(ctx context.Context, req api.FindCourseChainsRequestObject) (api.FindCourseChainsResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseView, false); err != nil {
		return nil, err
	}
	after, err := s.coursePageCursor(ctx, "courseChains", req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.courses.Chains().Find(ctx, courses.ChainQuery{Query: deref(req.Params.Query), Limit: courseLimit(req.Params.Limit), After: after})
	if err != nil {
		return nil, err
	}
	out := api.CourseChainList{Data: make([]api.CourseChain, len(page.Items)), HasMore: page.Next != nil}
	for i := range page.Items {
		out.Data[i] = toAPICourseChain(&page.Items[i])
	}
	if out.NextPageToken, err = s.coursePageToken(ctx, "courseChains", page.Next); err != nil {
		return nil, err
	}
	return api.FindCourseChains200JSONResponse(out), nil
}
