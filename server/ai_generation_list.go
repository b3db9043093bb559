package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
)

// ListCourseGenerations lists the caller's generation jobs, newest first (the MCP
// tasks/list of its tasks). It never counts against the AI quota.
func (s *Server) ListCourseGenerations(ctx context.Context, req api.ListCourseGenerationsRequestObject) (api.ListCourseGenerationsResponseObject, error) {
	if err := aiGate(ctx, false); err != nil {
		return nil, err
	}
	const resource = "generation_jobs"
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.materials.Generations().List(ctx, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.CourseGenerationJob, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIGenerationJob(page.Items[i])
	}
	return api.ListCourseGenerations200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
