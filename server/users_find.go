package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// FindUsers searches users by a case-insensitive substring of name or email (find_user).
func (s *Server) FindUsers(ctx context.Context, req api.FindUsersRequestObject) (api.FindUsersResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserView, false); err != nil {
		return nil, err
	}
	q := people.UserQuery{Query: deref(req.Params.Query), Limit: peopleLimit(req.Params.Limit)}
	if req.Params.Role != nil {
		q.Role = string(*req.Params.Role)
	}
	if req.Params.Status != nil {
		q.Status = string(*req.Params.Status)
	}
	gid, err := filterID(ctx, typeid.Group, "groupId", req.Params.GroupId)
	if err != nil {
		return nil, err
	}
	q.GroupID = gid
	const resource = "users"
	if q.After, err = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken); err != nil {
		return nil, err
	}
	page, err := s.people.Users().Find(ctx, q)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	return api.FindUsers200JSONResponse{Data: toAPIUsers(page.Items), NextPageToken: next, HasMore: next != nil}, nil
}
