package tools

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// The compact text renderings shared by the read tools: the "more:" line of a paged
// result and an audit entry's changes as "field: old → new".

// writeMore ends a paged list's text with the line that reads the next page.
func writeMore(b *strings.Builder, next *string) {
	if next != nil && *next != "" {
		b.WriteString("\nmore: pageToken=" + *next)
	}
}

// writeChanges renders an audit entry's before/after under it, indented: the fields that
// changed as "field: old → new" (a field one side lacks is "(unset)"), then the ones
// that did not; a create (no before) or a delete (no after) lists its values.
func writeChanges(b *strings.Builder, before, after any) {
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	switch {
	case before == nil && after == nil:
		return
	case bok && aok:
		var changed, same []string
		for _, k := range unionKeys(bm, am) {
			bv, inB := bm[k]
			av, inA := am[k]
			switch {
			case inB && inA && reflect.DeepEqual(bv, av):
				same = append(same, k+": "+changeValue(bv))
			case !inB:
				changed = append(changed, k+": (unset) → "+changeValue(av))
			case !inA:
				changed = append(changed, k+": "+changeValue(bv)+" → (unset)")
			default:
				changed = append(changed, k+": "+changeValue(bv)+" → "+changeValue(av))
			}
		}
		for _, c := range changed {
			b.WriteString("\n    " + c)
		}
		if len(same) > 0 {
			b.WriteString("\n    unchanged: " + strings.Join(same, "; "))
		}
	case before == nil && aok:
		b.WriteString("\n    new: " + fields(am))
	case after == nil && bok:
		b.WriteString("\n    removed: " + fields(bm))
	default:
		b.WriteString("\n    " + changeValue(before) + " → " + changeValue(after))
	}
}

func unionKeys(a, b map[string]any) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// fields is an object's fields as "k: v; k: v", sorted by name.
func fields(m map[string]any) string {
	parts := make([]string, 0, len(m))
	for _, k := range unionKeys(m, nil) {
		parts = append(parts, k+": "+changeValue(m[k]))
	}
	return strings.Join(parts, "; ")
}

// changeValue is a value as compact text: a non-empty string as is, anything else as
// JSON (null, "", numbers, lists and objects).
func changeValue(v any) string {
	if s, ok := v.(string); ok && s != "" && !strings.ContainsAny(s, "\n;→") {
		return s
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
