package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// Shared pieces of the assignment, progress and certificate handlers: expected failures
// (a status and its problem), store errors classified into them, path ids, and the v2
// page tokens of the assignment lists.

// asgFailure is an expected outcome other than success: the status and the problem.
type asgFailure struct {
	status  int
	problem api.Problem
}

func asgFail(status int, p api.Problem) *asgFailure { return &asgFailure{status: status, problem: p} }

// asgDenied wraps a permission or scope problem (403).
func asgDenied(p *api.Problem) *asgFailure {
	if p == nil {
		return nil
	}
	return asgFail(http.StatusForbidden, *p)
}

// asgClassify turns an expected store error into a failure (notFound is the detail of a
// 404); any other error is returned as unexpected.
func asgClassify(ctx context.Context, err error, notFound string) (*asgFailure, error) {
	var ve *store.ValidationError
	var pe *assignments.ProgressStateError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return asgFail(http.StatusNotFound, newProblem(ctx, kindNotFound, notFound)), nil
	case errors.Is(err, assignments.ErrNotChainOwner):
		return asgFail(http.StatusForbidden, newProblem(ctx, kindForbidden, "only the chain's owner may assign it (the per-chain ownership rule)")), nil
	case errors.Is(err, assignments.ErrAssignmentCompleted):
		return asgFail(http.StatusConflict, withCode(newProblem(ctx, kindConflict, "the assignment is completed; its deadline cannot change"), "completed")), nil
	case errors.As(err, &pe):
		return asgFail(http.StatusConflict, withCode(newProblem(ctx, kindConflict, pe.Detail), pe.Code)), nil
	case errors.As(err, &ve):
		return asgFail(http.StatusUnprocessableEntity, asgValidation(ctx, ve)), nil
	}
	return nil, err
}

// asgValidation is a 422 whose detail is the first violation (several are listed in errors).
func asgValidation(ctx context.Context, v *store.ValidationError) api.Problem {
	p := validationProblem(ctx, v)
	if len(v.Fields) > 0 {
		d := v.Fields[0].Detail
		if v.Fields[0].Pointer != "" {
			d = v.Fields[0].Pointer + ": " + d
		}
		p.Detail = &d
	}
	return p
}

// asgInvalid is a 422 for violations found before the store is called.
func asgInvalid(ctx context.Context, v *store.ValidationError) *asgFailure {
	if len(v.Fields) == 0 {
		return nil
	}
	return asgFail(http.StatusUnprocessableEntity, asgValidation(ctx, v))
}

// asgPathID parses a path id; the contract's pattern has checked it, so a failure is a 400.
func asgPathID(ctx context.Context, prefix, name, raw string) (uuid.UUID, *asgFailure) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		p := withFields(newProblem(ctx, kindBadRequest, name+" is not a "+prefix+"_… id"),
			[]api.FieldError{{Parameter: ptr(name), Detail: "must be a " + prefix + "_… id"}})
		return uuid.Nil, asgFail(http.StatusBadRequest, p)
	}
	return u, nil
}

// asgBodyIDs parses body ids, recording a field error per malformed or repeated one.
func asgBodyIDs(prefix string, in []string, pointer string, v *store.ValidationError) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(in))
	seen := make(map[uuid.UUID]bool, len(in))
	for i, s := range in {
		u, err := typeid.Parse(prefix, s)
		switch {
		case err != nil:
			v.Fields = append(v.Fields, store.FieldError{Pointer: pointer + "/" + itoa(i), Detail: "must be a " + prefix + "_… id"})
		case seen[u]:
			v.Fields = append(v.Fields, store.FieldError{Pointer: pointer + "/" + itoa(i), Detail: "listed twice"})
		default:
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// asgIsSelf reports whether the person id is the caller's.
func asgIsSelf(ctx context.Context, id uuid.UUID) bool {
	p, _ := auth.FromContext(ctx)
	return p.PersonID != uuid.Nil && p.PersonID == id
}

const asgPageOrder = "-id"

// asgPageIn decodes a pageToken into the last id of the previous page.
func (s *Server) asgPageIn(ctx context.Context, resource string, tok *string) (*uuid.UUID, *asgFailure) {
	c, p := v2PageCursor[learning.Cursor](ctx, s, resource, tok)
	if p == nil && c != nil && c.Order != asgPageOrder {
		p = badPageToken(ctx)
	}
	switch {
	case p != nil:
		return nil, asgFail(http.StatusBadRequest, *p)
	case c == nil:
		return nil, nil
	}
	return &c.ID, nil
}

// asgPageOut signs the next page's token.
func (s *Server) asgPageOut(ctx context.Context, resource string, next *uuid.UUID) (*string, error) {
	if next == nil {
		return nil, nil
	}
	return v2PageToken(ctx, s, resource, &learning.Cursor{Order: asgPageOrder, ID: *next})
}
