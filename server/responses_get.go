package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetAssessmentResponse returns one response: managers and above see any; anyone else
// only their own (another person's is 404, never a hint that it exists).
func (s *Server) GetAssessmentResponse(ctx context.Context, req api.GetAssessmentResponseRequestObject) (api.GetAssessmentResponseResponseObject, error) {
	if err := requireReader(ctx); err != nil {
		return nil, err
	}
	id, err := parseID(ctx, typeid.Assessment, string(req.Id))
	if err != nil {
		return nil, err
	}
	rid, err := idParam(ctx, typeid.Response, "response_id", "the response id is malformed", string(req.ResponseId))
	if err != nil {
		return nil, err
	}
	var only *uuid.UUID
	if requireResponseViewer(ctx) != nil {
		caller, _ := auth.FromContext(ctx)
		only = &caller.PersonID
	}
	r, err := s.learning.Assessments.GetResponse(ctx, id, rid, only)
	if err != nil {
		return nil, about(err, "response "+string(req.ResponseId)) // the store names the operation
	}
	return api.GetAssessmentResponse200JSONResponse(toAPIAssessmentResponse(r)), nil
}

// requireResponseViewer allows managers and above holding the read scope to see every
// response to an assessment.
func requireResponseViewer(ctx context.Context) error {
	if err := requireReader(ctx); err != nil {
		return err
	}
	if caller, _ := auth.FromContext(ctx); !caller.Role.AtLeast(auth.RoleManager) {
		return fail(newProblem(ctx, kindForbidden, "listing an assessment's responses needs the manager role or above"))
	}
	return nil
}
