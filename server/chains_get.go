package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// GetCourseChain returns one course chain.
func (s *Server) GetCourseChain(ctx context.Context, req api.GetCourseChainRequestObject) (api.GetCourseChainResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseView, false); p != nil {
		return getCourseChainProblem(p)
	}
	id, p := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if p != nil {
		return getCourseChainProblem(p)
	}
	c, err := s.courses.Chains().Get(ctx, id)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			if p.Status == sNotFound {
				np := newProblem(ctx, kindNotFound, "course chain "+req.ChainId+" not found")
				p = &np
			}
			return getCourseChainProblem(p)
		}
		return nil, err
	}
	return api.GetCourseChain200JSONResponse{Body: toAPICourseChain(c), Headers: api.GetCourseChain200ResponseHeaders{ETag: etag(c.Version)}}, nil
}

// getCourseChainProblem answers an expected problem of get course chain with its typed response.
func getCourseChainProblem(p *api.Problem) (api.GetCourseChainResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.GetCourseChain400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.GetCourseChain403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.GetCourseChain404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	}
	return nil, unexpectedStatus("get course chain", p.Status)
}
