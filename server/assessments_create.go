package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
)

// CreateAssessment creates an assessment.
func (s *Server) CreateAssessment(ctx context.Context, req api.CreateAssessmentRequestObject) (api.CreateAssessmentResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.CreateAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := toModelAssessment(*req.Body)
	if err == nil {
		err = s.store.Assessments.Create(ctx, &c)
	}
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		return api.CreateAssessment422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(validationProblem(ctx, ve))}, nil
	case err != nil:
		return nil, fmt.Errorf("create assessment: %w", err)
	}
	out := toAPIAssessment(&c)
	return api.CreateAssessment201JSONResponse{Body: out, Headers: api.CreateAssessment201ResponseHeaders{
		ETag: etag(c.Version), Location: ptr("/api/v1/learning/assessments/" + out.Id),
	}}, nil
}
