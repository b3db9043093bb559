package tools

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
)

// lintSchema finds what the MCP Inspector's --strict schema lint reports (type arrays,
// bare true/false where a schema is expected, schemas that constrain nothing) in the
// JSON of a schema.
func lintSchema(v any, path, keyword string, out *[]string) {
	boolKeywords := map[string]bool{"additionalProperties": true, "unevaluatedProperties": true, "additionalItems": true, "unevaluatedItems": true}
	if _, ok := v.(bool); ok {
		if !boolKeywords[keyword] {
			*out = append(*out, path+": bare boolean schema")
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if _, ok := m["type"].([]any); ok {
		*out = append(*out, path+": type array")
	}
	constrains := false
	for _, k := range []string{"type", "enum", "const", "anyOf", "oneOf", "allOf", "not", "items", "properties", "additionalProperties", "required", "$ref", "minimum", "maximum", "pattern", "format", "minLength", "maxLength"} {
		if _, ok := m[k]; ok {
			constrains = true
		}
	}
	if !constrains && keyword != "not" {
		*out = append(*out, path+": constrains nothing")
	}
	for _, k := range []string{"properties", "patternProperties", "$defs"} {
		sub, _ := m[k].(map[string]any)
		for name, s := range sub {
			lintSchema(s, path+"."+k+"."+name, k, out)
		}
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf", "prefixItems"} {
		sub, _ := m[k].([]any)
		for i, s := range sub {
			lintSchema(s, fmt.Sprintf("%s.%s[%d]", path, k, i), k, out)
		}
	}
	for _, k := range []string{"items", "additionalProperties", "not"} {
		if s, ok := m[k]; ok {
			lintSchema(s, path+"."+k, k, out)
		}
	}
}

// TestPortableSchemas: every registered tool's input and output schema passes the lint.
func TestPortableSchemas(t *testing.T) {
	t.Parallel()
	catalogueMu.Lock()
	entries := catalogue
	catalogueMu.Unlock()
	for _, e := range entries {
		for kind, s := range map[string]any{"inputSchema": e.tool.InputSchema, "outputSchema": e.tool.OutputSchema} {
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			var found []string
			lintSchema(v, e.name+"."+kind, "", &found)
			for _, f := range found {
				t.Error(f)
			}
		}
	}
}

func TestPortable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    *jsonschema.Schema
		input bool
		want  string
	}{
		{"nullable input", &jsonschema.Schema{Types: []string{"null", "string"}, Description: "d"}, true, `{"type":"string","description":"d"}`},
		{"nullable output", &jsonschema.Schema{Types: []string{"null", "string"}, Description: "d"}, false,
			`{"description":"d","anyOf":[{"type":"string"},{"type":"null"}]}`},
		{"nullable object output keeps its properties in its branch",
			&jsonschema.Schema{Types: []string{"null", "object"}, Properties: map[string]*jsonschema.Schema{"a": {Types: []string{"null", "integer"}}}}, false,
			`{"anyOf":[{"type":"object","properties":{"a":{"anyOf":[{"type":"integer"},{"type":"null"}]}}},{"type":"null"}]}`},
		{"any value", &jsonschema.Schema{}, false,
			`{"anyOf":[{"type":"object","additionalProperties":true},{"type":"array"},{"type":"string"},{"type":"number"},{"type":"boolean"},{"type":"null"}]}`},
		{"typed stays", &jsonschema.Schema{Type: "integer", Minimum: new(float64)}, true, `{"type":"integer","minimum":0}`},
	}
	for _, c := range cases {
		portable(c.in, c.input)
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("%s: %s (%v)\nwant %s", c.name, b, err, c.want)
		}
	}
}
