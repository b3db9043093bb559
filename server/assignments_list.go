package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
)

// asgList runs one page of an assignment list: limit (default 20), pageToken and status
// on top of the user or group filter f; notFound is the detail of a 404.
func (s *Server) asgList(ctx context.Context, resource, notFound string, f assignments.AssignmentFilter, limit *int, tok *string, status *api.AssignmentStatus) (api.AssignmentList, *asgFailure, error) {
	var zero api.AssignmentList
	after, fail := s.asgPageIn(ctx, resource, tok)
	if fail != nil {
		return zero, fail, nil
	}
	f.After, f.Limit = after, 20
	if limit != nil {
		f.Limit = *limit
	}
	if status != nil {
		f.Status = string(*status)
	}
	items, next, err := s.assignments.ListAssignments(ctx, f)
	if err != nil {
		fail, err := asgClassify(ctx, err, notFound)
		return zero, fail, err
	}
	out := api.AssignmentList{Data: toAPIAssignments(items), HasMore: next != nil}
	if out.NextPageToken, err = s.asgPageOut(ctx, resource, next); err != nil {
		return zero, nil, err
	}
	return out, nil, nil
}
