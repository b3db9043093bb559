package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ListKeys lists the caller's API keys (admins and owners: any user's), newest first,
// never with their secrets.
func (s *Server) ListKeys(ctx context.Context, req api.ListKeysRequestObject) (api.ListKeysResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	user := p.PersonID
	uid, err := filterID(ctx, typeid.Person, "userId", req.Params.UserId)
	if err != nil {
		return nil, err
	}
	if uid != nil && *uid != p.PersonID {
		if err := requireAdmin(ctx, "listing another user's API keys"); err != nil {
			return nil, err
		}
		user = *uid
	}
	resource := "keys:" + typeid.Format(typeid.Person, user)
	after, err := v2PageCursor[store.TimeCursor](ctx, s, resource, req.Params.PageToken)
	if err != nil {
		return nil, err
	}
	page, err := s.people.Keys().List(ctx, user, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.APIKey, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIKey(&page.Items[i])
	}
	return api.ListKeys200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
