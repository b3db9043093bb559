package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
)

// FindCourseChains searches course chains by name.
func (s *Server) FindCourseChains(ctx context.Context, req api.FindCourseChainsRequestObject) (api.FindCourseChainsResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseView, false); p != nil {
		return findCourseChainsProblem(p)
	}
	after, p := s.coursePageCursor(ctx, "courseChains", req.Params.PageToken)
	if p != nil {
		return findCourseChainsProblem(p)
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

// findCourseChainsProblem answers an expected problem of find course chains with its typed response.
func findCourseChainsProblem(p *api.Problem) (api.FindCourseChainsResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.FindCourseChains400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.FindCourseChains403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	}
	return nil, unexpectedStatus("find course chains", p.Status)
}
