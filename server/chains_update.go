package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourseChain applies a merge patch to a course chain (its owner, an admin or an
// owner).
func (s *Server) UpdateCourseChain(ctx context.Context, req api.UpdateCourseChainRequestObject) (api.UpdateCourseChainResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return updateCourseChainProblem(p)
	}
	id, p := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if p != nil {
		return updateCourseChainProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return updateCourseChainProblem(p)
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return updateCourseChainProblem(&p)
	}
	ch, err := toModelChainChange(*body)
	if err == nil {
		var c *courses.Chain
		if c, err = s.courses.Chains().Update(ctx, id, expected, ch); err == nil {
			return api.UpdateCourseChain200JSONResponse{Body: toAPICourseChain(c), Headers: api.UpdateCourseChain200ResponseHeaders{ETag: etag(c.Version)}}, nil
		}
	}
	if p := courseProblem(ctx, err); p != nil {
		return updateCourseChainProblem(p)
	}
	return nil, err
}

// updateCourseChainProblem answers an expected problem of update course chain with its typed response.
func updateCourseChainProblem(p *api.Problem) (api.UpdateCourseChainResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UpdateCourseChain400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UpdateCourseChain403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UpdateCourseChain404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UpdateCourseChain412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.UpdateCourseChain422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("update course chain", p.Status)
}
