package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
)

var generateCourseResponses = aiResponses[api.GenerateCourseResponseObject]{
	op: "generate course",
	badRequest: func(r api.BadRequestApplicationProblemPlusJSONResponse) api.GenerateCourseResponseObject {
		return api.GenerateCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: r}
	},
	forbidden: func(r api.ForbiddenApplicationProblemPlusJSONResponse) api.GenerateCourseResponseObject {
		return api.GenerateCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: r}
	},
	notFound: func(r api.NotFoundApplicationProblemPlusJSONResponse) api.GenerateCourseResponseObject {
		return api.GenerateCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: r}
	},
	invalid: func(r api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.GenerateCourseResponseObject {
		return api.GenerateCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: r}
	},
	tooMany: func(r api.TooManyRequestsApplicationProblemPlusJSONResponse) api.GenerateCourseResponseObject {
		return api.GenerateCourse429ApplicationProblemPlusJSONResponse{TooManyRequestsApplicationProblemPlusJSONResponse: r}
	},
}

// GenerateCourse queues the generation of a course from a prompt, optionally grounded in a
// source-material session (create_course_from_prompt, create_course_from_files): the job
// row and its queue job are written in one transaction; the answer is 202 at once.
func (s *Server) GenerateCourse(ctx context.Context, req api.GenerateCourseRequestObject) (api.GenerateCourseResponseObject, error) {
	res := generateCourseResponses
	if p := aiGate(ctx, true); p != nil {
		return res.problem(p, 0)
	}
	if req.Body == nil {
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return res.problem(&p, 0)
	}
	in := materials.NewGenerationJob{Prompt: req.Body.Prompt, Options: toModelGenerationOptions(req.Body.Options)}
	if err := materials.ValidateGeneration(in); err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	if req.Body.SessionId != nil {
		id, p, err := s.aiSession(ctx, *req.Body.SessionId)
		if err != nil || p != nil {
			if p != nil {
				return res.problem(p, 0)
			}
			return nil, err
		}
		in.SessionID = id
	}
	if s.enqueueGen == nil {
		return nil, errNoGenerator
	}
	if p, secs, err := s.aiQuota(ctx); err != nil || p != nil {
		if p != nil {
			return res.problem(p, secs)
		}
		return nil, err
	}
	j, err := s.materials.Generations().Create(ctx, in, s.enqueueGen)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	out := toAPIGenerationQueued(j)
	return api.GenerateCourse202JSONResponse{Body: out, Headers: api.GenerateCourse202ResponseHeaders{Location: ptr(generationJobURL(out.JobId))}}, nil
}
