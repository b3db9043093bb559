package server

import (
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// toAPIUser is the v2 view of a user.
func toAPIUser(u *people.User) api.User {
	out := api.User{
		Id: typeid.Format(typeid.Person, u.ID), Name: u.Name, Email: u.Email,
		Role: api.UserRole(u.Role), Status: api.UserStatus(u.Status),
		Groups:    make([]api.UserGroup, len(u.Groups)),
		BannedAt:  nullable.NewNullNullable[time.Time](),
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version,
	}
	for i, g := range u.Groups {
		out.Groups[i] = api.UserGroup{Id: typeid.Format(typeid.Group, g.ID), Name: g.Name, Kind: api.GroupKind(g.Kind)}
	}
	if u.BannedAt != nil {
		out.BannedAt = nullable.NewNullableWithValue(*u.BannedAt)
	}
	if len(u.Attributes) > 0 {
		out.Attributes = ptr(api.UserAttributes(u.Attributes))
	}
	return out
}

// toModelAttributes reads a body's user attributes (nil when absent; never nil when sent).
func toModelAttributes(a *api.UserAttributes) map[string]string {
	if a == nil {
		return nil
	}
	out := make(map[string]string, len(*a))
	for k, v := range *a {
		out[k] = v
	}
	return out
}

// toAPIUsers converts a page of users.
func toAPIUsers(us []people.User) []api.User {
	out := make([]api.User, len(us))
	for i := range us {
		out[i] = toAPIUser(&us[i])
	}
	return out
}
