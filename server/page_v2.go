package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"

	"github.com/learnd/learnd/gen/api"
)

// v2 page tokens: a list's cursor, signed for a scope that binds it to the list (resource,
// with its path ids) and to every filter of the request, so it cannot be replayed against
// another list or changed filters. The page size may change between pages.

// v2PageScope is the scope of resource's page tokens for this request: the resource, then
// a hash of every query parameter but pageToken and limit.
func v2PageScope(ctx context.Context, resource string) string {
	vals, _ := url.ParseQuery(queryFrom(ctx))
	vals.Del("pageToken")
	vals.Del("limit")
	sum := sha256.Sum256([]byte(vals.Encode()))
	return resource + "|" + hex.EncodeToString(sum[:8])
}

// v2PageCursor decodes a pageToken of resource into its cursor; nil without a token. A
// token this list did not issue for these filters is a 400.
func v2PageCursor[C any](ctx context.Context, s *Server, resource string, tok *string) (*C, error) {
	if tok == nil {
		return nil, nil
	}
	var c C
	if err := s.pages.Decode(v2PageScope(ctx, resource), *tok, &c); err != nil {
		return nil, badPageToken(ctx)
	}
	return &c, nil
}

// v2PageToken signs the cursor of resource's next page, if any.
func v2PageToken[C any](ctx context.Context, s *Server, resource string, next *C) (*string, error) {
	if next == nil {
		return nil, nil
	}
	tok, err := s.pages.Encode(v2PageScope(ctx, resource), next)
	if err != nil {
		return nil, err
	}
	return &tok, nil
}

// badPageToken is the 400 of a pageToken the list did not issue.
func badPageToken(ctx context.Context) error {
	return fail(withFields(newProblem(ctx, kindBadRequest, "pageToken is invalid, or was issued for another list or other filters"),
		[]api.FieldError{{Parameter: ptr("pageToken"), Detail: "not a token this list issued"}}))
}
