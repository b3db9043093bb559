package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// CreateUser adds a person to the tenant. The new user's role must rank below the caller's.
func (s *Server) CreateUser(ctx context.Context, req api.CreateUserRequestObject) (api.CreateUserResponseObject, error) {
	if err := needPerm(ctx, auth.PermUserEdit, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	if err := outranks(ctx, auth.Role(req.Body.Role), "creating a user with the "+string(req.Body.Role)+" role"); err != nil {
		return nil, err
	}
	in, v := toModelNewUser(req.Body)
	if v.Fields != nil {
		return nil, v
	}
	u, err := s.people.Users().Create(ctx, in)
	if err != nil {
		return nil, err
	}
	id := typeid.Format(typeid.Person, u.ID)
	return api.CreateUser201JSONResponse{Body: toAPIUser(u), Headers: api.CreateUser201ResponseHeaders{
		ETag: etag(u.Version), Location: ptr("/api/v2/users/" + id)}}, nil
}

// toModelNewUser reads a user create body; malformed group ids are field errors.
func toModelNewUser(b *api.UserCreate) (people.NewUser, *store.ValidationError) {
	v := &store.ValidationError{}
	in := people.NewUser{Name: b.Name, Email: b.Email, Role: string(b.Role), Attributes: toModelAttributes(b.Attributes)}
	for i, raw := range orEmpty(b.GroupIds) {
		if id := idIn(typeid.Group, &raw, "/groupIds/"+itoa(i), v); id != nil {
			in.GroupIDs = append(in.GroupIDs, *id)
		} else {
			in.GroupIDs = append(in.GroupIDs, uuid.Nil)
		}
	}
	return in, v
}
