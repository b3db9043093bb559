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
	if p := requireResponseViewer(ctx); p != nil {
		return api.ListAssessmentResponses403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	bad := func(p *api.Problem) (api.ListAssessmentResponsesResponseObject, error) {
		return api.ListAssessmentResponses400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, string(req.Id))
	if p != nil {
		return bad(p)
	}
	pr := req.Params
	resource := responsesResource(id.String())
	lo, p := s.listOptions(ctx, listParams{resource: resource, pageSize: pr.PageSize, pageToken: pr.PageToken, orderBy: string(deref(pr.OrderBy))})
	if p != nil {
		if p.Status == sForbidden {
			return api.ListAssessmentResponses403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
		}
		return bad(p)
	}
	q := learning.ResponseQuery{PageSize: lo.PageSize, OrderBy: lo.OrderBy, After: lo.After}
	if q.RespondentID, p = filterID(ctx, typeid.Person, "respondent_id", (*string)(pr.RespondentId)); p != nil {
		return bad(p)
	}
	page, err := s.learning.Assessments.ListResponses(ctx, id, q)
	if learning.IsNotFound(err) {
		return api.ListAssessmentResponses404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", string(req.Id)))}, nil
	}
	if err != nil {
		return nil, err // the store names the operation
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
