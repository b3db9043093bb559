package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// GetTenant returns the caller's tenant, its licence and the per-key limits of its tier.
func (s *Server) GetTenant(ctx context.Context, _ api.GetTenantRequestObject) (api.GetTenantResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	t, err := s.people.Tenants().Current(ctx)
	if err != nil {
		return nil, err
	}
	lim := tierLimits[t.Licence.Tier] // the tenants table admits only the tiers listed there
	return api.GetTenant200JSONResponse{
		Id: t.ID, Name: t.Name,
		Licence:   api.TenantLicence{Tier: api.TenantLicenceTier(t.Licence.Tier), McpAccess: api.TenantLicenceMcpAccess(t.Licence.MCPAccess), McpAiAccess: t.Licence.MCPAIAccess},
		KeyLimits: api.TenantKeyLimits{PerMinute: lim.PerMinute, PerDay: lim.PerDay},
	}, nil
}
