package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// UpdateUser applies a merge patch of name and role. The target must rank below the
// caller, and so must a new role; callers may rename themselves but not change their own
// role.
func (s *Server) UpdateUser(ctx context.Context, req api.UpdateUserRequestObject) (api.UpdateUserResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	p, _ := auth.FromContext(ctx)
	id, err := permittedID(ctx, auth.PermUserEdit, true, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	ch := people.UserChange{Name: body.Name, Attributes: toModelAttributes(body.Attributes)}
	if body.Role != nil {
		r := string(*body.Role)
		ch.Role = &r
		if err := outranks(ctx, auth.Role(r), "giving a user the "+r+" role"); err != nil {
			return nil, err
		}
	}
	check := targetBelow(ctx, "changing this user")
	if id == p.PersonID {
		check = func(cur *people.User) error {
			if ch.Role != nil && *ch.Role != cur.Role {
				return fail(newProblem(ctx, kindForbidden, "you cannot change your own role"))
			}
			return nil
		}
	}
	u, _, err := s.people.Users().Update(ctx, id, expected, check, ch)
	if err != nil {
		return nil, about(err, "user "+req.UserId)
	}
	return api.UpdateUser200JSONResponse{Body: toAPIUser(u), Headers: api.UpdateUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
}
