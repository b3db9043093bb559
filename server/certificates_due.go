package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
)

// ListRecertificationDue lists the tenant's certificates due for renewal within a window
// (get_recertification_due): common_stat.
func (s *Server) ListRecertificationDue(ctx context.Context, req api.ListRecertificationDueRequestObject) (api.ListRecertificationDueResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	within := assignments.DefaultDueWithinDays
	if req.Params.WithinDays != nil {
		within = *req.Params.WithinDays
	}
	resource := "recertification-due:" + itoa(within)
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.assignments.RecertificationDue(ctx, within, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.RecertificationDue, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIRecertificationDue(&page.Items[i])
	}
	return api.ListRecertificationDue200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
