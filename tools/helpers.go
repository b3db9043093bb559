package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/typeid"
)

// Bounds of Unix-second inputs: 2000-01-01 to 2100-01-01. A value beyond is most likely
// milliseconds or a typo.
const (
	minUnix = 946684800
	maxUnix = 4102444800
)

// UnixTime checks a Unix-seconds input named field and returns it as a time. Values
// outside 2000–2100 are *InvalidError (with a hint when they look like milliseconds).
func UnixTime(field string, sec int64) (time.Time, error) {
	if sec < minUnix || sec >= maxUnix {
		if sec >= 100_000_000_000 { // 5138 AD in seconds: surely milliseconds
			return time.Time{}, Invalid("%s must be a Unix timestamp in seconds (got %d, which looks like milliseconds)", field, sec)
		}
		return time.Time{}, Invalid("%s must be a Unix timestamp in seconds between 2000 and 2100 (got %d)", field, sec)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// UnixTimePtr is UnixTime for an optional input (nil stays nil).
func UnixTimePtr(field string, sec *int64) (*time.Time, error) {
	if sec == nil {
		return nil, nil
	}
	t, err := UnixTime(field, *sec)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ID checks an id input named field against its TypeID prefix (typeid.Person, …) and
// returns it in canonical form; a missing or malformed id is *InvalidError.
func ID(field, prefix, value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", Invalid("%s is required", field)
	}
	id, err := typeid.Canonical(prefix, value)
	if err != nil {
		return "", Invalid("%s must be a %s_… id (got %q)", field, prefix, clip(value, 60))
	}
	return id, nil
}

// IDs checks a list of ids (see ID); at least min of them.
func IDs(field, prefix string, values []string, min int) ([]string, error) {
	if len(values) < min {
		return nil, Invalid("%s needs at least %d %s", field, min, plural(min, "id", "ids"))
	}
	out := make([]string, 0, len(values))
	for i, v := range values {
		id, err := ID(fmt.Sprintf("%s[%d]", field, i), prefix, v)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// Time renders a time as RFC 3339 in UTC (the dates of results).
func Time(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// TimePtr renders an optional time (nil when absent).
func TimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Time(*t)
	return &s
}

// NullTime renders a nullable API time (nil when null or absent).
func NullTime(n nullable.Nullable[time.Time]) *string {
	if v, err := n.Get(); err == nil {
		return TimePtr(&v)
	}
	return nil
}

// NullString returns a nullable API string (nil when null or absent).
func NullString(n nullable.Nullable[string]) *string {
	if v, err := n.Get(); err == nil {
		return &v
	}
	return nil
}

// Ptr returns a pointer to v.
func Ptr[T any](v T) *T { return &v }

// SetRange bounds an integer property of an input schema (inclusive).
func SetRange(s *jsonschema.Schema, prop string, lo, hi float64) {
	p := property(s, prop)
	p.Minimum, p.Maximum = &lo, &hi
}

// SetDefault sets a property's default (applied before validation and decoding).
func SetDefault(s *jsonschema.Schema, prop string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("tools.SetDefault %s: %v", prop, err))
	}
	property(s, prop).Default = b
}

// SetEnum restricts a string property to values.
func SetEnum(s *jsonschema.Schema, prop string, values ...string) {
	p := property(s, prop)
	p.Enum = make([]any, len(values))
	for i, v := range values {
		p.Enum[i] = v
	}
}

// SetLength bounds a string property's length (characters); hi 0 means unbounded.
func SetLength(s *jsonschema.Schema, prop string, lo, hi int) {
	p := property(s, prop)
	p.MinLength = &lo
	if hi > 0 {
		p.MaxLength = &hi
	}
}

// SetItems bounds an array property's length; hi 0 means unbounded.
func SetItems(s *jsonschema.Schema, prop string, lo, hi int) {
	p := property(s, prop)
	p.MinItems = &lo
	if hi > 0 {
		p.MaxItems = &hi
	}
}

func property(s *jsonschema.Schema, prop string) *jsonschema.Schema {
	p, ok := s.Properties[prop]
	if !ok {
		panic(fmt.Sprintf("tools: input schema has no property %q", prop))
	}
	return p
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// ReadOnly is the annotation of a read tool: no side effects, safe to repeat.
func ReadOnly(title string) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: Ptr(false)}
}

// Additive is the annotation of a write that only adds or updates (not destructive);
// idempotent when repeating it with the same arguments changes nothing more.
func Additive(title string, idempotent bool) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, DestructiveHint: Ptr(false), IdempotentHint: idempotent, OpenWorldHint: Ptr(false)}
}

// Destructive is the annotation of a write that removes access or overwrites data
// (ban_user, change_user_email, regenerate_question, …).
func Destructive(title string, idempotent bool) *mcp.ToolAnnotations {
	return &mcp.ToolAnnotations{Title: title, DestructiveHint: Ptr(true), IdempotentHint: idempotent, OpenWorldHint: Ptr(false)}
}
