package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// JSON is a jsonb column holding a T.
type JSON[T any] struct {
	V T
}

// Value implements driver.Valuer.
func (j JSON[T]) Value() (driver.Value, error) {
	b, err := j.JSONBytes()
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// JSONBytes is the column's JSON, as it is stored.
func (j JSON[T]) JSONBytes() ([]byte, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, fmt.Errorf("encode jsonb: %w", err)
	}
	return b, nil
}

// Scan implements sql.Scanner.
func (j *JSON[T]) Scan(src any) error {
	var b []byte
	switch s := src.(type) {
	case nil:
		var zero T
		j.V = zero
		return nil
	case []byte:
		b = s
	case string:
		b = []byte(s)
	default:
		return fmt.Errorf("scan jsonb: unexpected %T", src)
	}
	if strs, ok := any(&j.V).(*[]string); ok && scanStrings(b, strs) {
		return nil
	}
	if err := json.Unmarshal(b, &j.V); err != nil {
		return fmt.Errorf("scan jsonb: %w", err)
	}
	return nil
}

// stringArrays parses the jsonb arrays of strings (tags, id lists: most jsonb columns)
// that lists scan by the thousand, without encoding/json's reflection.
var stringArrays fastjson.ParserPool

// scanStrings decodes b, a JSON array of strings as PostgreSQL prints jsonb, into dst, as
// json.Unmarshal would; false (dst untouched) for anything else, which json.Unmarshal
// then decodes or refuses.
func scanStrings(b []byte, dst *[]string) bool {
	p := stringArrays.Get()
	defer stringArrays.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil || v.Type() != fastjson.TypeArray {
		return false
	}
	items, _ := v.Array()
	out := make([]string, len(items))
	for i, it := range items {
		s, err := it.StringBytes()
		if err != nil || !utf8.Valid(s) {
			return false
		}
		out[i] = string(s)
	}
	*dst = out
	return true
}
