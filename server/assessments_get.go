package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GetAssessment returns one assessment.
func (s *Server) GetAssessment(ctx context.Context, req api.GetAssessmentRequestObject) (api.GetAssessmentResponseObject, error) {
	id, p := parseID(ctx, typeid.Assessment, req.Id)
	if p != nil {
		return api.GetAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	withDeleted := deref(req.Params.ShowDeleted)
	if withDeleted {
		if p := requireAdmin(ctx, "show_deleted"); p != nil {
			return api.GetAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
		}
	}
	c, err := s.store.Assessments.Get(ctx, id, withDeleted)
	switch {
	case store.IsNotFound(err):
		return api.GetAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", req.Id))}, nil
	case err != nil:
		return nil, fmt.Errorf("get assessment: %w", err)
	}
	return api.GetAssessment200JSONResponse{Body: toAPIAssessment(c), Headers: api.GetAssessment200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
