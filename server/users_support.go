package server

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// Shared steps of the people operations (users, groups, keys): the v2 page size, the role
// hierarchy check run inside the store's transaction, and the mapping of store errors
// onto problems.

// peopleLimit is a v2 page size: default 20 (the contract caps it at 50).
func peopleLimit(l *int) int {
	if l == nil || *l < 1 {
		return 20
	}
	return min(*l, 50)
}

// targetBelow is the role-hierarchy check of ban, unban, email and role changes, run on
// the stored user inside the change's transaction: the target must rank below the caller.
func targetBelow(ctx context.Context, what string) people.UserCheck {
	return func(cur *people.User) error {
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
	case learning.IsNotFound(err):
		p = notFound(ctx, what, rawID)
	case errors.Is(err, people.ErrEmailTaken):
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
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, "the request is malformed: "+name+" is not a "+prefix+"_… id"),
			[]api.FieldError{{Parameter: ptr(name), Detail: "must be a " + prefix + "_… id"}})
		return uuid.Nil, &p
	}
	return u, nil
}

// permittedID opens an operation on one record: the permission check (read or write),
// then the path id; the first problem wins.
func permittedID(ctx context.Context, perm auth.Permission, write bool, prefix, name, raw string) (uuid.UUID, *api.Problem) {
	pr := needPerm(ctx, perm, write)
	id, pr2 := pathID(ctx, prefix, name, raw)
	if pr == nil {
		pr = pr2
	}
	return id, pr
}
