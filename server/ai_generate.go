package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
)

// GenerateCourse queues the generation of a course from a prompt, optionally grounded in a
// source-material session (create_course_from_prompt, create_course_from_files): the job
// row and its queue job are written in one transaction; the answer is 202 at once.
func (s *Server) GenerateCourse(ctx context.Context, req api.GenerateCourseRequestObject) (api.GenerateCourseResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	in := materials.NewGenerationJob{Prompt: req.Body.Prompt, Options: toModelGenerationOptions(req.Body.Options)}
	if err := materials.ValidateGeneration(in); err != nil {
		return nil, err
	}
	if req.Body.SessionId != nil {
		id, err := s.aiSession(ctx, *req.Body.SessionId)
		if err != nil {
			return nil, err
		}
		in.SessionID = id
	}
	if !s.store.HasJobQueue() {
		return nil, errNoGenerator
	}
	if err := s.aiQuota(ctx); err != nil {
		return nil, err
	}
	j, err := s.materials.Generations().Create(ctx, in)
	if err != nil {
		return nil, err
	}
	out := toAPIGenerationQueued(j)
	return api.GenerateCourse202JSONResponse{Body: out, Headers: api.GenerateCourse202ResponseHeaders{Location: ptr(generationJobURL(out.JobId))}}, nil
}
