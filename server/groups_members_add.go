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

// AddGroupMembers adds users to a group (repeating is safe); each new member is assigned
// the group's courses.
func (s *Server) AddGroupMembers(ctx context.Context, req api.AddGroupMembersRequestObject) (api.AddGroupMembersResponseObject, error) {
	id, pr := permittedID(ctx, auth.PermGroupAssign, true, typeid.Group, "groupId", req.GroupId)
	if pr == nil && req.Body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	if pr == nil {
		v := &store.ValidationError{}
		users := make([]uuid.UUID, 0, len(req.Body.UserIds))
		for i, raw := range req.Body.UserIds {
			if u := idIn(typeid.Person, &raw, "/userIds/"+itoa(i), v); u != nil {
				users = append(users, *u)
			}
		}
		var err error
		if len(v.Fields) > 0 {
			err = v
		} else {
			var out people.MembersAdded
			if out, err = s.people.Groups().AddMembers(ctx, id, users); err == nil {
				return api.AddGroupMembers200JSONResponse{Added: toAPIPersonIDs(out.Added), AlreadyMembers: toAPIPersonIDs(out.AlreadyMembers), MemberCount: out.MemberCount}, nil
			}
		}
		if pr, err = peopleProblem(ctx, err, "group", req.GroupId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.AddGroupMembers400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.AddGroupMembers403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.AddGroupMembers404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.AddGroupMembers422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("add group members", pr.Status)
}
