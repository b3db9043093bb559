package server

// Ids in requests. The contract's patterns check the shape of every id parameter before a
// handler runs, so a parameter that does not parse here is a misconfigured validator's
// leftover; body ids are checked here.

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// idParam parses the id parameter name; a malformed one is a 400 with detail, naming it.
func idParam(ctx context.Context, prefix, name, detail, raw string) (uuid.UUID, error) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		return uuid.Nil, fail(withFields(newProblem(ctx, kindBadRequest, detail),
			[]api.FieldError{{Parameter: ptr(name), Detail: "must be a " + prefix + "_… id"}}))
	}
	return u, nil
}

// pathID parses a v2 path id.
func pathID(ctx context.Context, prefix, name, raw string) (uuid.UUID, error) {
	return idParam(ctx, prefix, name, "the request is malformed: "+name+" is not a "+prefix+"_… id", raw)
}

// parseID parses the id of a v1 path.
func parseID(ctx context.Context, prefix, raw string) (uuid.UUID, error) {
	return idParam(ctx, prefix, "id", "the id is malformed", raw)
}

// filterID parses an id-valued query parameter (a list filter): nil when absent; a
// malformed one is a 400, never a dropped filter.
func filterID(ctx context.Context, prefix, name string, raw *string) (*uuid.UUID, error) {
	if raw == nil {
		return nil, nil
	}
	u, err := pathID(ctx, prefix, name, *raw)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// bodyID parses an id member of the body; a malformed one is a 422 pointing at it.
func bodyID(ctx context.Context, prefix, pointer, raw string) (uuid.UUID, error) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		return uuid.Nil, fail(withFields(newProblem(ctx, kindValidation, "the request body is invalid"),
			[]api.FieldError{{Pointer: ptr(pointer), Detail: "must be a " + prefix + "_… id"}}))
	}
	return u, nil
}

// bodyIDs parses a list of body ids, recording a field error in v per malformed or
// repeated one.
func bodyIDs(prefix string, in []string, pointer string, v *store.ValidationError) []uuid.UUID {
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

// permittedID opens an operation on one record: the permission check (read or write),
// then the path id; the first refusal wins.
func permittedID(ctx context.Context, perm auth.Permission, write bool, prefix, name, raw string) (uuid.UUID, error) {
	if err := needPerm(ctx, perm, write); err != nil {
		return uuid.Nil, err
	}
	return pathID(ctx, prefix, name, raw)
}
