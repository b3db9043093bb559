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
// SCIM token itself and answers in SCIM's error format. Failed authentications count
// towards the client address's limit as the API's do (authFailures), and an address over
// it is refused with 429 before its token is looked at. The request id travels into the
// audit log.
func (s *Server) mountSCIM(e *echo.Echo, h http.Handler) {
	serve := func(c echo.Context) error {
		addr := c.RealIP()
		if wait := s.authFailures.blocked(addr); wait > 0 {
			scim.TooManyRequests(c.Response(), wait)
			return nil
		}
		ctx := c.Request().Context()
		h.ServeHTTP(c.Response(), c.Request().WithContext(store.WithRequestID(ctx, requestIDFrom(ctx))))
		if c.Response().Status == http.StatusUnauthorized {
			s.authFailures.fail(addr)
		}
		return nil
	}
	e.Any(scim.Path, serve)
	e.Any(scim.Path+"/*", serve)
}

// scimPath reports whether path is served by SCIM.
func scimPath(path string) bool {
	return path == scim.Path || strings.HasPrefix(path, scim.Path+"/")
}
