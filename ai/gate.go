package ai

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The question quality gate: what every generator's questions must pass before they
// are stored. A deterministic generator (and a model) can produce questions that look
// well-formed but teach nothing or are wrong; Gate names the first defect found.
//
//   - a blank inside a token ("pg_____stop", "passwd(_____)"): the answer is part of an
//     identifier, not a fact;
//   - a section, list, page or man-page number as the answer ("5" for "passwd(5)",
//     "26.3.1"), or an answer that is only punctuation or a single character;
//   - options of mixed kinds (a number beside a word, "14PM" beside "SQL");
//   - duplicate or near-duplicate options (equal ignoring case, punctuation and spaces,
//     or one a prefix of another with a symbol: "DER" and "DERΩ");
//   - a correct answer that its cited source text does not state (when the source is
//     known); for a true-or-false question, a statement whose words the source does not
//     mostly hold (a false statement differs from its source by the swapped fact only).

// blankInToken is a run of underscores glued to a letter, digit or bracket on either side.
var blankInToken = regexp.MustCompile(`[\p{L}\p{N}(\[/.\-]_{3,}|_{3,}[\p{L}\p{N})\]/\-]`)

// sectionNumber is an answer that is a section or list number: "5", "26.3", "4.1.2", "(3)",
// "iv".
var sectionNumber = regexp.MustCompile(`^\(?(?:\d{1,3}(?:\.\d{1,3})*\.?|[ivxlc]{1,5}\.?)\)?$`)

// Gate returns "" when q passes, else why it fails. source is the text of the chunk the
// question cites ("" when unknown).
func Gate(q Question, source string) string {
	if blankInToken.MatchString(q.Text) {
		return "blank inside a token"
	}
	var correct []string
	kinds := map[string]bool{}
	seen := map[string]string{}
	for _, o := range q.Options {
		t := strings.TrimSpace(o.Text)
		if t == "" {
			return "empty option"
		}
		k := optionKey(t)
		if k == "" {
			return "option without letters or digits: " + t
		}
		if prev, ok := seen[k]; ok {
			return "duplicate options: " + prev + " / " + t
		}
		for sk, prev := range seen {
			if nearDuplicate(k, sk) {
				return "near-duplicate options: " + prev + " / " + t
			}
		}
		seen[k] = t
		kinds[optionKind(t)] = true
		if o.Correct {
			correct = append(correct, t)
		}
	}
	if len(kinds) > 1 {
		return "options of mixed kinds"
	}
	if trueFalse(q.Options) {
		if len(correct) != 1 {
			return "a true-or-false question needs exactly one correct option"
		}
		if source != "" && !grounded(q.Text, source) {
			return "the statement is not taken from its source"
		}
		return ""
	}
	for _, c := range correct {
		if sectionNumber.MatchString(strings.ToLower(c)) && !quantityStem(q.Text) {
			return "a section, list or page number as the answer: " + c
		}
		if utf8.RuneCountInString(optionKey(c)) < 2 && !unicode.IsDigit([]rune(optionKey(c))[0]) {
			return "a single character as the answer: " + c
		}
		if source != "" && !stated(c, source) {
			return "the answer is not stated in its source: " + c
		}
	}
	return ""
}

// quantityStem: the stem asks for an amount ("how many", "what percentage", a blank
// followed by a unit), so a plain number is a fact, not a section number.
func quantityStem(stem string) bool {
	s := strings.ToLower(stem)
	for _, w := range []string{"how many", "how much", "how long", "how often", "what number", "percentage", "cuántos", "wie viele"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return unitAfterBlank.MatchString(s)
}

var unitAfterBlank = regexp.MustCompile(`_{3,}\s*(?:%|percent|seconds?|minutes?|hours?|days?|weeks?|months?|years?|[kmg]i?b|bytes?|metres?|meters?|m|kg|°c|times)\b`)

// optionKey is an option's text for comparing: lower case, letters and digits only.
func optionKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// nearDuplicate: one key is the other plus one character ("der" / "derω"), the shorter
// having at least three.
func nearDuplicate(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if a == "" {
		return false
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	return strings.HasPrefix(b, a) && lb-la <= 1 && la >= 3
}

// optionKind classes an option: a number (with or without a unit), a date or time, a
// code-like token, or words.
func optionKind(s string) string {
	t := strings.TrimSpace(s)
	digits, letters := 0, 0
	for _, r := range t {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	switch {
	case digits > 0 && letters <= 6 && digits >= letters:
		return "number"
	case digits == 0 && letters > 0:
		return "words"
	}
	return "mixed"
}

// stated: the answer occurs in the source (ignoring case, and spacing and punctuation
// around it), or every number and every word of three letters or more of it does.
func stated(answer, source string) bool {
	src := " " + strings.Join(strings.FieldsFunc(strings.ToLower(source), notWordRune), " ") + " "
	ans := strings.Join(strings.FieldsFunc(strings.ToLower(answer), notWordRune), " ")
	if ans == "" {
		return false
	}
	if strings.Contains(src, " "+ans+" ") {
		return true
	}
	words := strings.Fields(ans)
	n := 0
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 && !strings.ContainsFunc(w, unicode.IsDigit) {
			continue // short words ("of", "a") may be phrased differently; numbers may not
		}
		n++
		if !strings.Contains(src, " "+w+" ") {
			return false
		}
	}
	return n > 0
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// truthWords are the options of a true-or-false question, in the languages learnd labels.
var truthWords = map[string]bool{"true": true, "false": true, "verdadero": true, "falso": true,
	"vrai": true, "faux": true, "richtig": true, "falsch": true, "wahr": true}

// trueFalse: the question's two options are "True" and "False" (in some language).
func trueFalse(opts []Option) bool {
	return len(opts) == 2 && truthWords[optionKey(opts[0].Text)] && truthWords[optionKey(opts[1].Text)]
}

// grounded: at least 70% of the statement's words of four letters or more (and all but
// one of at least four) occur in the source.
func grounded(statement, source string) bool {
	src := " " + strings.Join(strings.FieldsFunc(strings.ToLower(source), notWordRune), " ") + " "
	n, found := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(statement), notWordRune) {
		if utf8.RuneCountInString(w) < 4 || truthWords[w] {
			continue
		}
		n++
		if strings.Contains(src, " "+w+" ") {
			found++
		}
	}
	return n >= 3 && found >= n-max(1, n*3/10)
}
