package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// GetAssessmentResponse returns one response: managers and above see any; anyone else
// only their own (another person's is 404, never a hint that it exists).
func (s *Server) GetAssessmentResponse(ctx context.Context, req api.GetAssessmentResponseRequestObject) (api.GetAssessmentResponseResponseObject, error) {
	if p := requireReader(ctx); p != nil {
		return api.GetAssessmentResponse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, string(req.Id))
	if p != nil {
		return api.GetAssessmentResponse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	rid, err := typeid.Parse(typeid.Response, string(req.ResponseId))
	if err != nil {
		pr := withFields(newProblem(ctx, kindBadRequest, "the response id is malformed"),
			[]api.FieldError{{Parameter: ptr("response_id"), Detail: "must be a " + typeid.Response + "_… id"}})
		return api.GetAssessmentResponse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(pr)}, nil
	}
	var only *uuid.UUID
	if requireResponseViewer(ctx) != nil {
		caller, _ := auth.FromContext(ctx)
		only = &caller.PersonID
	}
	r, err := s.learning.Assessments.GetResponse(ctx, id, rid, only)
	if learning.IsNotFound(err) {
		return api.GetAssessmentResponse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "response", string(req.ResponseId)))}, nil
	}
	if err != nil {
		return nil, err // the store names the operation
	}
	return api.GetAssessmentResponse200JSONResponse(toAPIAssessmentResponse(r)), nil
}

// requireResponseViewer allows managers and above holding the read scope to see every
// response to an assessment.
func requireResponseViewer(ctx context.Context) *api.Problem {
	if p := requireReader(ctx); p != nil {
		return p
	}
	if caller, _ := auth.FromContext(ctx); !caller.Role.AtLeast(auth.RoleManager) {
		pr := newProblem(ctx, kindForbidden, "listing an assessment's responses needs the manager role or above")
		return &pr
	}
	return nil
}
