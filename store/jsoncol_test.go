package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestScanStrings: the fast path for jsonb string arrays decodes exactly what
// encoding/json does (escapes, surrogate pairs, empty arrays, non-ASCII), and leaves
// everything else (null, objects, numbers, broken JSON, invalid UTF-8) to encoding/json.
func TestScanStrings(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`[]`, `["a"]`, `["a", "b", "c"]`, `["per_01H", "", " "]`, `["été", "日本語", "😀"]`, `[ "spaced" ,"x" ]`,
	} {
		var want []string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var got []string
		if !scanStrings([]byte(in), &got) {
			t.Errorf("%s: the fast path refused it", in)
			continue
		}
		if !reflect.DeepEqual(got, want) || got == nil {
			t.Errorf("%s: fast path %q, encoding/json %q", in, got, want)
		}
		var col JSON[[]string]
		if err := col.Scan([]byte(in)); err != nil || !reflect.DeepEqual(col.V, want) {
			t.Errorf("%s: Scan = %q, %v", in, col.V, err)
		}
	}
	// Escapes take encoding/json's way, which Scan then gives the same as json.Unmarshal.
	for _, in := range []string{
		`["quote \" backslash \\ slash \/ tab \t nl \n"]`, `["\u00e9t\u00e9", "\ud83d\ude00"]`, `["a\u0000b"]`, `["\ud800"]`,
	} {
		var want []string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var col JSON[[]string]
		if err := col.Scan([]byte(in)); err != nil || !reflect.DeepEqual(col.V, want) {
			t.Errorf("%s: Scan = %q, %v; encoding/json %q", in, col.V, err, want)
		}
	}
	for _, in := range []string{`null`, `{}`, `[1]`, `["a", 1]`, `[null]`, `["a"`, "[\"\xff\"]", `"a"`, `["\ud800"]`, `["\x"]`, "[\"a\x01\"]"} {
		dst := []string{"untouched"}
		if scanStrings([]byte(in), &dst) || dst[0] != "untouched" {
			t.Errorf("%s: the fast path decoded it (%q)", in, dst)
		}
	}
	var col JSON[[]string]
	if err := col.Scan([]byte(`null`)); err != nil || col.V != nil {
		t.Errorf("null: %q, %v", col.V, err)
	}
	if err := col.Scan([]byte(`{"a": 1}`)); err == nil {
		t.Error("an object scanned into a string list")
	}
}

func BenchmarkScanStrings(b *testing.B) {
	in := []byte(`["per_01jdq3r8b6f3x0m5y8e7k2c4a9", "per_01jdq3r8b6f3x0m5y8e7k2c4b0", "per_01jdq3r8b6f3x0m5y8e7k2c4b1"]`)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			var col JSON[[]string]
			_ = col.Scan(in)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var v []string
			_ = json.Unmarshal(in, &v)
		}
	})
}

// TestNormalizeJSON: a record's jsonb columns become what reading them back gives (an
// omitempty member gone, stale values cleared).
func TestNormalizeJSON(t *testing.T) {
	t.Parallel()
	type item struct {
		Name    string   `json:"name"`
		Options []string `json:"options,omitempty"`
	}
	rec := struct {
		Items JSON[[]item]         `gorm:"column:items"`
		Meta  JSON[map[string]any] `gorm:"column:meta"`
		Name  string               `gorm:"column:name"`
	}{Items: JSON[[]item]{V: []item{{Name: "a", Options: []string{}}}}, Meta: JSON[map[string]any]{V: map[string]any{"n": 1}}, Name: "x"}
	if err := NormalizeJSON(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Items.V[0].Options != nil || rec.Meta.V["n"] != 1.0 || rec.Name != "x" {
		t.Errorf("normalized: %+v", rec)
	}
}
