package offline

import (
	"maps"
	"regexp"
	"slices"
	"testing"
)

var placeholderRe = regexp.MustCompile(`%\[\d+\]s`)

// placeholders returns the sorted, distinct %[n]s placeholders of s.
func placeholders(s string) []string {
	ps := placeholderRe.FindAllString(s, -1)
	slices.Sort(ps)
	return slices.Compact(ps)
}

// TestOutlineTextsTranslations: every language has every English key, the same number of
// points per key, and the same placeholders in each description and point.
func TestOutlineTextsTranslations(t *testing.T) {
	en := outlineTexts["en"]
	if len(en) == 0 {
		t.Fatal("no English outline texts")
	}
	for _, lang := range slices.Sorted(maps.Keys(outlineTexts)) {
		if lang == "en" {
			continue
		}
		texts := outlineTexts[lang]
		for key := range texts {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: key %q is not in English", lang, key)
			}
		}
		for _, key := range slices.Sorted(maps.Keys(en)) {
			want := en[key]
			got, ok := texts[key]
			if !ok {
				t.Errorf("%s: missing key %q", lang, key)
				continue
			}
			if w, g := placeholders(want.desc), placeholders(got.desc); !slices.Equal(w, g) {
				t.Errorf("%s %s desc: placeholders %v, want %v (%q)", lang, key, g, w, got.desc)
			}
			if len(got.points) != len(want.points) {
				t.Errorf("%s %s: %d points, want %d", lang, key, len(got.points), len(want.points))
				continue
			}
			for i, p := range got.points {
				if w, g := placeholders(want.points[i]), placeholders(p); !slices.Equal(w, g) {
					t.Errorf("%s %s point %d: placeholders %v, want %v (%q)", lang, key, i, g, w, p)
				}
			}
		}
	}
}
