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
// response_format, since strict structured-output modes reject some of them. A schema
// carries only the definitions it uses, so the system prompt stays short.

type schemaKind string

const (
	schemaOutline  schemaKind = "outline"  // a course's title, annotation, tags and module plan
	schemaModule   schemaKind = "module"   // one module's lessons and quiz questions
	schemaSections schemaKind = "sections" // sections to append to a course (refine)
	schemaQuestion schemaKind = "question"
	schemaBrief    schemaKind = "brief"
)

var schemaKinds = []schemaKind{schemaOutline, schemaModule, schemaSections, schemaQuestion, schemaBrief}

// Page and module limits the model is held to (ai.MaxPages and ai.MaxPageBody are the
// store's far larger limits).
const (
	minPageBody   = 200
	maxPageBody   = 3000
	maxLessonPage = 3 // pages per lesson
	maxModuleLess = 3 // lessons per module
	maxModuleQs   = 3 // quiz questions per module
	maxScope      = 300
	maxFeedback   = 300 // an option's feedback (the store keeps up to 1000)
)

type obj = map[string]any

func str(minLen, maxLen int) obj {
	return obj{"type": "string", "minLength": minLen, "maxLength": maxLen}
}

func object(props obj) obj {
	req := slices.Sorted(maps.Keys(props))
	return obj{"type": "object", "additionalProperties": false, "required": req, "properties": props}
}

func array(items obj, minItems, maxItems int) obj {
	a := obj{"type": "array", "items": items, "minItems": minItems}
	if maxItems > 0 {
		a["maxItems"] = maxItems
	}
	return a
}

func ref(name string) obj { return obj{"$ref": "#/$defs/" + name} }

func allDefs() obj {
	return obj{
		"brief": object(obj{
			"topic":          str(1, ai.MaxTitle),
			"title":          str(1, ai.MaxTitle),
			"description":    str(1, ai.MaxDescription),
			"keyPoints":      array(str(1, ai.MaxKeyPoint), 1, ai.MaxKeyPoints),
			"targetAudience": str(1, ai.MaxAudience),
		}),
		"page": object(obj{
			"title": str(1, ai.MaxTitle),
			"body":  str(minPageBody, maxPageBody),
		}),
		"option": object(obj{
			"text":     str(1, ai.MaxOption),
			"correct":  obj{"type": "boolean"},
			"feedback": str(1, maxFeedback),
		}),
		"question": object(obj{
			"kind":        obj{"type": "string", "enum": []any{ai.QuestionSingle, ai.QuestionMultiple}},
			"text":        str(1, ai.MaxQuestion),
			"options":     array(ref("option"), ai.MinOptions, ai.MaxOptions),
			"sourceChunk": obj{"type": "integer", "minimum": 0},
		}),
		// A module's lesson: a brief and its pages.
		"lesson": object(obj{
			"title": str(1, ai.MaxTitle),
			"brief": ref("brief"),
			"pages": array(ref("page"), 1, maxLessonPage),
		}),
		// An element of a section (refine): a lesson has a brief and pages, a quiz questions.
		"element": object(obj{
			"kind":      obj{"type": "string", "enum": []any{ai.KindLesson, ai.KindQuiz, ai.KindSurvey}},
			"title":     str(1, ai.MaxTitle),
			"brief":     obj{"anyOf": []any{ref("brief"), obj{"type": "null"}}},
			"pages":     array(ref("page"), 0, maxLessonPage),
			"questions": array(ref("question"), 0, 0),
		}),
		"section": object(obj{
			"title":    str(1, ai.MaxTitle),
			"elements": array(ref("element"), 1, 0),
		}),
		"module": object(obj{
			"title": str(1, ai.MaxTitle),
			"scope": str(1, maxScope),
		}),
	}
}

// fullSchema is the schema a reply of that kind must match.
func fullSchema(k schemaKind) obj {
	var root obj
	switch k {
	case schemaOutline:
		root = object(obj{
			"title":          str(1, ai.MaxTitle),
			"annotation":     obj{"type": "string", "maxLength": ai.MaxAnnotation},
			"tags":           array(str(1, ai.MaxTag), 0, 10),
			"finalQuizTitle": str(1, ai.MaxTitle),
			"modules":        array(ref("module"), 1, 0),
		})
	case schemaModule:
		root = object(obj{
			"lessons":   array(ref("lesson"), 1, maxModuleLess),
			"questions": array(ref("question"), 1, maxModuleQs),
		})
	case schemaSections:
		root = object(obj{"sections": array(ref("section"), 1, 0)})
	case schemaQuestion:
		root = ref("question")
	case schemaBrief:
		root = ref("brief")
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	all := allDefs()
	used := obj{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case obj:
			if r, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(r, "#/$defs/")
				if _, seen := used[name]; !seen {
					used[name] = all[name]
					walk(all[name])
				}
			}
			for _, val := range x {
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(root)
	root["$defs"] = used
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
	for _, k := range schemaKinds {
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
