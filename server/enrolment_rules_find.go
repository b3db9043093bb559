package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/enrolment"
)

// FindEnrolmentRules lists the tenant's enrolment rules by name.
func (s *Server) FindEnrolmentRules(ctx context.Context, req api.FindEnrolmentRulesRequestObject) (api.FindEnrolmentRulesResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserEdit, false); err != nil {
		return nil, err
	}
	q := enrolment.Query{Limit: peopleLimit(req.Params.Limit)}
	const resource = "enrolment-rules"
	var err error
	if q.After, err = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken); err != nil {
		return nil, err
	}
	page, err := s.enrolment.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	return api.FindEnrolmentRules200JSONResponse{Data: toAPIEnrolmentRules(page.Items), NextPageToken: next, HasMore: next != nil}, nil
}
