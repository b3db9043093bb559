package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// GetTenantSettings returns the caller's tenant's settings (any caller with the read scope).
func (s *Server) GetTenantSettings(ctx context.Context, _ api.GetTenantSettingsRequestObject) (api.GetTenantSettingsResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	st, err := s.people.Tenants().Settings(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetTenantSettings200JSONResponse(toAPITenantSettings(st)), nil
}

// UpdateTenantSettings applies a merge patch to the tenant's settings: admins and owners,
// write scope.
func (s *Server) UpdateTenantSettings(ctx context.Context, req api.UpdateTenantSettingsRequestObject) (api.UpdateTenantSettingsResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	if err := requireAdmin(ctx, "changing the tenant's settings"); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	st, err := s.people.Tenants().UpdateSettings(ctx, toModelTenantSettingsChange(*body))
	if err != nil {
		return nil, err
	}
	return api.UpdateTenantSettings200JSONResponse(toAPITenantSettings(st)), nil
}
