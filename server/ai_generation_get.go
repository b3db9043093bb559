package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// GetCourseGeneration reports one of the caller's generation jobs
// (get_course_generation_status). It never counts against the AI quota.
func (s *Server) GetCourseGeneration(ctx context.Context, req api.GetCourseGenerationRequestObject) (api.GetCourseGenerationResponseObject, error) {
	if err := aiGate(ctx, false); err != nil {
		return nil, err
	}
	id, err := typeid.Parse(materials.GenerationJobPrefix, req.JobId)
	if err != nil { // a malformed id names no job
		return nil, about(store.ErrNotFound, "generation job "+req.JobId)
	}
	j, err := s.materials.Generations().Get(ctx, id)
	if err != nil {
		return nil, about(err, "generation job "+req.JobId)
	}
	return api.GetCourseGeneration200JSONResponse(toAPIGenerationJob(j)), nil
}
