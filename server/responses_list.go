package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// ListAssessmentResponses lists the responses to an assessment: managers and above.
func (s *Server) ListAssessmentResponses(ctx context.Context, req api.ListAssessmentResponsesRequestObject) (api.ListAssessmentResponsesResponseObject, error) {
	if err := requireResponseViewer(ctx); err != nil {
		return nil, err
	}
	id, err := parseID(ctx, typeid.Assessment, string(req.Id))
	if err != nil {
		return nil, err
	}
	pr := req.Params
	resource := responsesResource(id.String())
	lo, err := s.listOptions(ctx, listParams{resource: resource, pageSize: pr.PageSize, pageToken: pr.PageToken, orderBy: string(deref(pr.OrderBy))})
	if err != nil {
		return nil, err
	}
	q := learning.ResponseQuery{PageSize: lo.PageSize, OrderBy: lo.OrderBy, After: lo.After}
	if q.RespondentID, err = filterID(ctx, typeid.Person, "respondent_id", (*string)(pr.RespondentId)); err != nil {
		return nil, err
	}
	page, err := s.learning.Assessments.ListResponses(ctx, id, q)
	if err != nil {
		return nil, about(err, "assessment "+string(req.Id)) // the store names the operation
	}
	next, err := s.nextToken(ctx, resource, page.Next)
	if err != nil {
		return nil, fmt.Errorf("list assessment responses: %w", err)
	}
	out := api.AssessmentResponseList{Data: make([]api.AssessmentResponse, len(page.Items)), NextPageToken: next, HasMore: next != nil}
	for i := range page.Items {
		out.Data[i] = toAPIAssessmentResponse(&page.Items[i])
	}
	return api.ListAssessmentResponses200JSONResponse(out), nil
}

// responsesResource names the response list of one assessment for its page tokens, so a
// token of one assessment's list is refused on another's.
func responsesResource(assessment string) string { return "assessment_responses/" + assessment }
