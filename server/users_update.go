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
	id, pr := permittedID(ctx, auth.PermUserEdit, true, typeid.Person, "userId", req.UserId)
	if pr == nil && body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	var expected *int
	if pr == nil {
		expected, pr = optionalPrecondition(ctx, req.Params.IfMatch)
	}
	ch := people.UserChange{}
	if pr == nil {
		ch.Name = body.Name
		if body.Role != nil {
			r := string(*body.Role)
			ch.Role = &r
			pr = outranks(ctx, auth.Role(r), "giving a user the "+r+" role")
		}
	}
	if pr == nil {
		check := targetBelow(ctx, "changing this user")
		if id == p.PersonID {
			check = func(cur *people.User) error {
				if ch.Role != nil && *ch.Role != cur.Role {
					return &problemError{problem: newProblem(ctx, kindForbidden, "you cannot change your own role")}
				}
				return nil
			}
		}
		u, _, err := s.people.Users().Update(ctx, id, expected, check, ch)
		if err == nil {
			return api.UpdateUser200JSONResponse{Body: toAPIUser(u), Headers: api.UpdateUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
		}
		if pr, err = peopleProblem(ctx, err, "user", req.UserId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.UpdateUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.UpdateUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.UpdateUser404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sPrecondition:
		return api.UpdateUser412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.UpdateUser422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("update user", pr.Status)
}
