package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// CreateGroup creates an empty group (kind team unless told otherwise).
func (s *Server) CreateGroup(ctx context.Context, req api.CreateGroupRequestObject) (api.CreateGroupResponseObject, error) {
	pr := needPerm(ctx, auth.PermGroupAssign, true)
	if pr == nil && req.Body == nil {
		q := newProblem(ctx, kindBadRequest, "a request body is required")
		pr = &q
	}
	if pr == nil {
		in := people.NewGroup{Name: req.Body.Name, Description: req.Body.Description}
		if req.Body.Kind != nil {
			in.Kind = string(*req.Body.Kind)
		}
		g, err := s.people.Groups().Create(ctx, in)
		if err == nil {
			return api.CreateGroup201JSONResponse{Body: toAPIGroup(g), Headers: api.CreateGroup201ResponseHeaders{
				ETag: etag(g.Version), Location: ptr("/api/v2/groups/" + typeid.Format(typeid.Group, g.ID))}}, nil
		}
		if pr, err = peopleProblem(ctx, err, "group", ""); err != nil {
			return nil, err
		}
	}
	switch pr.Status {
	case sBadRequest:
		return api.CreateGroup400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}, nil
	case sForbidden:
		return api.CreateGroup403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	case sInvalid:
		return api.CreateGroup422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	return nil, unexpectedStatus("create group", pr.Status)
}
