package server

import (
	"context"
	"encoding/json"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// mergeInto applies a JSON Merge Patch (RFC 7396) — the typed patch body, re-encoded, so
// absent members stay absent and explicit nulls stay null — to the current API
// representation, and decodes the result as a create body of type C. Server-stamped members
// on either side land in fields the create body ignores.
//
// A patch whose members are all scalars or arrays is applied by decoding the current
// document and then the patch onto the same value (a member replaces, null clears); one
// with an object member (metadata) goes through the full RFC 7396 merge, which also merges
// inside objects.
func mergeInto[C any](current, patch any) (C, error) {
	var out C
	doc, err := json.Marshal(current)
	if err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	p, err := json.Marshal(patch)
	if err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(p, &members); err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	for _, m := range members {
		if len(m) > 0 && m[0] == '{' {
			if doc, err = jsonpatch.MergePatch(doc, p); err != nil {
				return out, fmt.Errorf("merge patch: %w", err)
			}
			p = nil
			break
		}
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	if p != nil {
		if err := json.Unmarshal(p, &out); err != nil {
			return out, fmt.Errorf("merge patch: %w", err)
		}
	}
	return out, nil
}

// parseID reads a path id; the contract's pattern has already checked its shape.
func parseID(ctx context.Context, prefix, s string) (uuid.UUID, *api.Problem) {
	u, err := typeid.Parse(prefix, s)
	if err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, "the id is malformed"),
			[]api.FieldError{{Parameter: ptr("id"), Detail: "must be a " + prefix + "_… id"}})
		return uuid.Nil, &p
	}
	return u, nil
}

func notFound(ctx context.Context, what, id string) api.Problem {
	return newProblem(ctx, kindNotFound, what+" "+id+" not found")
}

func staleVersion(ctx context.Context, expected, current int) api.Problem {
	p := newProblem(ctx, kindPrecondition, fmt.Sprintf("version %d is stale; the current version is %d", expected, current))
	p.CurrentVersion = &current
	return p
}
