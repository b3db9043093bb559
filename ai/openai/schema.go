package openai

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/learnd/learnd/ai"
)

// The JSON schemas a reply must match. Each exists twice: the full schema (with lengths
// and counts) validates the reply here; a copy without those keywords is sent as the
// response_format, since strict structured-output modes reject some of them.

type schemaKind string

const (
	schemaCourse   schemaKind = "course"
	schemaSections schemaKind = "sections"
	schemaQuestion schemaKind = "question"
	schemaBrief    schemaKind = "brief"
)

type obj = map[string]any

func str(minLen, maxLen int) obj {
	return obj{"type": "string", "minLength": minLen, "maxLength": maxLen}
}

func object(props obj) obj {
	req := make([]string, 0, len(props))
	for k := range props {
		req = append(req, k)
	}
	slices.Sort(req)
	return obj{"type": "object", "additionalProperties": false, "required": req, "properties": props}
}

func array(items obj, minItems, maxItems int) obj {
	a := obj{"type": "array", "items": items, "minItems": minItems}
	if maxItems > 0 {
		a["maxItems"] = maxItems
	}
	return a
}

func defs() obj {
	return obj{
		"brief": object(obj{
			"topic":          str(1, ai.MaxTitle),
			"title":          str(1, ai.MaxTitle),
			"description":    str(1, ai.MaxDescription),
			"keyPoints":      array(str(1, ai.MaxKeyPoint), 1, ai.MaxKeyPoints),
			"targetAudience": str(1, ai.MaxAudience),
		}),
		"option": object(obj{
			"text":    str(1, ai.MaxOption),
			"correct": obj{"type": "boolean"},
		}),
		"question": object(obj{
			"kind":        obj{"type": "string", "enum": []any{ai.QuestionSingle, ai.QuestionMultiple}},
			"text":        str(1, ai.MaxQuestion),
			"options":     array(obj{"$ref": "#/$defs/option"}, ai.MinOptions, ai.MaxOptions),
			"sourceChunk": obj{"type": "integer", "minimum": 0},
		}),
		"element": object(obj{
			"kind":      obj{"type": "string", "enum": []any{ai.KindLesson, ai.KindQuiz, ai.KindSurvey}},
			"title":     str(1, ai.MaxTitle),
			"brief":     obj{"anyOf": []any{obj{"$ref": "#/$defs/brief"}, obj{"type": "null"}}},
			"questions": array(obj{"$ref": "#/$defs/question"}, 0, 0),
		}),
		"section": object(obj{
			"title":    str(1, ai.MaxTitle),
			"elements": array(obj{"$ref": "#/$defs/element"}, 1, 0),
		}),
	}
}

// fullSchema is the schema a reply of that kind must match.
func fullSchema(k schemaKind) obj {
	var root obj
	switch k {
	case schemaCourse:
		root = object(obj{
			"title":      str(1, ai.MaxTitle),
			"annotation": obj{"type": "string", "maxLength": ai.MaxAnnotation},
			"tags":       array(str(1, ai.MaxTag), 0, 10),
			"sections":   array(obj{"$ref": "#/$defs/section"}, 1, 0),
		})
	case schemaSections:
		root = object(obj{"sections": array(obj{"$ref": "#/$defs/section"}, 1, 0)})
	case schemaQuestion:
		root = obj{"$ref": "#/$defs/question"}
	case schemaBrief:
		root = obj{"$ref": "#/$defs/brief"}
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$defs"] = defs()
	return root
}

// requestSchema is the schema sent to the model: the full one without the keywords
// strict structured outputs do not accept, and with an object at the root.
func requestSchema(k schemaKind) obj {
	s := strip(fullSchema(k)).(obj)
	delete(s, "$schema")
	if ref, ok := s["$ref"].(string); ok {
		// The root must be an object schema, not a reference.
		name := strings.TrimPrefix(ref, "#/$defs/")
		d := s["$defs"].(obj)
		root := maps.Clone(d[name].(obj))
		root["$defs"] = d
		return root
	}
	return s
}

var unsupported = map[string]bool{"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "minimum": true}

func strip(v any) any {
	switch x := v.(type) {
	case obj:
		out := obj{}
		for k, val := range x {
			if unsupported[k] {
				continue
			}
			out[k] = strip(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = strip(val)
		}
		return out
	}
	return v
}

// compiled are the full schemas, compiled once.
var compiled = func() map[schemaKind]*jsonschema.Schema {
	out := map[schemaKind]*jsonschema.Schema{}
	for _, k := range []schemaKind{schemaCourse, schemaSections, schemaQuestion, schemaBrief} {
		// Round-trip through JSON so the compiler sees plain JSON values.
		b, err := json.Marshal(fullSchema(k))
		if err != nil {
			panic(err)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
		if err != nil {
			panic(err)
		}
		c := jsonschema.NewCompiler()
		url := "learnd:" + string(k) + ".json"
		if err := c.AddResource(url, doc); err != nil {
			panic(err)
		}
		s, err := c.Compile(url)
		if err != nil {
			panic(fmt.Sprintf("compile %s schema: %v", k, err))
		}
		out[k] = s
	}
	return out
}()

// validateJSON checks a reply against the kind's full schema; the error lists where the
// reply differs, in words a model can act on.
func validateJSON(k schemaKind, raw []byte) error {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return fmt.Errorf("the reply is not valid JSON: %v", err)
	}
	if err := compiled[k].Validate(doc); err != nil {
		msg := err.Error()
		// Drop the schema's internal URL from the first line.
		if i := strings.Index(msg, "\n"); i >= 0 && strings.Contains(msg[:i], "learnd:") {
			msg = strings.TrimSpace(msg[i+1:])
		}
		return fmt.Errorf("the reply does not match the schema: %s", msg)
	}
	return nil
}

// schemaText is the full schema (with its limits) as JSON, for the system prompt.
func schemaText(k schemaKind) string {
	b, _ := json.Marshal(fullSchema(k))
	return string(b)
}
