package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseChain soft-deletes a course chain (its owner, an admin or an owner).
func (s *Server) DeleteCourseChain(ctx context.Context, req api.DeleteCourseChainRequestObject) (api.DeleteCourseChainResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteCourseChainProblem(p)
	}
	id, p := pathID(ctx, typeid.Chain, "chainId", req.ChainId)
	if p != nil {
		return deleteCourseChainProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteCourseChainProblem(p)
	}
	err := s.courses.Chains().Delete(ctx, id, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteCourseChainProblem(p)
		}
		return nil, err
	}
	return api.DeleteCourseChain204Response{}, nil
}

// deleteCourseChainProblem answers an expected problem of delete course chain with its typed response.
func deleteCourseChainProblem(p *api.Problem) (api.DeleteCourseChainResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteCourseChain400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteCourseChain403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteCourseChain404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteCourseChain412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete course chain", p.Status)
}
