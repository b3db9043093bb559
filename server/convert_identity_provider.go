package server

import (
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
)

// toAPIIdentityProvider is the v2 view of a tenant's identity provider.
func toAPIIdentityProvider(p *people.Provider) api.IdentityProvider {
	out := api.IdentityProvider{
		Issuer: p.Issuer, Audience: p.Audience, JwksUrl: p.JWKSURL, DiscoveryUrl: nullable.NewNullNullable[string](),
		RoleMapping: make(map[string]api.IdentityProviderRole, len(p.RoleMapping)),
		DefaultRole: api.IdentityProviderRole(p.DefaultRole), MaxRole: api.IdentityProviderRole(p.MaxRole),
		Jit: p.JIT, AllowedEmailDomains: p.AllowedEmailDomains,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version,
	}
	if p.DiscoveryURL != nil {
		out.DiscoveryUrl = nullable.NewNullableWithValue(*p.DiscoveryURL)
	}
	out.ClientId = nullable.NewNullNullable[string]()
	if p.ClientID != nil {
		out.ClientId = nullable.NewNullableWithValue(*p.ClientID)
	}
	out.HasClientSecret, out.BrowserSignIn = p.ClientSecret != nil, p.BrowserSignIn()
	if out.AllowedEmailDomains == nil {
		out.AllowedEmailDomains = []string{}
	}
	out.Claims.Email, out.Claims.Name, out.Claims.Groups, out.Claims.Role = p.Claims.Email, p.Claims.Name, p.Claims.Groups, p.Claims.Role
	for k, v := range p.RoleMapping {
		out.RoleMapping[k] = api.IdentityProviderRole(v)
	}
	return out
}

// toModelProviderInput is the domain's input of a PUT of the identity provider.
func toModelProviderInput(b api.IdentityProviderPut) people.ProviderInput {
	in := people.ProviderInput{Issuer: b.Issuer, Audience: b.Audience, DiscoveryURL: b.DiscoveryUrl, JWKSURL: b.JwksUrl,
		ClientID: b.ClientId, ClientSecret: b.ClientSecret,
		JIT: deref(b.Jit), RoleMapping: map[string]string{}}
	if b.Claims != nil {
		in.Claims = people.ProviderClaims{Email: deref(b.Claims.Email), Name: deref(b.Claims.Name), Groups: deref(b.Claims.Groups), Role: deref(b.Claims.Role)}
	}
	if b.RoleMapping != nil {
		for k, v := range *b.RoleMapping {
			in.RoleMapping[k] = string(v)
		}
	}
	if b.DefaultRole != nil {
		r := string(*b.DefaultRole)
		in.DefaultRole = &r
	}
	if b.MaxRole != nil {
		r := string(*b.MaxRole)
		in.MaxRole = &r
	}
	if b.AllowedEmailDomains != nil {
		in.AllowedEmailDomains = *b.AllowedEmailDomains
	}
	return in
}
