package server

import (
	"fmt"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/gen/api"
)

// declaredStatuses maps each operation of the contract to the statuses it declares.
func declaredStatuses(spec *openapi3.T) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			st := map[int]bool{}
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil {
					st[n] = true
				}
			}
			out[op.OperationID] = st
		}
	}
	return out
}

// declaredOnly keeps every operation to the statuses its contract declares: a handler's
// error that the mapper answers with another status is the server's own mistake, answered
// 500 and logged.
func declaredOnly(declared map[string]map[int]bool) api.StrictMiddlewareFunc {
	return func(f api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
		st, ok := declared[lowerFirst(operationID)]
		if !ok { // not an operation of the contract: nothing to hold it to
			return f
		}
		return func(c echo.Context, req any) (any, error) {
			res, err := f(c, req)
			if err == nil {
				return res, nil
			}
			if p, _ := problemFor(c.Request().Context(), err); !st[p.Status] {
				// %v, not %w: the problem must not be found in the error any more.
				return nil, fmt.Errorf("%s: the contract declares no %d response: %v", operationID, p.Status, err)
			}
			return nil, err
		}
	}
}

// lowerFirst turns the generated handler's operation name ("GetCourse") into the
// contract's operationId ("getCourse").
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
