package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
)

// recordStore is what the generic resource needs of an envelope repository.
type recordStore[M any] interface {
	Get(ctx context.Context, id uuid.UUID, includeDeleted bool) (*M, error)
	Create(ctx context.Context, v *M) error
	Update(ctx context.Context, id uuid.UUID, expected int, mutate func(*M) error) (*M, error)
	Delete(ctx context.Context, id uuid.UUID, expected int) (*M, error)
	Restore(ctx context.Context, id uuid.UUID, expected *int) (*M, error)
}

var (
	_ recordStore[learning.Cohort]     = (*learning.CohortRepo)(nil)
	_ recordStore[learning.Assessment] = (*learning.AssessmentRepo)(nil)
)

// resource runs the shared steps of an envelope resource's operations — permission,
// id, precondition, store call, conversion — and reports either the record or the
// problem to answer with. Handlers only map that onto their typed responses.
type resource[M any, A any, C any] struct {
	what    string // "cohort"
	prefix  string // TypeID prefix
	path    string // collection path, for Location
	store   recordStore[M]
	toAPI   func(*M) A
	toModel func(C) (M, error)
	version func(*M) int
}

// outcome is a record with its version, or a problem.
type outcome[A any] struct {
	rec     A
	version int
	problem *api.Problem
}

// status is 0 for success, else the problem's HTTP status.
func (o outcome[A]) status() int {
	if o.problem == nil {
		return 0
	}
	return o.problem.Status
}

func (r resource[M, A, C]) ok(m *M) outcome[A] {
	return outcome[A]{rec: r.toAPI(m), version: r.version(m)}
}

func fail[A any](p api.Problem) outcome[A] { return outcome[A]{problem: &p} }

// mapErr turns the store's expected errors into problems; anything else is unexpected.
func (r resource[M, A, C]) mapErr(ctx context.Context, op, rawID string, err error) (outcome[A], error) {
	var (
		vm *store.VersionMismatchError
		ve *store.ValidationError
	)
	switch {
	case learning.IsNotFound(err):
		return fail[A](notFound(ctx, r.what, rawID)), nil
	case errors.Is(err, store.ErrNotDeleted):
		return fail[A](withCode(newProblem(ctx, kindConflict, r.what+" "+rawID+" is not deleted"), "not_deleted")), nil
	case errors.As(err, &vm):
		return fail[A](staleVersion(ctx, vm.Expected, vm.Current)), nil
	case errors.As(err, &ve):
		return fail[A](validationProblem(ctx, ve)), nil
	}
	return outcome[A]{}, fmt.Errorf("%s %s: %w", op, r.what, err)
}

func (r resource[M, A, C]) get(ctx context.Context, rawID string, showDeleted bool) (outcome[A], error) {
	if p := requireReader(ctx); p != nil {
		return fail[A](*p), nil
	}
	id, p := parseID(ctx, r.prefix, rawID)
	if p != nil {
		return fail[A](*p), nil
	}
	if showDeleted {
		if p := requireAdmin(ctx, "show_deleted"); p != nil {
			return fail[A](*p), nil
		}
	}
	m, err := r.store.Get(ctx, id, showDeleted)
	if err != nil {
		return r.mapErr(ctx, "get", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) create(ctx context.Context, body C) (outcome[A], error) {
	if p := requireWriter(ctx); p != nil {
		return fail[A](*p), nil
	}
	m, err := r.toModel(body)
	if err == nil {
		err = r.store.Create(ctx, &m)
	}
	if err != nil {
		return r.mapErr(ctx, "create", "", err)
	}
	return r.ok(&m), nil
}

// location is the URL of a created record.
func (r resource[M, A, C]) location(id string) *string { return ptr(r.path + "/" + id) }

// update applies a JSON Merge Patch to the record under the caller's precondition. The
// merged document is decoded as a create body, so create and update share every rule.
func (r resource[M, A, C]) update(ctx context.Context, rawID string, ifMatch *string, bodyVersion *int, patch any) (outcome[A], error) {
	if p := requireWriter(ctx); p != nil {
		return fail[A](*p), nil
	}
	id, p := parseID(ctx, r.prefix, rawID)
	if p != nil {
		return fail[A](*p), nil
	}
	expected, p := precondition(ctx, ifMatch, bodyVersion)
	if p != nil {
		return fail[A](*p), nil
	}
	m, err := r.store.Update(ctx, id, expected, func(cur *M) error {
		merged, err := mergeInto[C](r.toAPI(cur), patch)
		if err != nil {
			return err
		}
		next, err := r.toModel(merged)
		if err != nil {
			return err
		}
		*cur = next
		return nil
	})
	if err != nil {
		return r.mapErr(ctx, "update", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) delete(ctx context.Context, rawID string, ifMatch *string) (outcome[A], error) {
	if p := requireWriter(ctx); p != nil {
		return fail[A](*p), nil
	}
	id, p := parseID(ctx, r.prefix, rawID)
	if p != nil {
		return fail[A](*p), nil
	}
	expected, p := precondition(ctx, ifMatch, nil)
	if p != nil {
		return fail[A](*p), nil
	}
	m, err := r.store.Delete(ctx, id, expected)
	if err != nil {
		return r.mapErr(ctx, "delete", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) restore(ctx context.Context, rawID string, ifMatch *string) (outcome[A], error) {
	if p := requireRestorer(ctx); p != nil {
		return fail[A](*p), nil
	}
	id, p := parseID(ctx, r.prefix, rawID)
	if p != nil {
		return fail[A](*p), nil
	}
	expected, p := optionalPrecondition(ctx, ifMatch)
	if p != nil {
		return fail[A](*p), nil
	}
	m, err := r.store.Restore(ctx, id, expected)
	if err != nil {
		return r.mapErr(ctx, "restore", rawID, err)
	}
	return r.ok(m), nil
}

// Status shorthands for the handlers' switches.
const (
	sBadRequest    = http.StatusBadRequest
	sForbidden     = http.StatusForbidden
	sNotFound      = http.StatusNotFound
	sConflict      = http.StatusConflict
	sPrecondition  = http.StatusPreconditionFailed
	sInvalid       = http.StatusUnprocessableEntity
	sPreconditionR = http.StatusPreconditionRequired
)

// unexpectedStatus guards the handlers' switches: a problem status an operation does not
// declare is a programming error.
func unexpectedStatus(op string, st int) error {
	return fmt.Errorf("%s: no typed response for status %d", op, st)
}
