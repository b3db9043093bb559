// Package scim serves SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2: an identity
// provider (Okta, Entra ID) creates, changes, deactivates and deletes the tenant's users
// and keeps its groups and members. The protocol — routing, schemas, ServiceProviderConfig,
// Schemas, ResourceTypes, filter and PATCH parsing, the error format — is
// github.com/elimity-com/scim; this package authenticates the SCIM token, which names the
// tenant, and implements its resource handlers over the people domain's provisioning
// (store/people), so row-level security applies and every change is audited with surface
// scim.
package scim

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	escim "github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// Path is where SCIM is served; Okta and Entra ID are given https://<host>/scim/v2.
const Path = "/scim/v2"

// maxResults caps count (and is the default page size).
const maxResults = 100

var stringValues sync.Once

// New returns the /scim/v2 handler: st authenticates tokens, repo provisions.
func New(st *store.Store, repo *people.Repo, log *slog.Logger) (http.Handler, error) {
	// Entra ID sends booleans as strings ("False"); the library parses them only with this
	// process-wide switch, which nothing else in learnd uses.
	stringValues.Do(func() { schema.SetAllowStringValues(true) })
	prov := repo.Provisioning()
	srv, err := escim.NewServer(&escim.ServerArgs{
		ServiceProviderConfig: &escim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/learnd/learnd#scim-provisioning-okta-entra-id"),
			AuthenticationSchemes: []escim.AuthenticationScheme{{
				Type: escim.AuthenticationTypeOauthBearerToken, Name: "SCIM token",
				Description: "Authorization: Bearer scim_…, a token an owner creates with POST /api/v2/scim/tokens.",
				Primary:     true,
			}},
			MaxResults: maxResults, SupportFiltering: true, SupportPatch: true,
		},
		ResourceTypes: []escim.ResourceType{
			{
				ID: optional.NewString("User"), Name: "User", Endpoint: "/Users",
				Description:      optional.NewString("A person of the tenant"),
				Schema:           schema.CoreUserSchema(),
				SchemaExtensions: []escim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
				Handler:          &userHandler{repo: prov, log: log},
			},
			{
				ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups",
				Description: optional.NewString("A group of the tenant's users"),
				Schema:      schema.CoreGroupSchema(),
				Handler:     &groupHandler{repo: prov, log: log},
			},
		},
	}, escim.WithLogger(slogLogger{log}))
	if err != nil {
		return nil, err
	}
	return &handler{st: st, srv: srv, log: log}, nil
}

// handler authenticates the SCIM token and hands the request to the SCIM server, with
// the path below /scim (the library serves /v2/…).
type handler struct {
	st  *store.Store
	srv escim.Server
	log *slog.Logger
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secret, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		unauthorized(w, "Authorization: Bearer <SCIM token> is required.")
		return
	}
	c, err := h.st.AuthenticateSCIMToken(r.Context(), secret)
	if errors.Is(err, store.ErrInvalidSCIMToken) {
		unauthorized(w, "The SCIM token is unknown or revoked.")
		return
	} else if err != nil {
		h.log.ErrorContext(r.Context(), "scim: authenticate", "err", err)
		writeError(w, scimerr.ScimErrorInternal)
		return
	}
	// The provider acts as no person of the tenant; its writes are audited with surface
	// scim and, as their application, the token that made them (scim:stk_…).
	p := auth.Principal{TenantID: c.TenantID, Role: auth.RoleAdmin, Scopes: []string{auth.ScopeRead, auth.ScopeWrite},
		Surface: auth.SurfaceSCIM, AppID: "scim:" + typeid.Format(typeid.SCIMToken, c.TokenID)}
	r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	u := *r.URL
	u.Path, u.RawPath = strings.TrimPrefix(u.Path, "/scim"), ""
	r.URL = &u
	managerShim(r)
	h.srv.ServeHTTP(w, r)
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func unauthorized(w http.ResponseWriter, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
	writeError(w, scimerr.ScimError{Status: http.StatusUnauthorized, Detail: detail})
}

// TooManyRequests answers 429 in SCIM's format, with Retry-After: the client address has
// failed to authenticate too often.
func TooManyRequests(w http.ResponseWriter, wait time.Duration) {
	secs := strconv.Itoa(int(math.Max(1, math.Ceil(wait.Seconds()))))
	w.Header().Set("Retry-After", secs)
	writeError(w, scimerr.ScimError{Status: http.StatusTooManyRequests,
		Detail: "Too many failed authentication attempts from this address; retry in " + secs + " seconds."})
}

func writeError(w http.ResponseWriter, e scimerr.ScimError) {
	b, _ := e.MarshalJSON()
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

// slogLogger is the library's Logger over slog.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Error(args ...any) { l.log.Error("scim", args...) }
