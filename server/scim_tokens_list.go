package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
)

// ListSCIMTokens lists the tenant's SCIM tokens, newest first, never with their secrets.
// Owners only.
func (s *Server) ListSCIMTokens(ctx context.Context, req api.ListSCIMTokensRequestObject) (api.ListSCIMTokensResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	if err := requireOwner(ctx, "listing SCIM tokens"); err != nil {
		return nil, err
	}
	const resource = "scim_tokens"
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.people.SCIMTokens().List(ctx, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.SCIMToken, len(page.Items))
	for i := range page.Items {
		data[i] = toAPISCIMToken(&page.Items[i])
	}
	return api.ListSCIMTokens200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
