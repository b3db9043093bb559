package server

import (
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// idOut renders an optional UUID as a TypeID.
func idOut(prefix string, u *uuid.UUID) *string {
	if u == nil {
		return nil
	}
	s := typeid.Format(prefix, *u)
	return &s
}

// idIn parses an optional TypeID (either form), recording a field error when malformed.
func idIn(prefix string, s *string, pointer string, v *store.ValidationError) *uuid.UUID {
	if s == nil {
		return nil
	}
	u, err := typeid.Parse(prefix, *s)
	if err != nil {
		v.Fields = append(v.Fields, store.FieldError{Pointer: pointer, Detail: "must be a " + prefix + "_… id"})
		return nil
	}
	return &u
}

// idsIn canonicalises a list of TypeIDs, recording a field error per malformed one.
func idsIn(prefix string, in *[]string, pointer string, v *store.ValidationError) []string {
	if in == nil {
		return []string{}
	}
	out := make([]string, 0, len(*in))
	seen := make(map[string]bool, len(*in))
	for i, s := range *in {
		c, err := typeid.Canonical(prefix, s)
		if err != nil {
			v.Fields = append(v.Fields, store.FieldError{Pointer: pointer + "/" + itoa(i), Detail: "must be a " + prefix + "_… id"})
			continue
		}
		if !seen[c] { // grp-<uuid> and grp_… may name the same id
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// envelopeOut is the API view of the envelope, shared by every resource converter.
type envelopeOut struct {
	ID, TenantID         string
	AppID                *string
	CreatedAt, UpdatedAt time.Time
	CreatedBy, UpdatedBy *string
	IsDeleted            bool
	DeletedAt            nullable.Nullable[time.Time]
	DeletedBy            nullable.Nullable[string]
}

func toAPIEnvelope(prefix string, e *learning.Envelope) envelopeOut {
	out := envelopeOut{
		ID: typeid.Format(prefix, e.ID), TenantID: e.TenantID, AppID: e.AppID,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		CreatedBy: idOut(typeid.Person, e.CreatedBy), UpdatedBy: idOut(typeid.Person, e.UpdatedBy),
		IsDeleted: e.IsDeleted,
		DeletedAt: nullable.NewNullNullable[time.Time](), DeletedBy: nullable.NewNullNullable[string](),
	}
	if e.DeletedAt != nil {
		out.DeletedAt = nullable.NewNullableWithValue(*e.DeletedAt)
	}
	if e.DeletedBy != nil {
		out.DeletedBy = nullable.NewNullableWithValue(typeid.Format(typeid.Person, *e.DeletedBy))
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func orEmpty[T any](p *[]T) []T {
	if p == nil {
		return []T{}
	}
	return *p
}

func itoa(i int) string { return strconv.Itoa(i) }
