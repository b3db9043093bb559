package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a sentence: its surface form, its lowercase form and its byte
// offsets in the sentence's text.
type token struct {
	surface    string
	lower      string
	start, end int
	stop       bool // a stopword (of the document's language) or a number
}

// tokenize splits s into words: runs of letters and digits, keeping inner hyphens,
// apostrophes and decimal points ("confined-space", "don't", "19.5").
func tokenize(s string, stop map[string]bool) []token {
	var out []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += w
			continue
		}
		start := i
		i += w
		for i < len(s) {
			r, w = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += w
				continue
			}
			if r == '-' || r == '\'' || r == '’' || r == '.' || r == ',' {
				// Inner joiner: keep it when a word rune follows (a decimal point or a
				// thousands separator only between digits).
				if i+w < len(s) {
					next, _ := utf8.DecodeRuneInString(s[i+w:])
					prev, _ := utf8.DecodeLastRuneInString(s[:i])
					digits := unicode.IsDigit(prev) && unicode.IsDigit(next)
					if (r == '.' || r == ',') && digits || (r != '.' && r != ',' && isWordRune(next)) {
						i += w
						continue
					}
				}
			}
			break
		}
		surface := s[start:i]
		lower := strings.ToLower(surface)
		out = append(out, token{surface: surface, lower: lower, start: start, end: i,
			stop: stop[lower] || !hasLetter(lower) || utf8.RuneCountInString(lower) < 2})
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// stem is a light normalisation for comparing words: lowercase, a plural "s" dropped.
func stem(w string) string {
	if n := len(w); n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i' {
		return w[:n-1]
	}
	return w
}

// span is a sentence's byte range in its chunk's text.
type span struct{ start, end int }

// abbreviations are words whose trailing period does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "dr": true, "mr": true, "mrs": true, "ms": true,
	"prof": true, "no": true, "nos": true, "vs": true, "fig": true, "figs": true, "st": true, "approx": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "dept": true, "est": true, "cf": true, "al": true,
	"sec": true, "art": true, "para": true, "vol": true, "ca": true, "jr": true, "sr": true, "min": true,
	"max": true, "z.b": true, "bzw": true, "usw": true, "ggf": true, "sr.": true, "sra": true, "mme": true,
}

// splitSentences returns the sentences of text as byte ranges: paragraphs (blank lines)
// and list items always end a sentence; inside a paragraph a sentence ends at . ! ? (or …)
// followed by space and a capital letter, digit, quote or bracket, unless the period
// belongs to an abbreviation or an initial. Ranges are trimmed of space and list markers.
func splitSentences(text string) []span {
	var out []span
	emit := func(a, b int) {
		a, b = trimSpan(text, a, b)
		if a < b {
			out = append(out, span{a, b})
		}
	}
	start := 0
	lineStart := 0
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			// A blank line or a list item on the next line ends the sentence; so does a
			// line that looks like a heading (short, no final punctuation) — kept simple:
			// the next line starting with a list marker.
			j := i + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j >= len(text) || text[j] == '\n' || isListMarker(text[j:]) {
				emit(start, i)
				start = j
			}
			i += w
			lineStart = i
			continue
		case r == '.' || r == '!' || r == '?' || r == '…':
			end := i + w
			for end < len(text) && strings.ContainsRune("\"'”’)]»", rune(text[end])) {
				end++
			}
			if end >= len(text) {
				break
			}
			nr, _ := utf8.DecodeRuneInString(text[end:])
			if !unicode.IsSpace(nr) {
				break
			}
			j := end
			for j < len(text) && unicode.IsSpace(rune(text[j])) {
				j++
			}
			if j >= len(text) {
				break
			}
			next, _ := utf8.DecodeRuneInString(text[j:])
			if !(unicode.IsUpper(next) || unicode.IsDigit(next) || strings.ContainsRune("\"'“‘([«¿¡•-*", next)) {
				break
			}
			if r == '.' && isAbbreviation(text[lineStart:i]) {
				break
			}
			emit(start, end)
			start = j
			i = j
			continue
		}
		i += w
	}
	emit(start, len(text))
	return out
}

// isAbbreviation reports whether the word just before a period (the end of before) is a
// known abbreviation or a single-letter initial.
func isAbbreviation(before string) bool {
	k := len(before)
	for k > 0 {
		r, w := utf8.DecodeLastRuneInString(before[:k])
		if unicode.IsSpace(r) || r == '(' || r == '"' {
			break
		}
		k -= w
	}
	word := strings.ToLower(before[k:])
	if word == "" {
		return false
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsLetter(r)
	}
	return abbreviations[word]
}

// isListMarker reports whether s starts with a bullet or a numbered-list marker.
func isListMarker(s string) bool {
	if s == "" {
		return false
	}
	r, w := utf8.DecodeRuneInString(s)
	switch r {
	case '•', '·', '▪', '◦', '–', '—':
		return true
	case '-', '*':
		return w < len(s) && s[w] == ' '
	}
	j := 0
	for j < len(s) && j < 3 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return j > 0 && j+1 < len(s) && (s[j] == '.' || s[j] == ')') && s[j+1] == ' '
}

// trimSpan trims space and a leading list marker from text[a:b].
func trimSpan(text string, a, b int) (int, int) {
	for a < b {
		r, w := utf8.DecodeRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		a += w
	}
	if a < b && isListMarker(text[a:b]) {
		for a < b && text[a] != ' ' {
			_, w := utf8.DecodeRuneInString(text[a:b])
			a += w
		}
		for a < b && text[a] == ' ' {
			a++
		}
	}
	for b > a {
		r, w := utf8.DecodeLastRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= w
	}
	return a, b
}

// normalize collapses runs of white space into single spaces.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, w := utf8.DecodeRuneInString(s)
	if w == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[w:]
}

// truncate shortens s to at most max runes at a word boundary, adding "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	cut := max - 1
	for i := cut; i > max/2; i-- {
		if rs[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(rs[:cut]), " ,;:") + "…"
}

// wordCount counts the words of s.
func wordCount(s string) int { return len(strings.Fields(s)) }

// upperShare is the share of s's letters that are upper case.
func upperShare(s string) float64 {
	var up, all int
	for _, r := range s {
		if unicode.IsLetter(r) {
			all++
			if unicode.IsUpper(r) {
				up++
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(up) / float64(all)
}
