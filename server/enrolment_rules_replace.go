package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// ReplaceEnrolmentRule replaces an enrolment rule and back-fills it (dryRun previews).
func (s *Server) ReplaceEnrolmentRule(ctx context.Context, req api.ReplaceEnrolmentRuleRequestObject) (api.ReplaceEnrolmentRuleResponseObject, error) {
	id, err := permittedID(ctx, auth.PermUserEdit, true, typeid.EnrolmentRule, "ruleId", req.RuleId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	in, v := toModelEnrolmentRule(req.Body)
	if v.Fields != nil {
		return nil, v
	}
	made, err := s.enrolment.Replace(dryRun(ctx, req.Params.DryRun), id, expected, in)
	if err != nil {
		return nil, about(err, "enrolment rule "+req.RuleId)
	}
	return api.ReplaceEnrolmentRule200JSONResponse{Body: toAPIEnrolmentApplied(made, deref(req.Params.DryRun)),
		Headers: api.ReplaceEnrolmentRule200ResponseHeaders{ETag: etag(made.Rule.Version)}}, nil
}
