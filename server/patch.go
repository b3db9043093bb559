package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	jsonpatch "github.com/evanphx/json-patch/v5"
)

// mergeInto applies a JSON Merge Patch (RFC 7396) — the typed patch body, re-encoded, so
// absent members stay absent and explicit nulls stay null — to the current API
// representation, and decodes the result as a create body of type C. Server-stamped members
// on either side land in fields the create body ignores.
//
// A patch without object members is applied member by member: the current document and
// the patch are decoded into two fresh values and each member the patch names is taken
// whole from the patch's (null clears; an array replaces, items and all). A patch with an
// object member (metadata) goes through the full RFC 7396 merge, which merges inside it.
func mergeInto[C any](current, patch any) (C, error) {
	var out C
	doc, err := json.Marshal(current)
	if err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	p, err := json.Marshal(patch)
	if err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(p, &members); err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	for _, m := range members {
		if len(m) > 0 && m[0] == '{' {
			merged, err := jsonpatch.MergePatch(doc, p)
			if err != nil {
				return out, fmt.Errorf("merge patch: %w", err)
			}
			if err := json.Unmarshal(merged, &out); err != nil {
				return out, fmt.Errorf("merge patch: %w", err)
			}
			return out, nil
		}
	}
	var changes C
	if err := json.Unmarshal(doc, &out); err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	if err := json.Unmarshal(p, &changes); err != nil {
		return out, fmt.Errorf("merge patch: %w", err)
	}
	ov, cv := reflect.ValueOf(&out).Elem(), reflect.ValueOf(&changes).Elem()
	fields := jsonFields(ov.Type())
	for name := range members {
		if i, ok := fields[name]; ok {
			ov.Field(i).Set(cv.Field(i))
		}
	}
	return out, nil
}

var jsonFieldCache sync.Map // reflect.Type → map[string]int

// jsonFields maps a struct's JSON member names to its field indexes.
func jsonFields(t reflect.Type) map[string]int {
	if m, ok := jsonFieldCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	jsonFieldCache.Store(t, m)
	return m
}
