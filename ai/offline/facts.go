package offline

import (
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
)

// A fact is a span of a sentence that a quiz question can ask for: a number (with its
// unit), the term a definition defines, an acronym, a proper name or a key term of the
// document. The answer is the span exactly as written, so it appears verbatim in the
// sentence's chunk.
type fact struct {
	sent       int // index into doc.sents
	class      string
	start, end int // the answer's byte range in the sentence's text
	answer     string
	value      float64 // numbers only
	weight     float64 // how good a question this kind of fact makes
}

// Fact classes; distractors are drawn from facts of the same class.
const (
	classDefinition = "def"
	classAcronym    = "acr"
	className       = "name"
	classTerm       = "term"
)

var (
	// definitionRe: "A confined space is a space that …", "Ventilation means …".
	definitionRe = regexp.MustCompile(`^(?:(?:A|An|The|El|La|Los|Las|Le|Les|Un|Une|Der|Die|Das|Ein|Eine)\s+)?` +
		`(\p{L}[\p{L}\p{N}'’\-]*(?: [\p{L}\p{N}][\p{L}\p{N}'’\-]*){0,4}?)` +
		`(?:\s+(?:is|are|es|son|est|sont|ist|sind)\s+(?:(?:defined|called)\s+as\s+)?(?:a|an|the|any|un|una|une|el|la|le|ein|eine|einen)\s+\S` +
		`|\s+(?:means|refers to|is defined as|denotes|se define como|désigne|bezeichnet)\s+\S)`)
	romanNumerals = set(`ii iii iv vi vii viii ix xi xii`)
)

// extractFacts finds every fact of the sentences idx.
func (d *doc) extractFacts(idx []int, terms map[string]keyphrase) []fact {
	var out []fact
	for _, si := range idx {
		s := &d.sents[si]
		if s.words < 6 || s.words > 55 || upperShare(s.norm) > 0.5 || strings.HasSuffix(s.norm, "?") || !statement(s.norm) {
			continue
		}
		out = append(out, d.numberFacts(si)...)
		if f, ok := d.definitionFact(si); ok {
			out = append(out, f)
		}
		out = append(out, d.nameFacts(si)...)
		if f, ok := d.termFact(si, terms); ok {
			out = append(out, f)
		}
	}
	return out
}

func (d *doc) definitionFact(si int) (fact, bool) {
	s := &d.sents[si]
	m := definitionRe.FindStringSubmatchIndex(s.text)
	if m == nil {
		return fact{}, false
	}
	a, b := m[2], m[3]
	term := s.text[a:b]
	toks := tokenize(term, d.stop)
	if len(toks) == 0 || dangling[toks[0].lower] || d.stop[toks[0].lower] || romanNumerals[toks[0].lower] {
		return fact{}, false
	}
	content := 0
	for _, t := range toks {
		if !t.stop {
			content++
		}
	}
	if content == 0 {
		return fact{}, false
	}
	return fact{sent: si, class: classDefinition, start: a, end: b, answer: term, weight: 1.4}, true
}

// nameFacts finds acronyms (OSHA, PPE) and multi-word proper names (Occupational Safety
// and Health Administration) inside a sentence.
func (d *doc) nameFacts(si int) []fact {
	s := &d.sents[si]
	var out []fact
	seen := map[string]bool{}
	toks := s.toks
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if isAcronym(t.surface) && !seen[t.surface] {
			seen[t.surface] = true
			out = append(out, fact{sent: si, class: classAcronym, start: t.start, end: t.end, answer: t.surface, weight: 1.0})
			continue
		}
		if i == 0 || !isCapitalized(t.surface) {
			continue
		}
		j := i + 1
		last := i
		for j < len(toks) {
			gap := s.text[toks[j-1].end:toks[j].start]
			if gap != " " {
				break
			}
			if isCapitalized(toks[j].surface) {
				last = j
			} else if !nameJoiners[toks[j].lower] {
				break
			}
			j++
		}
		if last > i {
			name := s.text[t.start:toks[last].end]
			if !seen[name] {
				seen[name] = true
				out = append(out, fact{sent: si, class: className, start: t.start, end: toks[last].end, answer: name, weight: 1.0})
			}
			i = last
		}
	}
	return out
}

var nameJoiners = set(`of and for the de del la le du des von der und y et`)

func isAcronym(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < 2 || n > 6 || romanNumerals[strings.ToLower(w)] {
		return false
	}
	letters := 0
	for i, r := range w {
		switch {
		case unicode.IsLetter(r):
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		case i == 0:
			return false // "14PM" is a time, not an acronym
		}
	}
	return letters >= 2
}

func isCapitalized(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || size == len(w) {
		return false
	}
	rest, _ := utf8.DecodeRuneInString(w[size:])
	return unicode.IsLower(rest)
}

// termFact blanks the best key term of the document that the sentence contains.
func (d *doc) termFact(si int, terms map[string]keyphrase) (fact, bool) {
	if len(terms) == 0 {
		return fact{}, false
	}
	s := &d.sents[si]
	best := fact{}
	bestScore := 0.0
	toks := s.toks
	joined := func(i, j int) bool { // tokens i and j (= i+1) form one phrase
		return i >= 0 && j < len(toks) && !toks[i].stop && !toks[j].stop && s.text[toks[i].end:toks[j].start] == " "
	}
	for a := 1; a < len(toks); a++ {
		if toks[a].stop || joined(a-1, a) {
			continue // a term starts a run of content words
		}
		parts := []string{}
		for b := a; b < len(toks) && b-a < 3; b++ {
			if b > a && !joined(b-1, b) {
				break
			}
			parts = append(parts, stem(toks[b].lower))
			if joined(b, b+1) {
				continue // and ends it: never blank part of a longer phrase
			}
			k, ok := terms[strings.Join(parts, " ")]
			if ok && k.score > bestScore && nounLike(toks[a:b+1], d.textLang) && !(a == b && verbSlot(toks, a, d.textLang)) {
				bestScore = k.score
				best = fact{sent: si, class: classTerm, start: toks[a].start, end: toks[b].end, answer: s.text[toks[a].start:toks[b].end], weight: 0.7}
			}
		}
	}
	return best, bestScore > 0
}

// statement: a sentence that can carry a fact — it ends with . ! : or ;, is not a table
// row, and does not open with a lone upper-case word glued to the next sentence ("END
// The notation …", the rest of a definition list).
func statement(s string) bool {
	if strings.Contains(s, " | ") || !strings.ContainsAny(s[len(s)-1:], ".!:;") {
		return false
	}
	f := strings.Fields(s)
	return len(f) < 2 || !(isAcronym(f[0]) && isCapitalized(f[1]))
}

// verbSlot: in English, the word at toks[i] follows a subject pronoun, "to", "not" or a
// modal, so it is a verb ("you _____ a backup"), whatever its form.
func verbSlot(toks []token, i int, lang string) bool {
	if lang != "en" || i < 0 || i >= len(toks) {
		return false
	}
	return commonVerbs[toks[i].lower] || i > 0 && verbBefore[toks[i-1].lower]
}

var (
	verbBefore  = set(`i you we they he she it to not will can may must should would could might shall cannot does do did also then`)
	commonVerbs = set(`contain contains include includes provide provides require requires allow allows need needs want wants
make makes create creates run runs convey conveys specify specifies ensure ensures support supports perform performs
cause causes become becomes describe describes enable enables prevent prevents keep keeps give gives take takes
get gets set sets show shows mean means seem seems apply applies consider considers remain remains`)
)

// nounLike rejects English phrases that look like verbs, adverbs or adjectives
// ("inspected together", "carefully", "continuous"): a word ending in -ed or -ly, or a
// single word ending in -ing, -ous, -ful, -ive, -able, -ible or -less.
func nounLike(toks []token, lang string) bool {
	if lang != "en" {
		return true
	}
	for _, t := range toks {
		if len(t.lower) > 4 && (strings.HasSuffix(t.lower, "ed") || strings.HasSuffix(t.lower, "ly")) {
			return false
		}
	}
	if len(toks) == 1 {
		w := toks[0].lower
		for _, suf := range []string{"ing", "ous", "ful", "ive", "able", "ible", "less"} {
			if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
				return false
			}
		}
	}
	return true
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// blank replaces the fact's span in its sentence with a gap.
func (d *doc) blank(f fact) string {
	t := d.sents[f.sent].text
	return normalize(t[:f.start] + "_____" + t[f.end:])
}

// question builds a single-choice question from a fact: the sentence with the answer
// blanked, the answer and 2–3 distractors from the same text, shuffled deterministically.
// ok is false when the text offers too few distractors or the answer shows in the stem.
func (d *doc) question(f fact, p pools, prefix string, distractors int, avoid map[string]bool, minGap float64) (ai.Question, bool) {
	stemText := d.blank(f)
	if strings.Contains(strings.ToLower(stemText), strings.ToLower(f.answer)) {
		return ai.Question{}, false // the answer appears twice in the sentence
	}
	if strings.ContainsAny(f.answer, "\n\t") || utf8.RuneCountInString(f.answer) > ai.MaxOption {
		return ai.Question{}, false
	}
	ds := p.distractors(f, stemText, distractors, avoid, minGap)
	if len(ds) < 2 {
		return ai.Question{}, false
	}
	text := truncate(prefix+" "+stemText, ai.MaxQuestion)
	opts := []ai.Option{{Text: f.answer, Correct: true}}
	for _, x := range ds {
		opts = append(opts, ai.Option{Text: x})
	}
	shuffle(opts, text)
	cite(opts, d.lang, d.sents[f.sent].norm)
	id := d.chunks[d.sents[f.sent].chunk].ID
	return ai.Question{Kind: ai.QuestionSingle, Text: text, Options: opts, SourceChunkID: &id}, true
}

// shuffle orders options deterministically from a seed text.
func shuffle(opts []ai.Option, seed string) {
	h := fnv.New64a()
	h.Write([]byte(seed))
	s := h.Sum64()
	r := rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
	r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
}
