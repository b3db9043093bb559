package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetEnrolmentRule returns one enrolment rule.
func (s *Server) GetEnrolmentRule(ctx context.Context, req api.GetEnrolmentRuleRequestObject) (api.GetEnrolmentRuleResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserEdit, false, typeid.EnrolmentRule, "ruleId", req.RuleId)
	if err != nil {
		return nil, err
	}
	r, err := s.enrolment.Get(ctx, id)
	if err != nil {
		return nil, about(err, "enrolment rule "+req.RuleId)
	}
	return api.GetEnrolmentRule200JSONResponse{Body: toAPIEnrolmentRule(r), Headers: api.GetEnrolmentRule200ResponseHeaders{ETag: etag(r.Version)}}, nil
}
