package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/learnd/learnd/gen/api"
)

// etag renders a version as a strong entity tag.
func etag(version int) *string {
	s := `"` + strconv.Itoa(version) + `"`
	return &s
}

// parseETag reads a version from an If-Match value: "3" (W/ weak tags are refused).
func parseETag(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || s[0] != '"' || s[len(s)-1] != '"' {
		return 0, false
	}
	v, err := strconv.Atoi(s[1 : len(s)-1])
	if err != nil || v < 1 {
		return 0, false
	}
	return v, true
}

// precondition resolves the version a write expects from If-Match or the body's version.
// It answers 400 or 428 when neither is usable.
func precondition(ctx context.Context, ifMatch *string, bodyVersion *int) (int, error) {
	if ifMatch != nil {
		v, ok := parseETag(*ifMatch)
		if !ok {
			return 0, fail(withFields(newProblem(ctx, kindBadRequest, `If-Match must be one version as returned in ETag, e.g. "3"`),
				[]api.FieldError{{Parameter: ptr("If-Match"), Detail: fmt.Sprintf("cannot read a version from %q", *ifMatch)}}))
		}
		if bodyVersion != nil && *bodyVersion != v {
			return 0, fail(newProblem(ctx, kindBadRequest, "If-Match and the body's version disagree"))
		}
		return v, nil
	}
	if bodyVersion != nil {
		return *bodyVersion, nil
	}
	return 0, fail(newProblem(ctx, kindPreconditionR, "send If-Match with the version you read, or a version field in the body"))
}

// optionalPrecondition is precondition for writes that may go without one.
func optionalPrecondition(ctx context.Context, ifMatch *string) (*int, error) {
	if ifMatch == nil {
		return nil, nil
	}
	v, err := precondition(ctx, ifMatch, nil)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func ptr[T any](v T) *T { return &v }
