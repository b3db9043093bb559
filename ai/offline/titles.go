package offline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Titles and briefs a training manager would ship: lesson titles are phrases, not a lone
// keyword; section numbers of the source ("26.1.", "4.6.4.") are not part of a course's
// titles; a brief's description opens with a whole informative sentence.

// leadingNumber is a heading's section number or list label.
var leadingNumber = regexp.MustCompile(`^(?:(?:\d{1,3}\.)*\d{1,3}\.?|[A-H]\.\d{1,3}\.?|[a-h]\)|\([a-h0-9]\))\s+`)

// innerNumber is a section number after a join in a merged title ("…, 26.3. Continuous").
var innerNumber = regexp.MustCompile(`(, | and | & | – )(?:\d{1,3}\.)+\d{0,3}\.?\s+`)

// stripNumber drops section numbers from a title, at its start and after each join of a
// merged title ("26.1. SQL Dump" → "SQL Dump"), keeping the title when nothing would be
// left.
func stripNumber(title string) string {
	t := strings.TrimSpace(leadingNumber.ReplaceAllString(title, ""))
	t = innerNumber.ReplaceAllString(t, "$1")
	if t == "" || !strings.ContainsFunc(t, unicode.IsLetter) {
		return title
	}
	return t
}

// lessonTitle is the title of one part of a module: the module's title with the part's
// best multi-word keyphrase, or with its best keyword ("SQL Dump: psql"), never a lone word.
func lessonTitle(module string, phrases []keyphrase, used map[string]bool) string {
	for _, k := range phrases {
		t := capitalize(k.surface)
		if len(strings.Fields(t)) >= 2 && !used[strings.ToLower(t)] {
			return t
		}
	}
	for _, k := range phrases {
		t := module + ": " + k.surface
		if !used[strings.ToLower(t)] && !strings.EqualFold(k.surface, module) {
			return t
		}
	}
	return ""
}

// wholeSentence: a sentence a brief can open with — it starts with a capital letter (or a
// digit), ends with . ! or ?, has at least six words, is not a table row, a function
// synopsis or a lead-in to a list ("…the following:").
func wholeSentence(s string) bool {
	s = strings.TrimSpace(s)
	if len(strings.Fields(s)) < 6 || strings.Contains(s, " | ") || strings.HasPrefix(s, "[") {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	if !strings.ContainsRune(".!?", last) || strings.HasSuffix(strings.ToLower(s), "following.") {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsSpace(r) {
			letters++
		}
	}
	return letters*10 >= utf8.RuneCountInString(s)*8
}
