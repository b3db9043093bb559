package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/gen/api"
)

// validator checks every request against the OpenAPI contract before a handler sees it.
// Echo has already matched the route, so the contract's route is looked up by Echo's path
// template ("/api/v1/learning/cohorts/:id") instead of being matched again.
type validator struct {
	routes map[string]*routers.Route // "METHOD echo-path" → contract route
}

func init() {
	// Problem details name the field and the rule, never dump the schema or the value.
	openapi3.SchemaErrorDetailsDisabled = true
	// date-time must be a real instant: kin-openapi's pattern accepts 2026-02-30.
	openapi3.DefineStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(v string) error {
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return errors.New("must be an RFC 3339 date-time that exists, e.g. 2026-03-02T09:00:00Z")
		}
		return nil
	}))
}

func newValidator(spec *openapi3.T) (*validator, error) {
	v := &validator{routes: map[string]*routers.Route{}}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + echoPath(path)
			if _, dup := v.routes[key]; dup {
				return nil, fmt.Errorf("openapi routes: %s defined twice", key)
			}
			v.routes[key] = &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return v, nil
}

// echoPath turns "/a/{id}/b" into Echo's "/a/:id/b".
func echoPath(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		b.WriteByte(':')
		b.WriteString(p[i+1 : i+j])
		p = p[i+j+1:]
	}
}

func (v *validator) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route, ok := v.routes[c.Request().Method+" "+c.Path()]
		if !ok {
			return next(c) // not an API operation (or unknown): Echo answers it
		}
		if err := v.check(c, route); err != nil {
			// The token endpoint's refusals are OAuth errors; only the contract's refusals
			// are rewritten here, never what its handler answers.
			var pe *problemError
			if route.Operation.OperationID == tokenOperation && errors.As(err, &pe) && pe.problem.Error == nil {
				pe.problem = oauthRequestProblem(c.Request().Context(), pe.problem)
			}
			return err
		}
		return next(c)
	}
}

// tokenOperation is the OAuth token endpoint, whose refusals are RFC 6749 §5.2 errors.
const tokenOperation = "createToken"

// oauthRequestProblem gives a token request the contract refused RFC 6749 §5.2's shape:
// 400 with error invalid_request (a body over the size limit stays 413), its fields kept.
func oauthRequestProblem(ctx context.Context, p api.Problem) api.Problem {
	code := "invalid_request"
	if p.Status == http.StatusRequestEntityTooLarge {
		p.Error = &code
		return p
	}
	out := oauthProblem(ctx, kindBadRequest, code, "the token request is invalid: "+deref(p.Detail))
	out.Errors = p.Errors
	return out
}

// check validates a request of a contract route: nil when it may go on to its handler.
func (v *validator) check(c echo.Context, route *routers.Route) error {
	req := c.Request()
	names, values := c.ParamNames(), c.ParamValues()
	pathParams := make(map[string]string, len(names))
	for i, n := range names {
		if i < len(values) {
			pathParams[n] = values[i]
		}
	}
	// The body is read once, here, before anything decodes it: a body that does not
	// arrive is a problem of its own, and a JSON string holding bytes that are not
	// UTF-8 is refused by its pointer instead of being decoded into U+FFFD.
	body, err := readBody(req)
	if err != nil {
		return err
	}
	if jsonBody(req) {
		if fields := invalidUTF8(body); len(fields) > 0 {
			return &problemError{problem: withFields(newProblem(req.Context(), kindValidation, "the request body is invalid"), fields)}
		}
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			// Never write schema defaults into the request: a merge patch must change only
			// what it names, and list filters must filter only on what was sent.
			SkipSettingDefaults: true,
		},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		return &problemError{problem: requestProblem(req.Context(), err)}
	}
	if p := rejectNUL(req); p != nil {
		return &problemError{problem: *p}
	}
	return nil
}

// requestProblem maps kin-openapi's validation errors to one problem: 400 for parameters
// and unparseable bodies, 415 for a wrong content type, 413 for a body over the limit,
// 422 for a body that breaks the schema (with a JSON Pointer per field).
func requestProblem(ctx context.Context, err error) api.Problem {
	var errs []error
	var me openapi3.MultiError
	if errors.As(err, &me) {
		errs = flatten(me)
	} else {
		errs = []error{err}
	}
	status := http.StatusUnprocessableEntity
	var fields []api.FieldError
	for _, e := range errs {
		f, st := fieldError(e)
		fields = append(fields, f...)
		if st < status {
			status = st // the most basic failure decides the status
		}
	}
	var p api.Problem
	switch status {
	case http.StatusBadRequest:
		p = newProblem(ctx, kindBadRequest, "the request is malformed")
	case http.StatusRequestEntityTooLarge:
		p = newProblem(ctx, kindTooLarge, "the request body exceeds the size limit")
	case http.StatusUnsupportedMediaType:
		p = newProblem(ctx, kindMediaType, "the request body's content type is not accepted")
	default:
		p = newProblem(ctx, kindValidation, "the request body is invalid")
	}
	if len(fields) > 0 && fields[0].Detail != "" && status != http.StatusUnprocessableEntity {
		d := *p.Detail + ": " + fields[0].Detail
		p.Detail = &d
	}
	return withFields(p, fields)
}

func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		if inner, ok := e.(openapi3.MultiError); ok { // only a bare MultiError: a RequestError wrapping one keeps its context
			out = append(out, flatten(inner)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

// fieldError describes one validation failure and the status it calls for.
func fieldError(err error) ([]api.FieldError, int) {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return []api.FieldError{{Detail: err.Error()}}, http.StatusBadRequest
	}
	if re.Parameter != nil {
		name := re.Parameter.Name
		return []api.FieldError{{Parameter: &name, Detail: paramDetail(re)}}, http.StatusBadRequest
	}
	// Request body.
	if strings.HasPrefix(re.Reason, "header Content-Type has unexpected value") {
		detail := re.Reason
		if re.RequestBody != nil && len(re.RequestBody.Content) > 0 {
			types := make([]string, 0, len(re.RequestBody.Content))
			for ct := range re.RequestBody.Content {
				types = append(types, ct)
			}
			sort.Strings(types)
			detail = "send " + strings.Join(types, " or ")
		}
		return []api.FieldError{{Detail: detail}}, http.StatusUnsupportedMediaType
	}
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return []api.FieldError{{Detail: "a request body is required"}}, http.StatusBadRequest
	}
	var tooLarge *http.MaxBytesError
	if errors.As(re.Err, &tooLarge) || (re.Err != nil && strings.Contains(re.Err.Error(), "Request Entity Too Large")) {
		return []api.FieldError{{Detail: "the request body exceeds the size limit"}}, http.StatusRequestEntityTooLarge
	}
	var inner openapi3.MultiError
	if errors.As(re.Err, &inner) {
		var fields []api.FieldError
		for _, e := range flatten(inner) {
			fields = append(fields, schemaField(e)...)
		}
		return fields, http.StatusUnprocessableEntity
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return schemaField(se), http.StatusUnprocessableEntity
	}
	var pe *openapi3filter.ParseError
	if errors.As(re.Err, &pe) {
		return []api.FieldError{{Detail: "malformed JSON: " + pe.Error()}}, http.StatusBadRequest
	}
	return []api.FieldError{{Detail: re.Error()}}, http.StatusBadRequest
}

func schemaField(err error) []api.FieldError {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return []api.FieldError{{Detail: err.Error()}}
	}
	ptr := "/" + strings.Join(escapePointer(se.JSONPointer()), "/")
	if ptr == "/" {
		ptr = ""
	}
	// "property X is unsupported" names the member at the parent pointer.
	if strings.HasPrefix(se.Reason, "property \"") && strings.HasSuffix(se.Reason, "\" is unsupported") {
		name := strings.TrimSuffix(strings.TrimPrefix(se.Reason, "property \""), "\" is unsupported")
		ptr = strings.TrimSuffix(ptr, "/") + "/" + escapePointer([]string{name})[0]
		return []api.FieldError{{Pointer: &ptr, Detail: "unknown field"}}
	}
	if strings.HasPrefix(se.Reason, "property \"") && strings.HasSuffix(se.Reason, "\" is missing") {
		// kin-openapi's pointer already ends with the missing member's name.
		return []api.FieldError{{Pointer: &ptr, Detail: "is required"}}
	}
	return []api.FieldError{{Pointer: &ptr, Detail: schemaReason(se)}}
}

// typeIDPattern recognises the pattern of a TypeID schema (^per(_…|-<uuid>)$) and its prefix.
var typeIDPattern = regexp.MustCompile(`^\^([a-z]{2,8})\(_\[0-7\]`)

// schemaReason is a schema failure in words: a TypeID that does not match its pattern says
// which id it must be, instead of quoting the regular expression.
func schemaReason(se *openapi3.SchemaError) string {
	if se.SchemaField == "pattern" && se.Schema != nil {
		if m := typeIDPattern.FindStringSubmatch(se.Schema.Pattern); m != nil {
			return "must be a " + m[1] + "_… id"
		}
	}
	return se.Reason
}

func escapePointer(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return out
}

func paramDetail(re *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return schemaReason(se)
	}
	if re.Err != nil {
		return re.Err.Error()
	}
	return re.Reason
}

// rejectNUL refuses text PostgreSQL cannot store — U+0000, and bytes that are not UTF-8 —
// in query parameters, the Idempotency-Key header and a JSON body's strings, so it never
// surfaces as a 500. (A body's strings were checked for UTF-8 before decoding: body.go.)
func rejectNUL(req *http.Request) *api.Problem {
	ctx := req.Context()
	badParam := func(name, detail string) *api.Problem {
		p := withFields(newProblem(ctx, kindBadRequest, "the request is malformed: "+name+" "+detail),
			[]api.FieldError{{Parameter: ptr(name), Detail: detail}})
		return &p
	}
	if strings.Contains(req.URL.RawQuery, "%") {
		for name, vals := range req.URL.Query() {
			for _, v := range vals {
				if !utf8.ValidString(v) || !utf8.ValidString(name) {
					return badParam(name, "must be valid UTF-8")
				}
				if strings.ContainsRune(v, 0) {
					return badParam(name, "must not contain NUL (U+0000)")
				}
			}
		}
	}
	if k := req.Header.Get("Idempotency-Key"); k != "" {
		for i := 0; i < len(k); i++ {
			if k[i] < 0x20 || k[i] > 0x7e {
				return badParam("Idempotency-Key", "must be printable ASCII")
			}
		}
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || !bytes.Contains(body, []byte(`\u0000`)) { // a raw NUL byte is not valid JSON

		return nil
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var fields []api.FieldError
	walkNUL(doc, "", &fields)
	if len(fields) == 0 {
		return nil
	}
	p := withFields(newProblem(ctx, kindValidation, "the request body is invalid"), fields)
	return &p
}

func walkNUL(v any, pointer string, out *[]api.FieldError) {
	switch t := v.(type) {
	case string:
		if strings.ContainsRune(t, 0) {
			ptr := pointer
			*out = append(*out, api.FieldError{Pointer: &ptr, Detail: "must not contain NUL (U+0000)"})
		}
	case map[string]any:
		for k, e := range t {
			p := pointer + "/" + escapePointer([]string{k})[0]
			if strings.ContainsRune(k, 0) {
				*out = append(*out, api.FieldError{Pointer: &p, Detail: "member names must not contain NUL (U+0000)"})
			}
			walkNUL(e, p, out)
		}
	case []any:
		for i, e := range t {
			walkNUL(e, pointer+"/"+strconv.Itoa(i), out)
		}
	}
}
