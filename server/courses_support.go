package server

// Shared pieces of the course and course chain handlers: v2 page tokens, the v2 limit and
// a course's URL.

import (
	"context"

	"github.com/learnd/learnd/store"
)

// coursePageCursor decodes a course list's pageToken; a token this list did not issue is
// a 400. (Course lists mark their token scope "|v2".)
func (s *Server) coursePageCursor(ctx context.Context, resource string, tok *string) (*store.NameCursor, error) {
	return v2PageCursor[store.NameCursor](ctx, s, resource+"|v2", tok)
}

// coursePageToken signs the cursor of a course list's next page, if any.
func (s *Server) coursePageToken(ctx context.Context, resource string, next *store.NameCursor) (*string, error) {
	return v2PageToken(ctx, s, resource+"|v2", next)
}

// courseLimit is the v2 limit: default 20, at most 50 (the contract enforces the range).
func courseLimit(l *int) int {
	switch {
	case l == nil || *l < 1:
		return 20
	case *l > 50:
		return 50
	}
	return *l
}

func courseLocation(id string) *string { return ptr("/api/v2/courses/" + id) }
