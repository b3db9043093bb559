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
	pr := needPerm(ctx, auth.PermUserEdit, true)
	if pr == nil && req.Body == nil {
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &p
	}
	if pr == nil {
		pr = outranks(ctx, auth.Role(req.Body.Role), "creating a user with the "+string(req.Body.Role)+" role")
	}
	if pr == nil {
		in, v := toModelNewUser(req.Body)
		var err error
		if v.Fields != nil {
			err = v
		} else {
			var u *people.User
			if u, err = s.people.Users().Create(ctx, in); err == nil {
				id := typeid.Format(typeid.Person, u.ID)
				return api.CreateUser201JSONResponse{Body: toAPIUser(u), Headers: api.CreateUser201ResponseHeaders{
					ETag: etag(u.Version), Location: ptr("/api/v2/users/" + id)}}, nil
			}
		}
		if pr, err = peopleProblem(ctx, err, "user", ""); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.CreateUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.CreateUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sConflict:
		return api.CreateUser409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.CreateUser422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("create user", pr.Status)
}

// toModelNewUser reads a user create body; malformed group ids are field errors.
func toModelNewUser(b *api.UserCreate) (people.NewUser, *store.ValidationError) {
	v := &store.ValidationError{}
	in := people.NewUser{Name: b.Name, Email: b.Email, Role: string(b.Role)}
	for i, raw := range orEmpty(b.GroupIds) {
		if id := idIn(typeid.Group, &raw, "/groupIds/"+itoa(i), v); id != nil {
			in.GroupIDs = append(in.GroupIDs, *id)
		} else {
			in.GroupIDs = append(in.GroupIDs, uuid.Nil)
		}
	}
	return in, v
}
