package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/wire"
)

// MCPPath is where learnd serves MCP over streamable HTTP (Config.MCP).
const MCPPath = "/mcp"

// MCPMount builds the /mcp handler. api is the whole API (the Echo application itself):
// the MCP server's tools call the API through it in-process, so every call runs the
// API's full middleware chain — authentication, rate limits, validation, idempotency —
// and is audited like any other request. oauth, when learnd's authorization server is
// on (Config.AuthServer), is how /mcp accepts its access tokens; nil otherwise.
type MCPMount func(api http.Handler, oauth *auth.ResourceServer) http.Handler

// mountMCP serves /mcp with the handler cfg.MCP builds, when set. The route runs the
// common middleware (request id, access log, recovery, metrics, body limit at
// wire.MCPMaxBodyBytes) but not the API's own (apiOnly): the handler authenticates the API key
// itself, and the API calls its tools make are authenticated and limited as they arrive.
func mountMCP(e *echo.Echo, mount MCPMount, oauth *auth.ResourceServer) {
	if mount == nil {
		return
	}
	e.Any(MCPPath, echo.WrapHandler(mount(e, oauth)))
}

// apiOnly makes each API middleware (authentication, rate limits, request validation,
// idempotency) skip /mcp and /scim/v2.
func apiOnly(mws ...echo.MiddlewareFunc) []echo.MiddlewareFunc {
	out := make([]echo.MiddlewareFunc, len(mws))
	for i, mw := range mws {
		out[i] = func(next echo.HandlerFunc) echo.HandlerFunc {
			api := mw(next)
			return func(c echo.Context) error {
				if p := c.Request().URL.Path; p == MCPPath || scimPath(p) {
					return next(c)
				}
				return api(c)
			}
		}
	}
	return out
}

// bodyLimits caps request bodies: /mcp at wire.MCPMaxBodyBytes, everything else as bodyLimit
// says (limit, or the upload's own for source materials).
func bodyLimits(limit string) echo.MiddlewareFunc {
	api := bodyLimit(limit)
	mcp := middleware.BodyLimit(strconv.Itoa(wire.MCPMaxBodyBytes/(1<<20)) + "M")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		a, m := api(next), mcp(next)
		return func(c echo.Context) error {
			if c.Request().URL.Path == MCPPath {
				return m(c)
			}
			return a(c)
		}
	}
}
