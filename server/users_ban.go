package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// BanUser bans a user below the caller (ban_user): their tokens and keys are refused from
// their next request; their history stays. Banning a banned user changes nothing.
func (s *Server) BanUser(ctx context.Context, req api.BanUserRequestObject) (api.BanUserResponseObject, error) {
	pr := needPerm(ctx, auth.PermUserBan, true)
	if pr == nil && req.Body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	if pr == nil {
		id, vpr := bodyUserID(ctx, req.Body.UserId)
		pr = vpr
		if pr == nil {
			u, _, err := s.people.Users().Ban(ctx, id, targetBelow(ctx, "banning this user"))
			if err == nil {
				return api.BanUser200JSONResponse{Body: toAPIUser(u), Headers: api.BanUser200ResponseHeaders{ETag: etag(u.Version)}}, nil
			}
			if pr, err = peopleProblem(ctx, err, "user", req.Body.UserId); err != nil {
				return nil, err
			}
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.BanUser400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.BanUser403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.BanUser404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.BanUser422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("ban user", pr.Status)
}

// bodyUserID parses a user id member of a body; malformed is a 422 naming /userId.
func bodyUserID(ctx context.Context, raw string) (uuid.UUID, *api.Problem) {
	u, err := typeid.Parse(typeid.Person, raw)
	if err != nil {
		p := withFields(newProblem(ctx, kindValidation, "the request body is invalid"),
			[]api.FieldError{{Pointer: ptr("/userId"), Detail: "must be a per_… id"}})
		return u, &p
	}
	return u, nil
}
