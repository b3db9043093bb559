package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
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
	// Escapes and control characters go to encoding/json, whose handling of bad ones
	// (U+FFFD, errors) fastjson does not share; PostgreSQL prints neither in a plain id or tag.
	for _, c := range b {
		if c == '\\' || c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
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

// jsonColumn is a jsonb column of a record (JSON[T]).
type jsonColumn interface {
	JSONBytes() ([]byte, error)
	Scan(src any) error
}

// NormalizeJSON makes every jsonb column of the record v points to what reading the row
// back returns: each is encoded as it would be stored and decoded again into a fresh
// value (members left out by omitempty, empty lists that come back empty rather than
// nil). A write that answers with its own copy of a row instead of reading it back calls
// it first.
func NormalizeJSON(v any) error {
	rv := reflect.ValueOf(v).Elem()
	cols := ColumnsOf(rv.Type())
	for _, name := range cols.Ordered {
		f := rv.FieldByIndex(cols.ByName[name])
		col, ok := f.Addr().Interface().(jsonColumn)
		if !ok {
			continue
		}
		b, err := col.JSONBytes()
		if err != nil {
			return err
		}
		f.Set(reflect.Zero(f.Type()))
		if err := col.Scan(b); err != nil {
			return err
		}
	}
	return nil
}

// NormalizeTimes makes every time column of the record v points to what storing it keeps:
// the instant at the microsecond (as pgx sends it, truncated) in UTC (as the store reads
// it back). A write that uses its own copy of a row instead of reading it back calls it
// first.
func NormalizeTimes(v any) {
	rv := reflect.ValueOf(v).Elem()
	cols := ColumnsOf(rv.Type())
	for _, name := range cols.Ordered {
		switch f := rv.FieldByIndex(cols.ByName[name]).Addr().Interface().(type) {
		case *time.Time:
			*f = f.UTC().Truncate(time.Microsecond)
		case **time.Time:
			if *f != nil {
				t := (*f).UTC().Truncate(time.Microsecond)
				*f = &t
			}
		}
	}
}
