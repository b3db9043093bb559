package server

import (
	"context"
	"errors"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

var getCourseGenerationResponses = aiResponses[api.GetCourseGenerationResponseObject]{
	op: "get course generation",
	badRequest: func(r api.BadRequestApplicationProblemPlusJSONResponse) api.GetCourseGenerationResponseObject {
		return api.GetCourseGeneration400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: r}
	},
	forbidden: func(r api.ForbiddenApplicationProblemPlusJSONResponse) api.GetCourseGenerationResponseObject {
		return api.GetCourseGeneration403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: r}
	},
	notFound: func(r api.NotFoundApplicationProblemPlusJSONResponse) api.GetCourseGenerationResponseObject {
		return api.GetCourseGeneration404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: r}
	},
}

// GetCourseGeneration reports one of the caller's generation jobs
// (get_course_generation_status). It never counts against the AI quota.
func (s *Server) GetCourseGeneration(ctx context.Context, req api.GetCourseGenerationRequestObject) (api.GetCourseGenerationResponseObject, error) {
	if p := aiGate(ctx, false); p != nil {
		return getCourseGenerationResponses.problem(p, 0)
	}
	notFound := func() (api.GetCourseGenerationResponseObject, error) {
		p := newProblem(ctx, kindNotFound, "generation job "+req.JobId+" not found")
		return getCourseGenerationResponses.problem(&p, 0)
	}
	id, err := typeid.Parse(materials.GenerationJobPrefix, req.JobId)
	if err != nil {
		return notFound()
	}
	j, err := s.materials.Generations().Get(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFound()
		}
		return nil, err
	}
	return api.GetCourseGeneration200JSONResponse(toAPIGenerationJob(j)), nil
}
