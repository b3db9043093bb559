package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ListGroupMembers lists a group's members by name.
func (s *Server) ListGroupMembers(ctx context.Context, req api.ListGroupMembersRequestObject) (api.ListGroupMembersResponseObject, error) {
	id, pr := permittedID(ctx, auth.PermUserView, false, typeid.Group, "groupId", req.GroupId)
	resource := "group-members:" + typeid.Format(typeid.Group, id)
	var after *store.NameCursor
	if pr == nil {
		after, pr = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken)
	}
	if pr == nil {
		page, err := s.people.Groups().Members(ctx, id, peopleLimit(req.Params.Limit), after)
		if err == nil {
			next, err := v2PageToken(ctx, s, resource, page.Next)
			if err != nil {
				return nil, err
			}
			data := make([]api.GroupMember, len(page.Items))
			for i := range page.Items {
				data[i] = toAPIGroupMember(&page.Items[i])
			}
			return api.ListGroupMembers200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
		}
		if pr, err = peopleProblem(ctx, err, "group", req.GroupId); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.ListGroupMembers400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.ListGroupMembers403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sNotFound:
		return api.ListGroupMembers404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("list group members", pr.Status)
}
