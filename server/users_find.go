package server

import (
	"context"
	"errors"

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
	p, _ := auth.FromContext(ctx)
	switch {
	case req.Params.Alias != nil:
		return s.findByAlias(ctx, p, *req.Params.Alias)
	case p.Pseudonymised && deref(req.Params.Query) != "":
		return nil, fail(newProblem(ctx, kindForbidden, "this API key shows people only under aliases, so it searches them by alias only, not by name or address"))
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

// findByAlias is FindUsers with alias: the user behind it, or none. Only a pseudonymising
// key's session (whose results show the alias anyway) or a person, never another MCP
// session, may ask.
func (s *Server) findByAlias(ctx context.Context, p auth.Principal, alias string) (api.FindUsersResponseObject, error) {
	if !p.Pseudonymised && (p.Surface == auth.SurfaceMCP || auth.FromMCPEndpoint(ctx)) {
		return nil, fail(newProblem(ctx, kindForbidden, "aliases are resolved only for a pseudonymising API key or by a person in learnd's UI or API"))
	}
	u, err := s.byAlias(ctx, p, alias)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return api.FindUsers200JSONResponse{Data: []api.User{}}, nil
	case err != nil:
		return nil, err
	}
	return api.FindUsers200JSONResponse{Data: []api.User{toAPIUser(u)}}, nil
}
