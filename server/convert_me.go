package server

import (
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
)

// toAPIMe is the v2 view of the caller p; u is its user row, nil when it has none.
func toAPIMe(p auth.Principal, u *people.User) api.Me {
	out := api.Me{
		UserId: p.Subject, Role: api.UserRole(p.Role), TenantId: p.TenantID,
		Name: nullable.NewNullNullable[string](), Email: nullable.NewNullNullable[string](),
		KeyId: nullable.NewNullNullable[string](), AppId: nullable.NewNullNullable[string](),
		Scopes: make([]api.GrantedScope, 0, len(p.Scopes)),
		Licence: api.TenantLicence{
			Tier: api.TenantLicenceTier(p.Licence.Tier), McpAccess: api.TenantLicenceMcpAccess(p.Licence.MCPAccess),
			McpAiAccess: p.Licence.MCPAIAccess,
		},
		Permissions:   []api.Permission{},
		Pseudonymised: p.Pseudonymised,
	}
	if u != nil {
		out.Name, out.Email = nullable.NewNullableWithValue(u.Name), nullable.NewNullableWithValue(u.Email)
	}
	if p.KeyID != "" {
		out.KeyId = nullable.NewNullableWithValue(p.KeyID)
	}
	if p.AppID != "" {
		out.AppId = nullable.NewNullableWithValue(p.AppID)
	}
	for _, s := range p.Scopes {
		out.Scopes = append(out.Scopes, api.GrantedScope(s))
	}
	for _, perm := range auth.Permissions {
		if p.Can(perm) {
			out.Permissions = append(out.Permissions, api.Permission(perm))
		}
	}
	return out
}
