package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"time"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
)

// listParams are the list parameters every envelope resource shares.
type listParams struct {
	resource    string
	pageSize    *int
	pageToken   *string
	orderBy     string
	showDeleted *bool
	tags        *[]string
	q           *string
	createdFrom *time.Time
	createdTo   *time.Time
}

// pageScope binds a page token to the resource and every filter of the request, so a token
// cannot be replayed against another list or changed filters.
func pageScope(ctx context.Context, resource string) string {
	vals, _ := url.ParseQuery(queryFrom(ctx))
	vals.Del("page_token")
	vals.Del("page_size")
	sum := sha256.Sum256([]byte(vals.Encode()))
	return resource + "|" + hex.EncodeToString(sum[:8])
}

// listOptions turns the shared parameters into store options, checking the page token and
// the admin-only show_deleted.
func (s *Server) listOptions(ctx context.Context, lp listParams) (learning.ListOptions, error) {
	o := learning.ListOptions{PageSize: 20, OrderBy: lp.orderBy}
	if err := requireReader(ctx); err != nil {
		return o, err
	}
	if o.OrderBy == "" {
		o.OrderBy = "-created_at"
	}
	if lp.pageSize != nil {
		o.PageSize = *lp.pageSize
	}
	if lp.showDeleted != nil && *lp.showDeleted {
		if err := requireAdmin(ctx, "show_deleted"); err != nil {
			return o, err
		}
		o.IncludeDeleted = true
	}
	if lp.pageToken != nil {
		var c learning.Cursor
		if err := s.pages.Decode(pageScope(ctx, lp.resource), *lp.pageToken, &c); err != nil || c.Order != o.OrderBy {
			return o, fail(withFields(newProblem(ctx, kindBadRequest, "page_token is invalid, or was issued for another list or other filters"),
				[]api.FieldError{{Parameter: ptr("page_token"), Detail: "not a token this list issued"}}))
		}
		o.After = &c
	}
	if lp.tags != nil {
		o.Tags = *lp.tags
	}
	if lp.q != nil {
		o.Query = *lp.q
	}
	o.CreatedAt = learning.TimeRange{From: lp.createdFrom, To: lp.createdTo}
	return o, nil
}

// nextToken signs the cursor of the next page, if any.
func (s *Server) nextToken(ctx context.Context, resource string, next *learning.Cursor) (*string, error) {
	if next == nil {
		return nil, nil
	}
	tok, err := s.pages.Encode(pageScope(ctx, resource), next)
	if err != nil {
		return nil, err
	}
	return &tok, nil
}
