package scim

import (
	"log/slog"
	"net/http"

	escim "github.com/elimity-com/scim"

	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// groupHandler is /Groups over provisioning. Members are read only when the response
// carries them (excludedAttributes=members, as Entra ID asks, skips them).
type groupHandler struct {
	repo *people.ProvisionRepo
	log  *slog.Logger
}

var _ escim.ResourceHandler = (*groupHandler)(nil)

// Create provisions a group with its members.
func (h *groupHandler) Create(r *http.Request, a escim.ResourceAttributes) (escim.Resource, error) {
	p, err := toModelGroupProfile(a)
	if err != nil {
		return escim.Resource{}, err
	}
	g, err := h.repo.CreateGroup(r.Context(), p)
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, "Group")
	}
	return project(r, toSCIMGroup(g, true)), nil
}

// Get returns a group.
func (h *groupHandler) Get(r *http.Request, id string) (escim.Resource, error) {
	gid, err := parseID(typeid.Group, id)
	if err != nil {
		return escim.Resource{}, err
	}
	members := !excluded(r, "members")
	g, err := h.repo.GetGroup(r.Context(), gid, members)
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMGroup(g, members)), nil
}

// GetAll lists groups by filter, startIndex and count.
func (h *groupHandler) GetAll(r *http.Request, params escim.ListRequestParams) (escim.Page, error) {
	f, err := toModelFilter(params.FilterValidator, groupFilterAttrs)
	if err != nil {
		return escim.Page{}, toSCIMError(r.Context(), h.log, err, "")
	}
	members := !excluded(r, "members")
	gs, total, err := h.repo.FindGroups(r.Context(), people.ProvisionQuery{Filter: f, Offset: params.StartIndex - 1, Limit: params.Count, WithMembers: members})
	if err != nil {
		return escim.Page{}, toSCIMError(r.Context(), h.log, err, "")
	}
	page := escim.Page{TotalResults: total, Resources: make([]escim.Resource, len(gs))}
	for i := range gs {
		page.Resources[i] = project(r, toSCIMGroup(&gs[i], members))
	}
	return page, nil
}

// Replace replaces a group's name, external id and members (PUT).
func (h *groupHandler) Replace(r *http.Request, id string, a escim.ResourceAttributes) (escim.Resource, error) {
	gid, err := parseID(typeid.Group, id)
	if err != nil {
		return escim.Resource{}, err
	}
	next, err := toModelGroupProfile(a)
	if err != nil {
		return escim.Resource{}, err
	}
	g, err := h.repo.ChangeGroup(r.Context(), gid, func(p *people.GroupProfile) error { *p = next; return nil })
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMGroup(g, true)), nil
}

// Delete removes a group.
func (h *groupHandler) Delete(r *http.Request, id string) error {
	gid, err := parseID(typeid.Group, id)
	if err != nil {
		return err
	}
	return toSCIMError(r.Context(), h.log, h.repo.DeleteGroup(r.Context(), gid), id)
}

// Patch applies PATCH operations (name, external id, members) to a group.
func (h *groupHandler) Patch(r *http.Request, id string, ops []escim.PatchOperation) (escim.Resource, error) {
	gid, err := parseID(typeid.Group, id)
	if err != nil {
		return escim.Resource{}, err
	}
	g, err := h.repo.ChangeGroup(r.Context(), gid, func(p *people.GroupProfile) error { return applyGroupPatch(p, ops) })
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMGroup(g, !excluded(r, "members"))), nil
}
