package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// ChangeUserEmail changes a user's email address (change_user_email) and queues the
// email-change notice to the old and the new address. The target must rank below the
// caller, who may also change their own address.
func (s *Server) ChangeUserEmail(ctx context.Context, req api.ChangeUserEmailRequestObject) (api.ChangeUserEmailResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	id, pr := permittedID(ctx, auth.PermUserEdit, true, typeid.Person, "userId", req.UserId)
	if pr == nil && req.Body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	if pr == nil {
		var check people.UserCheck
		if id != p.PersonID {
			check = targetBelow(ctx, "changing this user's email address")
		}
		u, _, err := s.people.Users().ChangeEmail(ctx, id, req.Body.Email, check)
		if err == nil {
			return api.ChangeUserEmail200JSONResponse{Body: toAPIUser(u), Headers: api.ChangeUserEmail200ResponseHeaders{ETag: etag(u.Version)}}, nil
		}
		if pr, err = peopleProblem(ctx, err, "user", req.UserId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.ChangeUserEmail400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.ChangeUserEmail403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.ChangeUserEmail404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sConflict:
		return api.ChangeUserEmail409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.ChangeUserEmail422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("change user email", pr.Status)
}
