package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// headAsGet answers HEAD like GET without the body (RFC 9110 §9.3.2): Echo routes HEAD
// only where it was registered, which would make every GET path a 405 for HEAD.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		req.Method = http.MethodGet
		c.Response().Writer = headWriter{c.Response().Writer}
		return next(c)
	}
}

// headWriter keeps the status and headers of a response and drops its body.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(b []byte) (int, error) { return len(b), nil }
