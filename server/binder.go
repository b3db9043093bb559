package server

import (
	"encoding/json"
	"errors"
	"io"
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
		dec := json.NewDecoder(req.Body)
		if err := dec.Decode(i); err != nil {
			// The contract validated the body already, so this is a value JSON Schema allows
			// but the field's Go type cannot hold (e.g. 1e3 for an integer).
			return echo.NewHTTPError(http.StatusBadRequest, "the request body could not be decoded: a value does not fit its field's type").SetInternal(err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return echo.NewHTTPError(http.StatusBadRequest, "malformed JSON: data after the top-level value")
		}
		return nil
	}
	return (&echo.DefaultBinder{}).Bind(i, c)
}
