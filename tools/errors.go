package tools

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/sdk"
)

// The seed's error strings (the text an agent reads in a tool error).
const (
	MsgPermissionDenied = "Permission denied — your user does not have rights for this action."
	MsgNotFound         = "Not found — check the ID exists."
	MsgInvalidArguments = "Invalid arguments: "
	MsgRateLimited      = "Rate limit exceeded. Slow down and retry."
	// MsgNotLicensed starts the text of a call the tenant's licence refuses (not the
	// user's rights): the API's detail follows.
	MsgNotLicensed = "Not included in your organisation's licence — "
)

// licenceCodes are the API's problem codes of a 403 that the tenant's licence,
// not the person's role, decided.
var licenceCodes = []string{"mcp_read_only", "mcp_access_none", "ai_not_licensed"}

// licenceRefusal is the API's detail when err is a call the licence refused; "" otherwise.
func licenceRefusal(err error) string {
	var se *sdk.Error
	if !errors.As(err, &se) || se.Problem == nil || se.Problem.Code == nil || !slices.Contains(licenceCodes, *se.Problem.Code) {
		return ""
	}
	if se.Problem.Detail != nil && *se.Problem.Detail != "" {
		return *se.Problem.Detail
	}
	return *se.Problem.Code
}

// InvalidError is bad tool input found before any API call.
type InvalidError struct{ Detail string }

func (e *InvalidError) Error() string { return MsgInvalidArguments + e.Detail }

// Invalid returns an *InvalidError: the tool error reads "Invalid arguments: " + the
// formatted detail.
func Invalid(format string, args ...any) error {
	return &InvalidError{Detail: fmt.Sprintf(format, args...)}
}

// ErrorText maps an error of a tool to the text the agent reads (seed 003's table):
//
//   - *InvalidError, API 400 and 422: "Invalid arguments: " + the detail and field errors
//   - API 403: MsgPermissionDenied; a licence's refusal: MsgNotLicensed + the detail
//   - API 404: MsgNotFound
//   - API 429: MsgRateLimited + " Retry after N seconds." when the API gave Retry-After,
//     then, for a used-up daily quota, the problem's detail (which quota, when it resets)
//   - API 5xx, network errors, anything else: "Error: " + the message
//   - other API statuses (401, 409, 412, 413, 415 …): the problem's detail (else title)
func ErrorText(err error) string {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	if ce, ok := isConfirm(err); ok {
		return ce.Text
	}
	var se *sdk.Error
	if !errors.As(err, &se) {
		return "Error: " + err.Error()
	}
	switch se.StatusCode {
	case http.StatusForbidden:
		if detail := licenceRefusal(err); detail != "" {
			return MsgNotLicensed + detail
		}
		return MsgPermissionDenied
	case http.StatusNotFound:
		return MsgNotFound
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return MsgInvalidArguments + problemText(se)
	case http.StatusTooManyRequests:
		msg := MsgRateLimited
		if se.RetryAfter > 0 {
			secs := int64(math.Ceil(se.RetryAfter.Seconds()))
			msg = fmt.Sprintf("%s Retry after %d %s.", MsgRateLimited, secs, plural(int(secs), "second", "seconds"))
		}
		// A used-up daily quota is not a burst to wait out: say which quota and when it
		// resets, after the seed's string.
		if p := se.Problem; p != nil && p.Code != nil && strings.Contains(*p.Code, "quota") && p.Detail != nil && *p.Detail != "" {
			msg += " " + strings.ToUpper((*p.Detail)[:1]) + (*p.Detail)[1:] + "."
		}
		return msg
	}
	if se.StatusCode >= 500 {
		return "Error: " + problemText(se)
	}
	return problemText(se)
}

// inputNames rewrites the API's parameter names in an API error (its detail, title and
// field errors) to the tool's input names, given as pairs (API name, input name): an
// agent that sent from/to reads from/to, not fields[createdAt][from]. Other errors are
// returned as they are.
func inputNames(err error, pairs ...string) error {
	var se *sdk.Error
	if !errors.As(err, &se) || se.Problem == nil {
		return err
	}
	r := strings.NewReplacer(pairs...)
	p := *se.Problem
	p.Title = r.Replace(p.Title)
	if p.Detail != nil {
		p.Detail = Ptr(r.Replace(*p.Detail))
	}
	if p.Errors != nil {
		fes := slices.Clone(*p.Errors)
		for i, fe := range fes {
			fe.Detail = r.Replace(fe.Detail)
			if fe.Parameter != nil {
				fe.Parameter = Ptr(r.Replace(*fe.Parameter))
			}
			if fe.Pointer != nil {
				fe.Pointer = Ptr(r.Replace(*fe.Pointer))
			}
			fes[i] = fe
		}
		p.Errors = &fes
	}
	c := *se
	c.Problem = &p
	return &c
}

// problemText is the problem's detail (else title, else the status text) followed by its
// field errors, "field: message; …".
func problemText(se *sdk.Error) string {
	var msg string
	if p := se.Problem; p != nil {
		if p.Detail != nil && *p.Detail != "" {
			msg = *p.Detail
		} else {
			msg = p.Title
		}
		if p.Errors != nil {
			var fields []string
			for _, fe := range *p.Errors {
				var f string
				switch {
				case fe.Pointer != nil:
					f = strings.TrimPrefix(*fe.Pointer, "/")
				case fe.Parameter != nil:
					f = *fe.Parameter
				}
				text := fe.Detail
				if f != "" {
					text = f + ": " + fe.Detail
				}
				// The problem's detail often already says it (a single field error).
				if !strings.Contains(msg, fe.Detail) {
					fields = append(fields, text)
				}
			}
			if len(fields) > 0 {
				if msg != "" {
					msg += " — "
				}
				msg += strings.Join(fields, "; ")
			}
		}
	}
	if msg == "" {
		msg = strings.TrimSpace(string(se.Body))
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("%d %s", se.StatusCode, http.StatusText(se.StatusCode))
	}
	return msg
}

// toolError is err as a tool error result (never a protocol error).
func toolError(err error) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: ErrorText(err)}}, IsError: true}
}

// decodeInput validates the arguments against the tool's input schema (after applying
// its defaults) and decodes them into dst. Failures are *InvalidError.
func decodeInput(raw json.RawMessage, dst any, rs *jsonschema.Resolved) error {
	m := map[string]any{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &m); err != nil {
			return Invalid("the arguments must be a JSON object")
		}
	}
	s := rs.Schema()
	for name, v := range m { // a null optional argument is an absent one
		if v == nil && !slices.Contains(s.Required, name) {
			delete(m, name)
		}
	}
	var missing []string
	for _, name := range s.Required {
		if v, ok := m[name]; !ok || v == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return Invalid("missing required %s %s", plural(len(missing), "argument", "arguments"), strings.Join(missing, ", "))
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Not != nil {
		var unknown []string
		for name := range m {
			if _, ok := s.Properties[name]; !ok {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			known := make([]string, 0, len(s.Properties))
			for name := range s.Properties {
				known = append(known, name)
			}
			sort.Strings(known)
			if len(known) == 0 {
				return Invalid("this tool takes no arguments (got %s)", strings.Join(unknown, ", "))
			}
			return Invalid("unknown %s %s (expected: %s)", plural(len(unknown), "argument", "arguments"), strings.Join(unknown, ", "), strings.Join(known, ", "))
		}
	}
	if err := rs.ApplyDefaults(&m); err != nil {
		return Invalid("%v", err)
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if p := s.Properties[name]; p != nil {
			if err := checkValue(name, p, m[name]); err != nil {
				return err
			}
		}
	}
	if err := rs.Validate(m); err != nil { // anything the checks above do not cover
		return Invalid("%s", schemaMessage(err))
	}
	b, err := json.Marshal(m)
	if err != nil {
		return Invalid("%v", err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Invalid("%s must be a %s", te.Field, te.Type.Kind())
		}
		return Invalid("%v", err)
	}
	return nil
}

// checkValue checks one argument against its property schema (type, enum, range,
// length, items) with a message naming the argument; deeper rules are left to Validate.
func checkValue(name string, p *jsonschema.Schema, v any) error {
	types := p.Types
	if p.Type != "" {
		types = []string{p.Type}
	}
	if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
		want := slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
		return Invalid("%s must be %s (got %s)", name, article(strings.Join(want, " or ")), shortJSON(v))
	}
	switch x := v.(type) {
	case float64:
		lo, hi := p.Minimum, p.Maximum
		switch {
		case lo != nil && hi != nil && (x < *lo || x > *hi):
			return Invalid("%s must be between %s and %s (got %s)", name, num(*lo), num(*hi), num(x))
		case lo != nil && x < *lo:
			return Invalid("%s must be at least %s (got %s)", name, num(*lo), num(x))
		case hi != nil && x > *hi:
			return Invalid("%s must be at most %s (got %s)", name, num(*hi), num(x))
		}
	case string:
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, any(x)) {
			vals := make([]string, len(p.Enum))
			for i, e := range p.Enum {
				vals[i] = fmt.Sprint(e)
			}
			return Invalid("%s must be one of %s (got %q)", name, strings.Join(vals, ", "), clip(x, 40))
		}
		n := len([]rune(x))
		if p.MinLength != nil && n < *p.MinLength {
			if *p.MinLength == 1 {
				return Invalid("%s must not be empty", name)
			}
			return Invalid("%s must be at least %d characters", name, *p.MinLength)
		}
		if p.MaxLength != nil && n > *p.MaxLength {
			return Invalid("%s must be at most %d characters (got %d)", name, *p.MaxLength, n)
		}
	case []any:
		if p.MinItems != nil && len(x) < *p.MinItems {
			return Invalid("%s needs at least %d %s", name, *p.MinItems, plural(*p.MinItems, "item", "items"))
		}
		if p.MaxItems != nil && len(x) > *p.MaxItems {
			return Invalid("%s takes at most %d items (got %d)", name, *p.MaxItems, len(x))
		}
		if p.Items != nil {
			for i, item := range x {
				if err := checkValue(fmt.Sprintf("%s[%d]", name, i), p.Items, item); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// hasType reports whether a decoded JSON value is of JSON Schema type t.
func hasType(v any, t string) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case float64:
		return t == "number" || t == "integer" && x == math.Trunc(x)
	case string:
		return t == "string"
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	}
	return false
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func article(t string) string {
	switch t {
	case "integer", "array", "object":
		return "an " + t
	case "":
		return "a value"
	}
	return "a " + t
}

func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b), 40)
}

// schemaMessage shortens a jsonschema validation error ("validating root: validating
// /properties/limit: maximum: 80 is greater than 50") to its last part, naming the field.
func schemaMessage(err error) string {
	msg := err.Error()
	field := ""
	for {
		i := strings.Index(msg, "validating ")
		if i < 0 {
			break
		}
		rest := msg[i+len("validating "):]
		j := strings.Index(rest, ": ")
		if j < 0 {
			break
		}
		if p := rest[:j]; strings.HasPrefix(p, "/properties/") {
			field = strings.TrimPrefix(p, "/properties/")
		}
		msg = rest[j+2:]
	}
	if field != "" {
		return field + ": " + msg
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
