package offline

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// Question kinds a deterministic generator does well, besides filling in a blanked fact
// (facts.go): the order of a numbered procedure's steps, a table row matched from one of
// its cells, a term matched to its definition, and true or false on a stated fact (half
// of them with a term or number swapped for another of the same kind from the text).
// Every question's correct answer is taken verbatim from the chunk it cites.

// candidate is a question with how good it is and what it asks about (for variety).
type candidate struct {
	q      ai.Question
	kind   string // cloze, procedure, table, definition, truefalse
	weight float64
	answer string // lowercase, so one answer is asked once
}

// step is one item of a numbered list.
type step struct {
	n     int
	text  string // the item's first sentence
	chunk uuid.UUID
}

// procedure is a numbered list of at least three steps under one heading.
type procedure struct {
	heading string
	steps   []step
}

var (
	stepRe   = regexp.MustCompile(`^(\d{1,2})[.)]\s+(\S.*)$`)
	tableSep = " | "
)

// paragraphs are the blank-line separated paragraphs of the chunks of a module's
// sentences, in document order, with the chunk each comes from.
func (d *doc) paragraphs(m *module) []struct {
	text  string
	chunk int
} {
	var out []struct {
		text  string
		chunk int
	}
	seen := map[int]bool{}
	for _, si := range m.sents {
		ci := d.sents[si].chunk
		if seen[ci] {
			continue
		}
		seen[ci] = true
		for _, p := range strings.Split(d.chunks[ci].Text, "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, struct {
					text  string
					chunk int
				}{p, ci})
			}
		}
	}
	return out
}

// procedures finds a module's numbered lists (1., 2., 3., … in order, across chunks).
func (d *doc) procedures(m *module) []procedure {
	var out []procedure
	var cur *procedure
	for _, p := range d.paragraphs(m) {
		mm := stepRe.FindStringSubmatch(strings.SplitN(p.text, "\n", 2)[0])
		if mm == nil {
			continue
		}
		n := 0
		fmt.Sscan(mm[1], &n)
		body := normalize(strings.TrimSpace(p.text[len(mm[0])-len(mm[2]):]))
		first := body
		if sp := splitSentences(body); len(sp) > 0 {
			first = body[sp[0].start:sp[0].end]
		}
		st := step{n: n, text: truncate(first, 180), chunk: d.chunks[p.chunk].ID}
		switch {
		case n == 1:
			out = append(out, procedure{heading: stripNumber(d.chunks[p.chunk].Heading)})
			cur = &out[len(out)-1]
			cur.steps = append(cur.steps, st)
		case cur != nil && n == cur.steps[len(cur.steps)-1].n+1:
			cur.steps = append(cur.steps, st)
		default:
			cur = nil
		}
	}
	kept := out[:0]
	for _, p := range out {
		if len(p.steps) >= 3 {
			kept = append(kept, p)
		}
	}
	return kept
}

// procedureQuestions asks for the step that follows a given one, and for the first step.
func (d *doc) procedureQuestions(m *module) []candidate {
	var out []candidate
	for _, p := range d.procedures(m) {
		where := p.heading
		if where == "" {
			where = m.title
		}
		ask := func(text string, correct int) {
			opts := []ai.Option{{Text: p.steps[correct].text, Correct: true}}
			for k := 1; k < len(p.steps) && len(opts) < 4; k++ {
				o := p.steps[(correct+k)%len(p.steps)]
				if strings.Contains(text, o.text) {
					continue
				}
				opts = append(opts, ai.Option{Text: o.text})
			}
			if len(opts) < 3 {
				return
			}
			shuffle(opts, text)
			cite(opts, d.lang, fmt.Sprintf("%d. %s", p.steps[correct].n, p.steps[correct].text))
			id := p.steps[correct].chunk
			out = append(out, candidate{q: ai.Question{Kind: ai.QuestionSingle, Text: truncate(text, ai.MaxQuestion), Options: opts, SourceChunkID: &id},
				kind: "procedure", weight: 1.3, answer: strings.ToLower(p.steps[correct].text)})
		}
		ask(fmt.Sprintf(label(d.lang, lFirstStep), where), 0)
		// The step after one in the middle: the order matters most there.
		k := len(p.steps) / 2
		ask(fmt.Sprintf(label(d.lang, lNextStep), where, p.steps[k-1].text), k)
	}
	return out
}

// tableQuestions match a table row's first cell from its most descriptive other cell:
// "Which file matches this description: “secure user account information”?".
func (d *doc) tableQuestions(m *module) []candidate {
	var out []candidate
	var rows [][]string
	var chunks []uuid.UUID
	flush := func() {
		defer func() { rows, chunks = nil, nil }()
		if len(rows) < 4 {
			return
		}
		head, body, ids := rows[0], rows[1:], chunks[1:]
		for _, h := range head {
			if wordCount(h) > 4 || !hasLetter(h) {
				return // the first row is not a header
			}
		}
		if !distinct(body, 0) {
			return
		}
		// The column with the longest distinct texts describes the rows best.
		best, bestLen := -1, 0
		for c := 1; c < len(head); c++ {
			if !distinct(body, c) {
				continue
			}
			n := 0
			for _, r := range body {
				n += len(r[c])
			}
			if n > bestLen && n/len(body) >= 8 {
				best, bestLen = c, n
			}
		}
		if best < 0 {
			return
		}
		for i, r := range body {
			if i >= 3 {
				break
			}
			text := fmt.Sprintf(label(d.lang, lTableMatch), strings.ToLower(head[0]), strings.ToLower(head[best]), r[best])
			opts := []ai.Option{{Text: r[0], Correct: true}}
			for k := 1; k < len(body) && len(opts) < 4; k++ {
				opts = append(opts, ai.Option{Text: body[(i+k)%len(body)][0]})
			}
			shuffle(opts, text)
			cite(opts, d.lang, strings.Join(r, " | "))
			id := ids[i]
			out = append(out, candidate{q: ai.Question{Kind: ai.QuestionSingle, Text: truncate(text, ai.MaxQuestion), Options: opts, SourceChunkID: &id},
				kind: "table", weight: 1.2, answer: strings.ToLower(r[0])})
		}
	}
	for _, p := range d.paragraphs(m) {
		if !strings.Contains(p.text, tableSep) || strings.Contains(p.text, "\n") {
			flush()
			continue
		}
		cells := strings.Split(p.text, tableSep)
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(rows) > 0 && len(cells) != len(rows[0]) {
			flush()
		}
		rows = append(rows, cells)
		chunks = append(chunks, d.chunks[p.chunk].ID)
	}
	flush()
	return out
}

// distinct: column c of the rows is non-empty, at most 200 characters and unique.
func distinct(rows [][]string, c int) bool {
	seen := map[string]bool{}
	for _, r := range rows {
		v := strings.ToLower(r[c])
		if v == "" || seen[v] || utf8.RuneCountInString(v) > 200 || !hasLetter(v) {
			return false
		}
		seen[v] = true
	}
	return true
}

// definitionQuestions ask what a defined term is, with the definitions of other terms of
// the text as the wrong options.
func (d *doc) definitionQuestions(facts []fact) []candidate {
	type def struct {
		f    fact
		body string // the definition without its term: "a space that is …"
	}
	var defs []def
	seen := map[string]bool{}
	for _, f := range facts {
		if f.class != classDefinition || seen[strings.ToLower(f.answer)] {
			continue
		}
		t := d.sents[f.sent].text
		rest := strings.TrimSpace(t[f.end:])
		// Drop the verb: "is a …" → "a …"; "means …" → "…".
		if i := strings.IndexByte(rest, ' '); i > 0 {
			rest = strings.TrimSpace(rest[i:])
		}
		for _, lead := range []string{"defined as ", "called ", "as "} {
			rest = strings.TrimPrefix(rest, lead)
		}
		rest = strings.TrimRight(rest, ".;:")
		if wordCount(rest) < 4 || utf8.RuneCountInString(rest) > 200 {
			continue
		}
		seen[strings.ToLower(f.answer)] = true
		defs = append(defs, def{f, rest})
	}
	var out []candidate
	for i, df := range defs {
		if len(defs) < 3 {
			break
		}
		text := fmt.Sprintf(label(d.lang, lWhatIs), df.f.answer)
		opts := []ai.Option{{Text: capitalize(df.body), Correct: true}}
		for k := 1; k < len(defs) && len(opts) < 4; k++ {
			opts = append(opts, ai.Option{Text: capitalize(defs[(i+k)%len(defs)].body)})
		}
		shuffle(opts, text)
		cite(opts, d.lang, d.sents[df.f.sent].norm)
		id := d.chunks[d.sents[df.f.sent].chunk].ID
		out = append(out, candidate{q: ai.Question{Kind: ai.QuestionSingle, Text: truncate(text, ai.MaxQuestion), Options: opts, SourceChunkID: &id},
			kind: "definition", weight: 1.4 * (0.2 + d.sents[df.f.sent].weight), answer: strings.ToLower(df.body)})
	}
	return out
}

// trueFalse states a fact's sentence as it is, or with the fact swapped for a distractor
// of the same kind (chosen by a hash of the sentence, so about half are false).
func (d *doc) trueFalse(f fact, p pools, avoid map[string]bool) (candidate, bool) {
	s := d.sents[f.sent]
	if !s.clean || s.words > 35 || !wholeSentence(s.text) || f.class == classAcronym && !statedAsIs(s.text) ||
		f.class == classTerm && verbSlot(s.toks, tokenAt(s.toks, f.start), d.textLang) {
		return candidate{}, false
	}
	statement, isTrue := s.text, statedAsIs(s.text)
	if !isTrue {
		ds := p.distractors(f, d.blank(f), 1, avoid, 0.3)
		if len(ds) == 0 {
			return candidate{}, false
		}
		before := strings.ToLower(prevWord(s.text[:f.start]))
		if (before == "a" || before == "an") && vowelStart(ds[0]) != vowelStart(f.answer) {
			return candidate{}, false // "a authid": the swap would show itself
		}
		statement = s.text[:f.start] + ds[0] + s.text[f.end:]
	}
	text := truncate(label(d.lang, lTrueFalse)+" "+statement, ai.MaxQuestion)
	opts := []ai.Option{{Text: label(d.lang, lTrue), Correct: isTrue}, {Text: label(d.lang, lFalse), Correct: !isTrue}}
	cite(opts, d.lang, s.norm)
	id := d.chunks[s.chunk].ID
	return candidate{q: ai.Question{Kind: ai.QuestionSingle, Text: text, Options: opts, SourceChunkID: &id},
		kind: "truefalse", weight: 0.6 * f.weight, answer: strings.ToLower(s.text)}, true
}

// statedAsIs decides from a hash of the sentence whether its true-or-false question states it
// as it is (about half do). Acronyms are only stated as they are: swapping one for
// another of the text rarely makes a plausible statement.
func statedAsIs(sentence string) bool {
	h := fnv.New32a()
	h.Write([]byte(sentence))
	return h.Sum32()%2 == 0
}

func vowelStart(s string) bool {
	return s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0]))
}

// tokenAt is the index of the token starting at byte offset off (-1 when none).
func tokenAt(toks []token, off int) int {
	for i, t := range toks {
		if t.start == off {
			return i
		}
	}
	return -1
}

// cite gives every option feedback quoting the source that answers the question: "Right:"
// or "Not quite:" and the sentence (or step, or table row) the correct answer comes from.
func cite(opts []ai.Option, lang, quote string) {
	quote = truncate(normalize(quote), 400)
	for i := range opts {
		key := lWrongFeedback
		if opts[i].Correct {
			key = lRightFeedback
		}
		opts[i].Feedback = truncate(fmt.Sprintf(label(lang, key), quote), 1000)
	}
}
