package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetCourseChain returns one course chain.
func (s *Server) GetCourseChain(ctx context.Context, req api.GetCourseChainRequestObject) (api.GetCourseChainResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseView, false); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if err != nil {
		return nil, err
	}
	c, err := s.courses.Chains().Get(ctx, id)
	if err != nil {
		return nil, about(err, "course chain "+req.ChainId)
	}
	return api.GetCourseChain200JSONResponse{Body: toAPICourseChain(c), Headers: api.GetCourseChain200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
