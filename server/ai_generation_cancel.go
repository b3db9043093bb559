package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// CancelCourseGeneration cancels one of the caller's generation jobs that is still queued
// or running, giving back the AI quota call it took (an MCP client's cancellation of a
// waiting create_course_from_* call ends here too).
func (s *Server) CancelCourseGeneration(ctx context.Context, req api.CancelCourseGenerationRequestObject) (api.CancelCourseGenerationResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	id, err := typeid.Parse(materials.GenerationJobPrefix, req.JobId)
	if err != nil { // a malformed id names no job
		return nil, about(store.ErrNotFound, "generation job "+req.JobId)
	}
	j, err := s.materials.Generations().Cancel(ctx, id)
	if err != nil {
		return nil, about(err, "generation job "+req.JobId)
	}
	return api.CancelCourseGeneration200JSONResponse(toAPIGenerationJob(j)), nil
}
