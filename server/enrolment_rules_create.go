package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CreateEnrolmentRule creates an enrolment rule and back-fills it (dryRun previews who
// would be assigned what).
func (s *Server) CreateEnrolmentRule(ctx context.Context, req api.CreateEnrolmentRuleRequestObject) (api.CreateEnrolmentRuleResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserEdit, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	in, v := toModelEnrolmentRule(req.Body)
	if v.Fields != nil {
		return nil, v
	}
	made, err := s.enrolment.Create(dryRun(ctx, req.Params.DryRun), in)
	if err != nil {
		return nil, err
	}
	id := typeid.Format(typeid.EnrolmentRule, made.Rule.ID)
	return api.CreateEnrolmentRule201JSONResponse{Body: toAPIEnrolmentApplied(made, deref(req.Params.DryRun)),
		Headers: api.CreateEnrolmentRule201ResponseHeaders{ETag: etag(made.Rule.Version), Location: ptr("/api/v2/enrolment-rules/" + id)}}, nil
}
