package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseChain soft-deletes a course chain (its owner, an admin or an owner).
func (s *Server) DeleteCourseChain(ctx context.Context, req api.DeleteCourseChainRequestObject) (api.DeleteCourseChainResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if err != nil {
		return nil, err
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	if err := s.courses.Chains().Delete(ctx, id, expected); err != nil {
		return nil, err
	}
	return api.DeleteCourseChain204Response{}, nil
}
