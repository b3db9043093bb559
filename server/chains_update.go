package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourseChain applies a merge patch to a course chain (its owner, an admin or an
// owner).
func (s *Server) UpdateCourseChain(ctx context.Context, req api.UpdateCourseChainRequestObject) (api.UpdateCourseChainResponseObject, error) {
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
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	ch, err := toModelChainChange(*body)
	if err != nil {
		return nil, err
	}
	c, err := s.courses.Chains().Update(ctx, id, expected, ch)
	if err != nil {
		return nil, err
	}
	return api.UpdateCourseChain200JSONResponse{Body: toAPICourseChain(c), Headers: api.UpdateCourseChain200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
