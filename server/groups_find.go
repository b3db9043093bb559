package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
)

// FindGroups searches groups by a case-insensitive substring of the name.
func (s *Server) FindGroups(ctx context.Context, req api.FindGroupsRequestObject) (api.FindGroupsResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserView, false); err != nil {
		return nil, err
	}
	q := people.GroupQuery{Query: deref(req.Params.Query), Limit: peopleLimit(req.Params.Limit)}
	if req.Params.Kind != nil {
		q.Kind = string(*req.Params.Kind)
	}
	const resource = "groups"
	var err error
	if q.After, err = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken); err != nil {
		return nil, err
	}
	page, err := s.people.Groups().Find(ctx, q)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	return api.FindGroups200JSONResponse{Data: toAPIGroups(page.Items), NextPageToken: next, HasMore: next != nil}, nil
}
