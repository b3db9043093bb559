package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/server/scim"
	"github.com/learnd/learnd/store"
)

// mountSCIM serves SCIM 2.0 at /scim/v2 (package server/scim). Like /mcp, the routes run
// the common middleware but not the API's own (apiOnly): the handler authenticates its
// SCIM token itself and answers in SCIM's error format. The request id travels into the
// audit log.
func mountSCIM(e *echo.Echo, h http.Handler) {
	withID := echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		h.ServeHTTP(w, r.WithContext(store.WithRequestID(ctx, requestIDFrom(ctx))))
	}))
	e.Any(scim.Path, withID)
	e.Any(scim.Path+"/*", withID)
}

// scimPath reports whether path is served by SCIM.
func scimPath(path string) bool {
	return path == scim.Path || strings.HasPrefix(path, scim.Path+"/")
}
