package tools

import (
	"slices"

	"github.com/google/jsonschema-go/jsonschema"
)

// portable rewrites a tool's inferred schema into the shapes every MCP client reads (the
// MCP Inspector's --strict schema lint: no type arrays, no bare true schemas, no schema
// that constrains nothing), keeping what it accepts:
//
//   - in an input schema, a nullable field (Go pointer, ["null", T]) becomes T: the core
//     treats a null optional argument as an absent one (decodeInput);
//   - elsewhere a type array becomes anyOf branches of one type each, the null branch
//     {"type": "null"};
//   - a schema of any value (Go any: a bare true) becomes anyOf of every JSON type.
//
// Register applies it before resolving the schemas, so validation sees what clients see.
func portable(s *jsonschema.Schema, input bool) {
	if s == nil {
		return
	}
	for _, m := range []map[string]*jsonschema.Schema{s.Properties, s.PatternProperties, s.Defs, s.Definitions} {
		for _, sub := range m {
			portable(sub, input)
		}
	}
	for _, l := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf, s.AllOf, s.PrefixItems, s.ItemsArray} {
		for _, sub := range l {
			portable(sub, input)
		}
	}
	portable(s.Items, input)
	if a := s.AdditionalProperties; a != nil && !isBoolSchema(a) {
		portable(a, input)
	}
	switch {
	case len(s.Types) > 0:
		splitTypes(s, input)
	case untyped(s):
		s.AnyOf = anyJSON()
	}
}

// splitTypes turns s's type array into one type (input, [null, T]) or anyOf branches.
func splitTypes(s *jsonschema.Schema, input bool) {
	types := slices.DeleteFunc(slices.Clone(s.Types), func(t string) bool { return t == "null" })
	nullable := len(types) < len(s.Types)
	if len(types) == 1 && (input || !nullable) {
		s.Type, s.Types = types[0], nil
		return
	}
	var branches []*jsonschema.Schema
	for _, t := range types {
		b := *s
		b.Types, b.Type, b.Title, b.Description = nil, t, "", ""
		branches = append(branches, &b)
	}
	if nullable && !input {
		branches = append(branches, &jsonschema.Schema{Type: "null"})
	}
	*s = jsonschema.Schema{Title: s.Title, Description: s.Description, AnyOf: branches}
}

// untyped reports whether s constrains nothing (a bare true, perhaps with a description).
func untyped(s *jsonschema.Schema) bool {
	bare := jsonschema.Schema{Title: s.Title, Description: s.Description}
	return isZero(s, &bare)
}

func isZero(s, bare *jsonschema.Schema) bool {
	b1, err1 := s.MarshalJSON()
	b2, err2 := bare.MarshalJSON()
	return err1 == nil && err2 == nil && string(b1) == string(b2)
}

// isBoolSchema reports whether s is the true or false schema (additionalProperties:
// false is the usual closed object, and fine as it is).
func isBoolSchema(s *jsonschema.Schema) bool {
	b, err := s.MarshalJSON()
	return err == nil && (string(b) == "true" || string(b) == "false")
}

// anyJSON is anyOf every JSON type: any value, spelt so every client reads a type.
func anyJSON() []*jsonschema.Schema {
	return []*jsonschema.Schema{
		{Type: "object", AdditionalProperties: &jsonschema.Schema{}},
		{Type: "array"},
		{Type: "string"},
		{Type: "number"},
		{Type: "boolean"},
		{Type: "null"},
	}
}
