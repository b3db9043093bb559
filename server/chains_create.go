package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
)

// CreateCourseChain creates a course chain owned by the caller.
func (s *Server) CreateCourseChain(ctx context.Context, req api.CreateCourseChainRequestObject) (api.CreateCourseChainResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return createCourseChainProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return createCourseChainProblem(&p)
	}
	in, err := toModelNewChain(*req.Body)
	if err == nil {
		var c *courses.Chain
		if c, err = s.courses.Chains().Create(ctx, in); err == nil {
			out := toAPICourseChain(c)
			return api.CreateCourseChain201JSONResponse{Body: out, Headers: api.CreateCourseChain201ResponseHeaders{ETag: etag(c.Version), Location: ptr("/api/v2/courseChains/" + out.Id)}}, nil
		}
	}
	if p := courseProblem(ctx, err); p != nil {
		return createCourseChainProblem(p)
	}
	return nil, err
}

// createCourseChainProblem answers an expected problem of create course chain with its typed response.
func createCourseChainProblem(p *api.Problem) (api.CreateCourseChainResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CreateCourseChain400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CreateCourseChain403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sInvalid:
		return api.CreateCourseChain422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("create course chain", p.Status)
}
