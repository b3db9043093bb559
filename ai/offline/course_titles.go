package offline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
)

// parentHeading is the heading among hs whose section number starts every other
// numbered one's ("26.1." of "26.1.1.", "26.1.2."), "" when there is none.
func parentHeading(hs []string) string {
	num := func(h string) string {
		return strings.TrimSuffix(strings.TrimSpace(leadingNumber.FindString(h)), ".")
	}
	for _, p := range hs {
		pn := num(p)
		if pn == "" {
			continue
		}
		all := true
		for _, h := range hs {
			// Unnumbered headings (a chapter's own title before its first section) do not count.
			if h != p && num(h) != "" && !strings.HasPrefix(num(h), pn+".") {
				all = false
				break
			}
		}
		if all {
			return p
		}
	}
	return ""
}

// biggest are the two distinct headings of a merged module with the most text, in
// document order.
func (m *module) biggest() (string, string) {
	words := map[string]int{}
	var order []string
	for _, o := range m.origins {
		if o.heading == "" {
			continue
		}
		if _, ok := words[o.heading]; !ok {
			order = append(order, o.heading)
		}
		words[o.heading] += o.words
	}
	ranked := slices.Clone(order)
	slices.SortStableFunc(ranked, func(a, b string) int { return cmp.Compare(words[b], words[a]) })
	top := ranked[:min(2, len(ranked))]
	var out []string
	for _, h := range order {
		if slices.Contains(top, h) {
			out = append(out, h)
		}
	}
	if len(out) < 2 {
		return out[0], ""
	}
	return out[0], out[1]
}

// moduleTitle names a module: its heading; merged headings joined by "and" when short
// enough, else the first two and how many more; a part of a split heading adds its own key term; without a
// heading, its key term.
func (d *doc) moduleTitle(m *module) string {
	h := m.heading()
	if len(m.origins) > 1 {
		var hs []string
		for _, o := range m.origins {
			if o.heading != "" && !slices.Contains(hs, o.heading) {
				hs = append(hs, o.heading)
			}
		}
		and := " " + label(d.lang, lAnd) + " "
		total := 0
		for i, x := range hs {
			total += len(x)
			if i > 0 {
				hs[i] = lowerFirst(x)
			}
			if strings.Contains(x, and) {
				and = ", "
			}
		}
		switch {
		case len(hs) > 1 && total <= 90:
			h = strings.Join(hs[:len(hs)-1], ", ") + and + hs[len(hs)-1]
		case len(hs) > 2:
			if p := parentHeading(hs); p != "" {
				h = p // "26.1. SQL Dump" with its subsections 26.1.1, 26.1.2, …
				break
			}
			// Too many to list: the two with the most text (in document order), and how
			// many more, so the title does not name one heading's part for the whole.
			a, b := m.biggest()
			h = fmt.Sprintf(label(d.lang, lAndMore), stripNumber(a)+", "+stripNumber(b), len(hs)-2)
		}
	}
	if h != "" && !m.part {
		return truncate(h, ai.MaxTitle)
	}
	hs := map[string]bool{}
	for _, t := range tokenize(h, d.stop) {
		hs[stem(t.lower)] = true
	}
	kp := ""
	for _, k := range d.keyphrases(m.sents, 8) {
		overlap := false
		for _, w := range strings.Fields(k.key) {
			if hs[w] {
				overlap = true
			}
		}
		if !overlap {
			kp = k.surface
			break
		}
	}
	switch {
	case h == "" && kp != "":
		return truncate(capitalize(kp), ai.MaxTitle)
	case h == "":
		return label(d.lang, lPart)
	case kp != "":
		return truncate(h+": "+lowerFirst(kp), ai.MaxTitle)
	}
	return truncate(h, ai.MaxTitle)
}

// lowerFirst lower-cases the first letter of a phrase joined into a title, unless the
// phrase starts with an acronym or a name (two capitalised words).
func lowerFirst(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 || isAcronym(f[0]) || len(f) > 1 && isCapitalized(f[1]) {
		return s
	}
	r, w := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[w:]
}

// uniqueTitles numbers repeated titles: "Ventilation", "Ventilation (2)".
func uniqueTitles(mods []*module) {
	seen := map[string]int{}
	for _, m := range mods {
		k := strings.ToLower(m.title)
		seen[k]++
		if seen[k] > 1 {
			m.title = truncate(fmt.Sprintf("%s (%d)", m.title, seen[k]), ai.MaxTitle)
		}
	}
}
