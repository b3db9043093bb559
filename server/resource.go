package server

import (
	"context"
	"fmt"

	"github.com/google/uuid"
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
// id, precondition, store call, conversion — and returns the record or the error to
// answer with. Handlers only put the record in their typed responses.
type resource[M any, A any, C any] struct {
	what    string // "cohort"
	prefix  string // TypeID prefix
	path    string // collection path, for Location
	store   recordStore[M]
	toAPI   func(*M) A
	toModel func(C) (M, error)
	version func(*M) int
}

// outcome is a record with its version.
type outcome[A any] struct {
	rec     A
	version int
}

func (r resource[M, A, C]) ok(m *M) outcome[A] {
	return outcome[A]{rec: r.toAPI(m), version: r.version(m)}
}

// failed names the operation in the store's error and the record it was about.
func (r resource[M, A, C]) failed(op, rawID string, err error) error {
	return about(fmt.Errorf("%s %s: %w", op, r.what, err), r.what+" "+rawID)
}

func (r resource[M, A, C]) get(ctx context.Context, rawID string, showDeleted bool) (outcome[A], error) {
	if err := requireReader(ctx); err != nil {
		return outcome[A]{}, err
	}
	id, err := parseID(ctx, r.prefix, rawID)
	if err != nil {
		return outcome[A]{}, err
	}
	if showDeleted {
		if err := requireAdmin(ctx, "show_deleted"); err != nil {
			return outcome[A]{}, err
		}
	}
	m, err := r.store.Get(ctx, id, showDeleted)
	if err != nil {
		return outcome[A]{}, r.failed("get", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) create(ctx context.Context, body C) (outcome[A], error) {
	if err := requireWriter(ctx); err != nil {
		return outcome[A]{}, err
	}
	m, err := r.toModel(body)
	if err == nil {
		err = r.store.Create(ctx, &m)
	}
	if err != nil {
		return outcome[A]{}, r.failed("create", "", err)
	}
	return r.ok(&m), nil
}

// location is the URL of a created record.
func (r resource[M, A, C]) location(id string) *string { return ptr(r.path + "/" + id) }

// update applies a JSON Merge Patch to the record under the caller's precondition. The
// merged document is decoded as a create body, so create and update share every rule.
func (r resource[M, A, C]) update(ctx context.Context, rawID string, ifMatch *string, bodyVersion *int, patch any) (outcome[A], error) {
	if err := requireWriter(ctx); err != nil {
		return outcome[A]{}, err
	}
	id, err := parseID(ctx, r.prefix, rawID)
	if err != nil {
		return outcome[A]{}, err
	}
	expected, err := precondition(ctx, ifMatch, bodyVersion)
	if err != nil {
		return outcome[A]{}, err
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
		return outcome[A]{}, r.failed("update", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) delete(ctx context.Context, rawID string, ifMatch *string) (outcome[A], error) {
	if err := requireWriter(ctx); err != nil {
		return outcome[A]{}, err
	}
	id, err := parseID(ctx, r.prefix, rawID)
	if err != nil {
		return outcome[A]{}, err
	}
	expected, err := precondition(ctx, ifMatch, nil)
	if err != nil {
		return outcome[A]{}, err
	}
	m, err := r.store.Delete(ctx, id, expected)
	if err != nil {
		return outcome[A]{}, r.failed("delete", rawID, err)
	}
	return r.ok(m), nil
}

func (r resource[M, A, C]) restore(ctx context.Context, rawID string, ifMatch *string) (outcome[A], error) {
	if err := requireRestorer(ctx); err != nil {
		return outcome[A]{}, err
	}
	id, err := parseID(ctx, r.prefix, rawID)
	if err != nil {
		return outcome[A]{}, err
	}
	expected, err := optionalPrecondition(ctx, ifMatch)
	if err != nil {
		return outcome[A]{}, err
	}
	m, err := r.store.Restore(ctx, id, expected)
	if err != nil {
		return outcome[A]{}, r.failed("restore", rawID, err)
	}
	return r.ok(m), nil
}
