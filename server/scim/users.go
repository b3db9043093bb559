package scim

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	escim "github.com/elimity-com/scim"

	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// userHandler is /Users over provisioning.
type userHandler struct {
	repo *people.ProvisionRepo
	log  *slog.Logger
}

var _ escim.ResourceHandler = (*userHandler)(nil)

// Create provisions a user with the learner role.
func (h *userHandler) Create(r *http.Request, a escim.ResourceAttributes) (escim.Resource, error) {
	p, err := toModelProfile(a, nil)
	if err != nil {
		return escim.Resource{}, err
	}
	u, err := h.repo.CreateUser(r.Context(), p)
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, "User")
	}
	return project(r, toSCIMUser(u)), nil
}

// Get returns a user.
func (h *userHandler) Get(r *http.Request, id string) (escim.Resource, error) {
	uid, err := parseID(typeid.Person, id)
	if err != nil {
		return escim.Resource{}, err
	}
	u, err := h.repo.GetUser(r.Context(), uid)
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMUser(u)), nil
}

// GetAll lists users by filter, startIndex and count.
func (h *userHandler) GetAll(r *http.Request, params escim.ListRequestParams) (escim.Page, error) {
	f, err := toModelFilter(params.FilterValidator, userFilterAttrs)
	if err != nil {
		return escim.Page{}, toSCIMError(r.Context(), h.log, err, "")
	}
	us, total, err := h.repo.FindUsers(r.Context(), people.ProvisionQuery{Filter: f, Offset: params.StartIndex - 1, Limit: params.Count})
	if err != nil {
		return escim.Page{}, toSCIMError(r.Context(), h.log, err, "")
	}
	page := escim.Page{TotalResults: total, Resources: make([]escim.Resource, len(us))}
	for i := range us {
		page.Resources[i] = project(r, toSCIMUser(&us[i]))
	}
	return page, nil
}

// Replace replaces a user's profile (PUT).
func (h *userHandler) Replace(r *http.Request, id string, a escim.ResourceAttributes) (escim.Resource, error) {
	uid, err := parseID(typeid.Person, id)
	if err != nil {
		return escim.Resource{}, err
	}
	u, err := h.repo.ChangeUser(r.Context(), uid, func(p *people.Profile) error {
		next, err := toModelProfile(a, p)
		*p = next
		return err
	})
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMUser(u)), nil
}

// Delete deprovisions a user: banned, hidden from SCIM, anonymisable.
func (h *userHandler) Delete(r *http.Request, id string) error {
	uid, err := parseID(typeid.Person, id)
	if err != nil {
		return err
	}
	return toSCIMError(r.Context(), h.log, h.repo.DeprovisionUser(r.Context(), uid), id)
}

// Patch applies PATCH operations to a user.
func (h *userHandler) Patch(r *http.Request, id string, ops []escim.PatchOperation) (escim.Resource, error) {
	uid, err := parseID(typeid.Person, id)
	if err != nil {
		return escim.Resource{}, err
	}
	u, err := h.repo.ChangeUser(r.Context(), uid, func(p *people.Profile) error { return applyUserPatch(p, ops) })
	if err != nil {
		return escim.Resource{}, toSCIMError(r.Context(), h.log, err, id)
	}
	return project(r, toSCIMUser(u)), nil
}

// project applies the attributes and excludedAttributes parameters (RFC 7644 3.4.2.5) to
// a resource's top-level attributes; id, externalId, schemas and meta always come back.
func project(r *http.Request, res escim.Resource) escim.Resource {
	q := r.URL.Query()
	keep, drop := splitList(q.Get("attributes")), splitList(q.Get("excludedAttributes"))
	if len(keep) == 0 && len(drop) == 0 {
		return res
	}
	for k := range res.Attributes {
		lk := strings.ToLower(k)
		if slices.Contains(drop, lk) || (len(keep) > 0 && !slices.ContainsFunc(keep, func(s string) bool {
			return s == lk || strings.HasPrefix(s, lk+".") || strings.HasPrefix(s, lk+":")
		})) {
			delete(res.Attributes, k)
		}
	}
	return res
}

// splitList reads a comma-separated attribute list in lower case.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// excluded reports whether a request's excludedAttributes names attr.
func excluded(r *http.Request, attr string) bool {
	return slices.Contains(splitList(r.URL.Query().Get("excludedAttributes")), strings.ToLower(attr))
}
