package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
)

// Shared steps of the people operations (users, groups, keys): v2 paging, the role
// hierarchy check run inside the store's transaction, and the mapping of store errors
// onto problems.

// peopleLimit is a v2 page size: default 20 (the contract caps it at 50).
func peopleLimit(l *int) int {
	if l == nil || *l < 1 {
		return 20
	}
	return min(*l, 50)
}

// peoplePageScope binds a v2 page token to the list (resource, with its path ids) and to
// every filter of the request, so it cannot be replayed against another list or changed
// filters. The page size may change between pages.
func peoplePageScope(ctx context.Context, resource string) string {
	vals, _ := url.ParseQuery(queryFrom(ctx))
	vals.Del("pageToken")
	vals.Del("limit")
	sum := sha256.Sum256([]byte(vals.Encode()))
	return resource + "|" + hex.EncodeToString(sum[:8])
}

// peopleCursor decodes a pageToken into cursor (a pointer to a cursor pointer); a token
// this list did not issue is a 400.
func peopleCursor[C any](ctx context.Context, s *Server, resource string, tok *string) (*C, *api.Problem) {
	if tok == nil {
		return nil, nil
	}
	var c C
	if err := s.pages.Decode(peoplePageScope(ctx, resource), *tok, &c); err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, "pageToken is invalid, or was issued for another list or other filters"),
			[]api.FieldError{{Parameter: ptr("pageToken"), Detail: "not a token this list issued"}})
		return nil, &p
	}
	return &c, nil
}

// peopleNextToken signs the cursor of the next page, if any.
func peopleNextToken[C any](ctx context.Context, s *Server, resource string, next *C) (*string, error) {
	if next == nil {
		return nil, nil
	}
	tok, err := s.pages.Encode(peoplePageScope(ctx, resource), next)
	if err != nil {
		return nil, err
	}
	return &tok, nil
}

// targetBelow is the role-hierarchy check of ban, unban, email and role changes, run on
// the stored user inside the change's transaction: the target must rank below the caller.
func targetBelow(ctx context.Context, what string) store.UserCheck {
	return func(cur *store.User) error {
		if pr := outranks(ctx, auth.Role(cur.Role), what); pr != nil {
			return &problemError{problem: *pr}
		}
		return nil
	}
}

// peopleProblem classifies a store error: the problem to answer with, or (for anything
// unexpected) the error itself.
func peopleProblem(ctx context.Context, err error, what, rawID string) (*api.Problem, error) {
	var (
		pe *problemError
		vm *store.VersionMismatchError
		ve *store.ValidationError
		p  api.Problem
	)
	switch {
	case errors.As(err, &pe):
		p = pe.problem
	case store.IsNotFound(err):
		p = notFound(ctx, what, rawID)
	case errors.Is(err, store.ErrEmailTaken):
		p = withCode(newProblem(ctx, kindConflict, "another user of this tenant has this email address"), "email_taken")
	case errors.As(err, &vm):
		p = staleVersion(ctx, vm.Expected, vm.Current)
	case errors.As(err, &ve):
		p = validationProblem(ctx, ve)
	default:
		return nil, err
	}
	return &p, nil
}

// pathID parses a path id; the contract already checked its shape, so a failure here is
// a 400 naming the parameter.
func pathID(ctx context.Context, prefix, name, raw string) (uuid.UUID, *api.Problem) {
	u, p := parseID(ctx, prefix, raw)
	if p != nil {
		q := withFields(newProblem(ctx, kindBadRequest, "the request is malformed: "+name+" is not a "+prefix+"_… id"),
			[]api.FieldError{{Parameter: ptr(name), Detail: "must be a " + prefix + "_… id"}})
		return u, &q
	}
	return u, nil
}
