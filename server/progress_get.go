package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// GetProgress returns the caller's progress on an assigned course, or (with user_assign)
// another user's.
func (s *Server) GetProgress(ctx context.Context, req api.GetProgressRequestObject) (api.GetProgressResponseObject, error) {
	out, f, err := s.getProgress(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.GetProgress200JSONResponse(toAPIProgress(out)), nil
	}
	switch f.status {
	case 400:
		return api.GetProgress400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.GetProgress403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.GetProgress404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("get progress: unexpected status %d", f.status)
}

func (s *Server) getProgress(ctx context.Context, req api.GetProgressRequestObject) (assignments.Progress, *asgFailure, error) {
	if f := asgDenied(needScope(ctx, false)); f != nil {
		return assignments.Progress{}, f, nil
	}
	p, _ := auth.FromContext(ctx)
	user := p.PersonID
	if req.Params.UserId != nil {
		u, err := typeid.Parse(typeid.Person, *req.Params.UserId)
		if err != nil {
			pr := withFields(newProblem(ctx, kindBadRequest, "userId is not a per_… id"), []api.FieldError{{Parameter: ptr("userId"), Detail: "must be a per_… id"}})
			return assignments.Progress{}, asgFail(400, pr), nil
		}
		if !asgIsSelf(ctx, u) {
			if f := asgDenied(needPerm(ctx, auth.PermUserAssign, false)); f != nil {
				return assignments.Progress{}, f, nil
			}
		}
		user = u
	}
	course, f := asgPathID(ctx, typeid.Course, "courseId", req.CourseId)
	if f != nil {
		return assignments.Progress{}, f, nil
	}
	out, err := s.assignments.GetProgress(ctx, course, user)
	if err != nil {
		f, err := asgClassify(ctx, err, "course "+req.CourseId+" is not assigned to this user")
		return assignments.Progress{}, f, err
	}
	return out, nil, nil
}
