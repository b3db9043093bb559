package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// ListAssessments lists the caller's assessments.
func (s *Server) ListAssessments(ctx context.Context, req api.ListAssessmentsRequestObject) (api.ListAssessmentsResponseObject, error) {
	pr := req.Params
	lo, err := s.listOptions(ctx, listParams{
		resource: "assessments", pageSize: pr.PageSize, pageToken: pr.PageToken, orderBy: string(deref(pr.OrderBy)),
		showDeleted: pr.ShowDeleted, tags: pr.Tags, q: pr.Q, createdFrom: pr.CreatedAtFrom, createdTo: pr.CreatedAtTo,
	})
	if err != nil {
		return nil, err
	}
	q := learning.AssessmentQuery{
		ListOptions: lo,
		Status:      string(deref(pr.Status)),
		Kind:        string(deref(pr.Kind)),
		DueDate:     learning.TimeRange{From: pr.DueDateFrom, To: pr.DueDateTo},
	}
	if q.TargetCohortID, err = filterID(ctx, typeid.Cohort, "target_cohort_id", (*string)(pr.TargetCohortId)); err != nil {
		return nil, err
	}
	page, err := s.learning.Assessments.List(ctx, q)
	if err != nil {
		return nil, err // the store names the operation
	}
	next, err := s.nextToken(ctx, "assessments", page.Next)
	if err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	out := api.AssessmentList{Data: make([]api.Assessment, len(page.Items)), NextPageToken: next, HasMore: next != nil}
	for i := range page.Items {
		out.Data[i] = toAPIAssessment(&page.Items[i])
	}
	return api.ListAssessments200JSONResponse(out), nil
}
