package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// AssignCourseChain assigns every course of a chain to users and groups (assign_chain):
// user_assign plus ownership of the chain.
func (s *Server) AssignCourseChain(ctx context.Context, req api.AssignCourseChainRequestObject) (api.AssignCourseChainResponseObject, error) {
	out, f, err := s.assignChain(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.AssignCourseChain200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.AssignCourseChain400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.AssignCourseChain403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.AssignCourseChain404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.AssignCourseChain422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("assign course chain: unexpected status %d", f.status)
}

func (s *Server) assignChain(ctx context.Context, req api.AssignCourseChainRequestObject) (api.ChainAssignmentResult, *asgFailure, error) {
	var zero api.ChainAssignmentResult
	if f := asgDenied(needPerm(ctx, auth.PermUserAssign, true)); f != nil {
		return zero, f, nil
	}
	chain, f := asgPathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if f != nil {
		return zero, f, nil
	}
	v := &store.ValidationError{}
	users := asgBodyIDs(typeid.Person, orEmpty(req.Body.Users), "/users", v)
	groups := asgBodyIDs(typeid.Group, orEmpty(req.Body.Groups), "/groups", v)
	if len(orEmpty(req.Body.Users)) == 0 && len(orEmpty(req.Body.Groups)) == 0 {
		v.Fields = append(v.Fields, store.FieldError{Detail: "name at least one user (users) or group (groups)"})
	}
	if f := asgInvalid(ctx, v); f != nil {
		return zero, f, nil
	}
	res, err := s.assignments.AssignChain(ctx, assignments.ChainAssignInput{ChainID: chain, UserIDs: users, GroupIDs: groups, DueAt: req.Body.DueAt})
	if err != nil {
		f, err := asgClassify(ctx, err, "course chain "+req.ChainId+" not found")
		return zero, f, err
	}
	return toAPIChainAssignment(res, req.Body.DueAt), nil, nil
}
