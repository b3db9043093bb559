package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// AssignCourseChain assigns every course of a chain to users and groups (assign_chain):
// user_assign plus ownership of the chain.
func (s *Server) AssignCourseChain(ctx context.Context, req api.AssignCourseChainRequestObject) (api.AssignCourseChainResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserAssign, true); err != nil {
		return nil, err
	}
	chain, err := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if err != nil {
		return nil, err
	}
	v := &store.ValidationError{}
	users := bodyIDs(typeid.Person, orEmpty(req.Body.Users), "/users", v)
	groups := bodyIDs(typeid.Group, orEmpty(req.Body.Groups), "/groups", v)
	if len(orEmpty(req.Body.Users)) == 0 && len(orEmpty(req.Body.Groups)) == 0 {
		v.Fields = append(v.Fields, store.FieldError{Detail: "name at least one user (users) or group (groups)"})
	}
	if err := invalidIf(v); err != nil {
		return nil, err
	}
	res, err := s.assignments.AssignChain(ctx, assignments.ChainAssignInput{ChainID: chain, UserIDs: users, GroupIDs: groups, DueAt: req.Body.DueAt})
	if err != nil {
		return nil, detailFirstViolation(about(err, "course chain "+req.ChainId))
	}
	return api.AssignCourseChain200JSONResponse(toAPIChainAssignment(res, req.Body.DueAt)), nil
}
