package offline

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	numberRe = regexp.MustCompile(`[$€£]?\d[\d,]*(?:\.\d+)?`)
	// referenceWords precede numbers that name a part of a document, not a quantity.
	referenceWords = set(`section chapter figure fig table page pages step part article appendix annex item line
paragraph para version rule no number clause sección capítulo tabla página paso artículo chapitre tableau
étape abschnitt kapitel tabelle seite schritt`)
)

func (d *doc) numberFacts(si int) []fact {
	s := &d.sents[si]
	t := s.text
	var out []fact
	for _, m := range numberRe.FindAllStringIndex(t, -1) {
		a, b := m[0], m[1]
		for b > a && t[b-1] == ',' {
			b--
		}
		if a > 0 {
			prev, _ := utf8.DecodeLastRuneInString(t[:a])
			if unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '.' || prev == '-' || prev == '/' || prev == '_' {
				continue
			}
		}
		if b < len(t) {
			next, _ := utf8.DecodeRuneInString(t[b:])
			if unicode.IsLetter(next) || next == '-' || next == '/' || next == '_' || (next == '.' && b+1 < len(t) && unicode.IsDigit(rune(t[b+1]))) {
				continue
			}
		}
		if w := prevWord(t[:a]); referenceWords[w] {
			continue
		}
		num := strings.TrimLeft(t[a:b], "$€£")
		v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err != nil {
			continue
		}
		end, unit := numberUnit(t, b, d.stop)
		class := ""
		switch {
		case unit != "":
			class = "u:" + unit
		case len(num) == 4 && v >= 1800 && v <= 2100 && !strings.ContainsAny(num, ".,"):
			class = "year"
		default:
			digits := len(strings.SplitN(strings.ReplaceAll(num, ",", ""), ".", 2)[0])
			class = "n:" + strconv.Itoa(min(digits, 4)) + strconv.FormatBool(strings.Contains(num, "."))
		}
		if a < len(t) && strings.ContainsRune("$€£", rune(t[a])) {
			class = "cur" + class
		}
		weight := 1.2
		if unit == "" {
			weight = 0.8
		}
		out = append(out, fact{sent: si, class: class, start: a, end: end, answer: t[a:end], value: v, weight: weight})
	}
	return out
}

// numberUnit extends a number ending at b with its unit: "%", "percent", "°C", or the
// next word when it is a content word ("15 minutes", "3 workers"). It returns the span's
// end and the unit's class ("" when none).
func numberUnit(t string, b int, stop map[string]bool) (int, string) {
	rest := t[b:]
	switch {
	case strings.HasPrefix(rest, "%"):
		return b + 1, "%"
	case strings.HasPrefix(rest, "°"):
		e := b + len("°")
		if e < len(t) && (t[e] == 'C' || t[e] == 'F') {
			return e + 1, "°" + string(t[e])
		}
		return e, "°"
	case strings.HasPrefix(rest, " %"):
		return b + 2, "%"
	case !strings.HasPrefix(rest, " "):
		return b, ""
	}
	e := b + 1
	for e < len(t) {
		r, w := utf8.DecodeRuneInString(t[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += w
	}
	word := strings.ToLower(t[b+1 : e])
	switch {
	case word == "percent" || word == "por" && strings.HasPrefix(t[e:], " ciento") || word == "pour" && strings.HasPrefix(t[e:], " cent") || word == "prozent":
		if word == "por" {
			e += len(" ciento")
		}
		if word == "pour" {
			e += len(" cent")
		}
		return e, "%"
	case word == "per" && strings.HasPrefix(t[e:], " cent"):
		return e + len(" cent"), "%"
	case word == "" || stop[word] || utf8.RuneCountInString(word) > 14:
		return b, ""
	}
	if e < len(t) {
		if r, _ := utf8.DecodeRuneInString(t[e:]); r == '-' || unicode.IsDigit(r) {
			return b, "" // "3 high-risk …": the word is not a unit
		}
	}
	return e, stem(word)
}

// prevWord is the lowercase word just before the end of s (skipping spaces and a period).
func prevWord(s string) string {
	s = strings.TrimRight(s, " .")
	k := len(s)
	for k > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:k])
		if !unicode.IsLetter(r) {
			break
		}
		k -= w
	}
	return strings.ToLower(s[k:])
}
