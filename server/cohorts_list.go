package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// ListCohorts lists the caller's cohorts.
func (s *Server) ListCohorts(ctx context.Context, req api.ListCohortsRequestObject) (api.ListCohortsResponseObject, error) {
	pr := req.Params
	lo, err := s.listOptions(ctx, listParams{
		resource: "cohorts", pageSize: pr.PageSize, pageToken: pr.PageToken, orderBy: string(deref(pr.OrderBy)),
		showDeleted: pr.ShowDeleted, tags: pr.Tags, q: pr.Q, createdFrom: pr.CreatedAtFrom, createdTo: pr.CreatedAtTo,
	})
	if err != nil {
		return nil, err
	}
	q := learning.CohortQuery{
		ListOptions: lo,
		Status:      string(deref(pr.Status)),
		ProgramID:   deref(pr.ProgramId),
		StartDate:   learning.TimeRange{From: pr.StartDateFrom, To: pr.StartDateTo},
	}
	if q.GroupID, err = filterID(ctx, typeid.Group, "group_id", (*string)(pr.GroupId)); err != nil {
		return nil, err
	}
	page, err := s.learning.Cohorts.List(ctx, q)
	if err != nil {
		return nil, err // the store names the operation
	}
	next, err := s.nextToken(ctx, "cohorts", page.Next)
	if err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	out := api.CohortList{Data: make([]api.Cohort, len(page.Items)), NextPageToken: next, HasMore: next != nil}
	for i := range page.Items {
		out.Data[i] = toAPICohort(&page.Items[i])
	}
	return api.ListCohorts200JSONResponse(out), nil
}
