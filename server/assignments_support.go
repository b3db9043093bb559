package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/learning"
)

// Shared pieces of the assignment, progress and certificate handlers: the caller as the
// subject of a request, and the v2 pages of the assignment lists. Their errors are
// wrapped with detailFirstViolation: a validation problem's detail is its first violation.

// isCaller reports whether the person id is the caller's.
func isCaller(ctx context.Context, id uuid.UUID) bool {
	p, _ := auth.FromContext(ctx)
	return p.PersonID != uuid.Nil && p.PersonID == id
}

// invalidIf is v as the error of the assignment operations when it holds violations.
func invalidIf(v *store.ValidationError) error {
	if len(v.Fields) == 0 {
		return nil
	}
	return detailFirstViolation(v)
}

// assignmentPageOrder is the order of the assignment lists: newest first.
const assignmentPageOrder = "-id"

// listAssignments runs one page of an assignment list: limit (default 20), pageToken and
// status on top of the user or group filter f; a not-found names subject.
func (s *Server) listAssignments(ctx context.Context, resource, subject string, f assignments.AssignmentFilter, limit *int, tok *string, status *api.AssignmentStatus) (api.AssignmentList, error) {
	c, err := v2PageCursor[learning.Cursor](ctx, s, resource, tok)
	if err != nil {
		return api.AssignmentList{}, err
	}
	if c != nil {
		if c.Order != assignmentPageOrder {
			return api.AssignmentList{}, badPageToken(ctx)
		}
		f.After = &c.ID
	}
	f.Limit = 20
	if limit != nil {
		f.Limit = *limit
	}
	if status != nil {
		f.Status = string(*status)
	}
	items, next, err := s.assignments.ListAssignments(ctx, f)
	if err != nil {
		return api.AssignmentList{}, detailFirstViolation(about(err, subject))
	}
	out := api.AssignmentList{Data: toAPIAssignments(items), HasMore: next != nil}
	if next != nil {
		if out.NextPageToken, err = v2PageToken(ctx, s, resource, &learning.Cursor{Order: assignmentPageOrder, ID: *next}); err != nil {
			return api.AssignmentList{}, err
		}
	}
	return out, nil
}
