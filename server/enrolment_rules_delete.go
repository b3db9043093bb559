package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteEnrolmentRule deletes an enrolment rule; what it assigned stays.
func (s *Server) DeleteEnrolmentRule(ctx context.Context, req api.DeleteEnrolmentRuleRequestObject) (api.DeleteEnrolmentRuleResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserEdit, true, typeid.EnrolmentRule, "ruleId", req.RuleId)
	if err != nil {
		return nil, err
	}
	if err := s.enrolment.Delete(ctx, id); err != nil {
		return nil, about(err, "enrolment rule "+req.RuleId)
	}
	return api.DeleteEnrolmentRule204Response{}, nil
}
