package server

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// jsonBinder decodes application/json and every +json media type (merge-patch) from the
// body only; other content types fall back to Echo's default binder. The body was already
// validated against the contract, so unknown members never reach here.
type jsonBinder struct{}

var _ echo.Binder = jsonBinder{}

func (jsonBinder) Bind(i any, c echo.Context) error {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if mt == echo.MIMEApplicationJSON || strings.HasSuffix(mt, "+json") {
		if req.ContentLength == 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "a request body is required")
		}
		if err := json.NewDecoder(req.Body).Decode(i); err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "malformed JSON").SetInternal(err)
		}
		return nil
	}
	return (&echo.DefaultBinder{}).Bind(i, c)
}
