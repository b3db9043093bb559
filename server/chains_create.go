package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateCourseChain creates a course chain owned by the caller.
func (s *Server) CreateCourseChain(ctx context.Context, req api.CreateCourseChainRequestObject) (api.CreateCourseChainResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	in, err := toModelNewChain(*req.Body)
	if err != nil {
		return nil, err
	}
	c, err := s.courses.Chains().Create(ctx, in)
	if err != nil {
		return nil, err
	}
	out := toAPICourseChain(c)
	return api.CreateCourseChain201JSONResponse{Body: out, Headers: api.CreateCourseChain201ResponseHeaders{ETag: etag(c.Version), Location: ptr("/api/v2/courseChains/" + out.Id)}}, nil
}
