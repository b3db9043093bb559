package server

import (
	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// toAPIGroup is the v2 view of a group.
func toAPIGroup(g *people.Group) api.Group {
	out := api.Group{
		Id: typeid.Format(typeid.Group, g.ID), Name: g.Name, Kind: api.GroupKind(g.Kind),
		Description: nullable.NewNullNullable[string](), MemberCount: g.MemberCount,
		CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt, Version: g.Version,
	}
	if g.Description != nil {
		out.Description = nullable.NewNullableWithValue(*g.Description)
	}
	return out
}

// toAPIGroups converts a page of groups.
func toAPIGroups(gs []people.Group) []api.Group {
	out := make([]api.Group, len(gs))
	for i := range gs {
		out[i] = toAPIGroup(&gs[i])
	}
	return out
}

// toAPIGroupMember is the v2 view of a member of a group.
func toAPIGroupMember(m *people.GroupMember) api.GroupMember {
	return api.GroupMember{Id: typeid.Format(typeid.Person, m.ID), Name: m.Name, Email: m.Email,
		Role: api.UserRole(m.Role), Status: api.UserStatus(m.Status), AddedAt: m.AddedAt}
}

// toModelGroupChange reads a group merge patch: absent members stay, a null description
// clears it.
func toModelGroupChange(p *api.GroupPatch) people.GroupChange {
	ch := people.GroupChange{Name: p.Name}
	if p.Kind != nil {
		k := string(*p.Kind)
		ch.Kind = &k
	}
	if p.Description.IsSpecified() {
		ch.SetDescription = true
		if d, err := p.Description.Get(); err == nil {
			ch.Description = &d
		}
	}
	return ch
}

// toAPIPersonIDs renders user ids.
func toAPIPersonIDs(ids []uuid.UUID) []api.UserID {
	out := make([]api.UserID, len(ids))
	for i, id := range ids {
		out[i] = typeid.Format(typeid.Person, id)
	}
	return out
}
