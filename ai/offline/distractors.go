package offline

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Wrong answers for a fact: other facts of the same class from the same text (numbers
// near the answer, terms of the same shape), and values of the same unit when the text
// offers too few.

// pools indexes the answers of all facts by class, for distractors.
type pools map[string][]fact

func makePools(facts []fact) pools {
	p := pools{}
	seen := map[string]bool{}
	for _, f := range facts {
		k := f.class + "|" + strings.ToLower(f.answer)
		if seen[k] {
			continue
		}
		seen[k] = true
		p[f.class] = append(p[f.class], f)
	}
	return p
}

// distractors picks up to n wrong answers for f from the same text: facts of the same
// class with a different value or term, not overlapping the answer and not already in
// the question's stem. Numbers closest to the answer come first; terms of a similar
// length. avoid lists texts not to use (lowercase). Numbers keep a relative gap of at
// least minGap from the answer and from each other (years: two years) while the text
// offers enough; 0 allows the closest values (harder questions).
func (p pools) distractors(f fact, stem string, n int, avoid map[string]bool, minGap float64) []string {
	ans := strings.ToLower(f.answer)
	lowStem := strings.ToLower(stem)
	var cands []fact
	add := func(class string) {
		for _, c := range p[class] {
			lc := strings.ToLower(c.answer)
			if lc == ans || avoid[lc] || strings.Contains(lc, ans) || strings.Contains(ans, lc) || strings.Contains(lowStem, lc) {
				continue
			}
			if strings.HasPrefix(f.class, "u:") || strings.HasPrefix(f.class, "n:") || f.class == "year" || strings.HasPrefix(f.class, "cur") {
				if c.value == f.value {
					continue
				}
			}
			cands = append(cands, c)
		}
	}
	add(f.class)
	if f.class == classDefinition && len(cands) < n {
		add(className)
		add(classTerm)
	}
	if f.class == className && len(cands) < n {
		add(classDefinition)
	}
	numeric := f.class != classDefinition && f.class != classAcronym && f.class != className && f.class != classTerm
	aw := wordCount(f.answer)
	plural := strings.HasSuffix(ans, "s")
	dist := func(c fact) float64 {
		if numeric {
			return math.Abs(math.Log1p(math.Abs(c.value)) - math.Log1p(math.Abs(f.value)))
		}
		// Terms: the same number of words, the same number (singular or plural), from a
		// sentence close by (the same part of the text) first.
		x := math.Abs(float64(wordCount(c.answer) - aw))
		if strings.HasSuffix(strings.ToLower(c.answer), "s") != plural {
			x += 0.5
		}
		return x + math.Min(math.Abs(float64(c.sent-f.sent))/200, 1)
	}
	slices.SortStableFunc(cands, func(a, b fact) int {
		if c := cmp.Compare(dist(a), dist(b)); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.answer), strings.ToLower(b.answer))
	})
	var out []string
	used := map[string]bool{}
	values := []float64{f.value}
	farEnough := func(v, gap float64) bool {
		for _, x := range values {
			if f.class == "year" && math.Abs(v-x) < 2*min(gap/0.15, 1) || f.class != "year" && relDiff(v, x) < gap || v == x {
				return false
			}
		}
		return true
	}
	for _, gap := range []float64{minGap, 0} {
		for _, c := range cands {
			lc := strings.ToLower(c.answer)
			if used[lc] || numeric && !farEnough(c.value, gap) {
				continue
			}
			used[lc] = true
			values = append(values, c.value)
			out = append(out, matchCase(c.answer, f.answer, c.class))
			if len(out) == n {
				return out
			}
		}
		if gap == 0 {
			break
		}
	}
	// A number with a unit that the text does not offer enough values for gets values
	// of the same unit at plausible distances: half, double, one and a half, triple.
	if numeric && len(out) < n && (strings.HasPrefix(f.class, "u:") || strings.HasPrefix(f.class, "curu:")) {
		for _, v := range scaled(f.value) {
			if len(out) == n {
				break
			}
			if !farEnough(v, minGap) {
				continue
			}
			text := withValue(f.answer, v)
			if text == "" || used[strings.ToLower(text)] || avoid[strings.ToLower(text)] || strings.Contains(lowStem, strings.ToLower(text)) {
				continue
			}
			used[strings.ToLower(text)] = true
			values = append(values, v)
			out = append(out, text)
		}
	}
	return out
}

// scaled are plausible wrong values near v, nicest first; integers stay integers.
func scaled(v float64) []float64 {
	var out []float64
	for _, k := range []float64{2, 0.5, 1.5, 3, 0.25, 4} {
		x := v * k
		if v == math.Trunc(v) {
			x = math.Round(x)
		}
		if x > 0 && x != v && x != 1 && v != 1 { // "1 hour" / "2 hours": the unit's number changes
			out = append(out, x)
		}
	}
	return out
}

// withValue writes v in place of the number of a fact's answer ("15 minutes" → "30
// minutes"), keeping its currency sign and unit; "" when the answer holds no number.
func withValue(answer string, v float64) string {
	loc := numberRe.FindStringIndex(answer)
	if loc == nil {
		return ""
	}
	num := answer[loc[0]:loc[1]]
	prefix := ""
	if strings.ContainsAny(num[:1], "$€£") {
		prefix, num = num[:1], num[1:]
	}
	text := strconv.FormatFloat(v, 'f', -1, 64)
	if strings.Contains(num, ",") && v >= 1000 {
		text = thousands(int64(v))
	}
	return answer[:loc[0]] + prefix + text + answer[loc[1]:]
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// relDiff is the difference of two numbers relative to the larger.
func relDiff(a, b float64) float64 {
	m := max(math.Abs(a), math.Abs(b))
	if m == 0 {
		return 0
	}
	return math.Abs(a-b) / m
}

// matchCase gives a distractor the answer's initial case, so capitals give nothing away
// (acronyms and names keep theirs).
func matchCase(s, answer, class string) string {
	if class == classAcronym || class == className || isAcronym(firstWord(s)) {
		return s
	}
	ar, _ := utf8.DecodeRuneInString(answer)
	r, w := utf8.DecodeRuneInString(s)
	switch {
	case unicode.IsUpper(ar) && unicode.IsLower(r):
		return string(unicode.ToUpper(r)) + s[w:]
	case unicode.IsLower(ar) && unicode.IsUpper(r):
		return string(unicode.ToLower(r)) + s[w:]
	}
	return s
}
