package offline

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Question rewrites a single-choice question on the same concept: the same correct
// answer, a reworded stem, and distractors refreshed from the context chunks (facts of
// the same kind as the answer) or, without them, the old distractors reshuffled.
// Feedback: "make it harder" / "the distractors are too obvious" picks the distractors
// closest to the answer and adds one; "make it easier" keeps two; "reword" / "clearer"
// changes only the stem and the order.
func (g *Generator) Question(ctx context.Context, req ai.QuestionRequest) (ai.Question, error) {
	if err := ctx.Err(); err != nil {
		return ai.Question{}, err
	}
	old := req.Question
	if old.Kind != ai.QuestionSingle {
		return ai.Question{}, fmt.Errorf("offline generator: %w", ai.ErrNotSingleChoice)
	}
	if err := ai.ValidateQuestion(old); err != nil {
		return ai.Question{}, fmt.Errorf("offline generator: the question to rewrite: %w", err)
	}
	var answer string
	var oldDistractors []string
	for _, o := range old.Options {
		if o.Correct {
			answer = o.Text
		} else {
			oldDistractors = append(oldDistractors, o.Text)
		}
	}
	lang := detectLanguage(old.Text + " " + strings.Join(optionTexts(old.Options), " "))
	low := strings.ToLower(req.Feedback)
	harder := containsAny(low, "harder", "difficult", "challeng", "too easy", "obvious", "plausible", "tricky", "tougher", "más difícil", "plus difficile", "schwieriger")
	easier := !harder && containsAny(low, "easier", "simpler", "too hard", "too difficult", "más fácil", "plus facile", "einfacher")
	rewordOnly := !harder && !easier && containsAny(low, "reword", "clear", "confus", "wording", "phras", "unclear", "ambiguous")

	want := len(oldDistractors)
	switch {
	case harder:
		want = min(max(want+1, 3), ai.MaxOptions-1)
	case easier:
		want = 2
	default:
		want = min(max(want, 2), 3)
	}

	text := rewordStem(old.Text, lang)
	var distractors []string
	if !rewordOnly && len(req.Context) > 0 {
		gap := 0.15
		if harder {
			gap = 0
		}
		distractors = freshDistractors(req.Context, lang, answer, text, oldDistractors, want, gap)
	}
	// Top up with the old distractors (closest in length to the answer first when harder).
	rest := slices.Clone(oldDistractors)
	if harder {
		slices.SortStableFunc(rest, func(a, b string) int {
			return cmp.Compare(abs(len(a)-len(answer)), abs(len(b)-len(answer)))
		})
	}
	for _, o := range rest {
		if len(distractors) >= want {
			break
		}
		if !containsFold(distractors, o) {
			distractors = append(distractors, o)
		}
	}
	if len(distractors) > want {
		distractors = distractors[:want]
	}
	opts := []ai.Option{{Text: answer, Correct: true}}
	for _, d := range distractors {
		opts = append(opts, ai.Option{Text: d})
	}
	shuffle(opts, text+"|rewrite")
	if sameOrder(opts, old.Options) && len(opts) > 1 {
		opts = append(opts[1:], opts[0])
	}
	q := ai.Question{Kind: ai.QuestionSingle, Text: text, Options: opts, SourceChunkID: old.SourceChunkID}
	if q.SourceChunkID == nil {
		for _, c := range req.Context {
			if strings.Contains(c.Text, answer) {
				id := c.ID
				q.SourceChunkID = &id
				break
			}
		}
	}
	if err := ai.ValidateQuestion(q); err != nil {
		return ai.Question{}, fmt.Errorf("offline generator: %w", err)
	}
	return q, nil
}

// rewordStem gives a question a new wording: a fill-in-the-blank statement is asked in
// another of the generator's phrasings; any other question gets (or loses) an
// instruction, so the text always changes.
func rewordStem(text, lang string) string {
	core := normalize(text)
	prefixes := []string{label(lang, lCompletes), label(lang, lFillBlank), label(lang, lChooseCorrect)}
	had := ""
	for _, l := range languages {
		for _, p := range []string{label(l, lCompletes), label(l, lFillBlank), label(l, lChooseCorrect)} {
			if strings.HasPrefix(core, p+" ") {
				had = p
				core = strings.TrimSpace(core[len(p):])
			}
		}
	}
	core = capitalize(core)
	if strings.Contains(core, "_____") {
		for _, p := range prefixes {
			if p != had {
				return truncate(p+" "+core, ai.MaxQuestion)
			}
		}
	}
	if had != "" {
		return truncate(core+" "+label(lang, lSelectOne), ai.MaxQuestion)
	}
	if strings.HasSuffix(core, label(lang, lSelectOne)) {
		return truncate(label(lang, lChooseCorrect)+" "+strings.TrimSpace(strings.TrimSuffix(core, label(lang, lSelectOne))), ai.MaxQuestion)
	}
	return truncate(label(lang, lChooseCorrect)+" "+core, ai.MaxQuestion)
}

// freshDistractors draws wrong answers of the answer's kind from the context chunks,
// preferring ones the question did not use.
func freshDistractors(chunks []ai.Chunk, lang, answer, stemText string, old []string, n int, gap float64) []string {
	d := analyse(chunks, lang)
	if len(d.sents) == 0 {
		return nil
	}
	all := make([]int, len(d.sents))
	for i := range all {
		all[i] = i
	}
	terms := map[string]keyphrase{}
	for _, k := range d.keyphrases(all, 60) {
		terms[k.key] = k
	}
	facts := d.extractFacts(all, terms)
	pool := makePools(facts)
	f := answerFact(answer, facts, d.stop)
	avoid := map[string]bool{}
	for _, o := range old {
		avoid[strings.ToLower(o)] = true
	}
	out := pool.distractors(f, stemText, n, avoid, gap)
	if len(out) < n {
		for _, x := range pool.distractors(f, stemText, n, nil, gap) {
			if len(out) < n && !containsFold(out, x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// answerFact classifies an answer like the facts of a text: the fact it is (when the text
// has it), else a number with its unit, an acronym, or a term.
func answerFact(answer string, facts []fact, stop map[string]bool) fact {
	la := strings.ToLower(answer)
	for _, f := range facts {
		if strings.ToLower(f.answer) == la {
			return f
		}
	}
	if m := numberRe.FindStringIndex(answer); m != nil && m[0] == 0 {
		num := strings.TrimLeft(answer[:m[1]], "$€£")
		if v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64); err == nil {
			end, unit := numberUnit(answer, m[1], stop)
			class := "n:" + strconv.Itoa(min(len(strings.SplitN(strings.ReplaceAll(num, ",", ""), ".", 2)[0]), 4)) + strconv.FormatBool(strings.Contains(num, "."))
			if unit != "" && end == len(answer) {
				class = "u:" + unit
			}
			return fact{class: class, answer: answer, value: v}
		}
	}
	if isAcronym(answer) {
		return fact{class: classAcronym, answer: answer}
	}
	return fact{class: classDefinition, answer: answer}
}

func optionTexts(opts []ai.Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Text
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func sameOrder(a, b []ai.Option) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Text != b[i].Text {
			return false
		}
	}
	return true
}

var (
	keyPointCountRe = regexp.MustCompile(`(?i)\b(` + countWords + `)\s+(?:main\s+|key\s+|core\s+)?(?:key\s+)?(?:points?|bullets?|takeaways?|items?|puntos|points\s+clés|punkte)\b`)
	audienceFeedRe  = regexp.MustCompile(`(?i)\b(?:target|targeting|aim(?:ed)?\s+at|written\s+for|audience(?:\s+is)?:?|dirigido\s+a|destiné\s+aux?|für)\s+(.+?)(?:,|\s+(?:not|instead|rather|and\s+not|no|pas|nicht)\b|[.;!?(]|$)`)
	audienceForRe   = regexp.MustCompile(`(?i)\b(?:for|para|pour)\s+(.+?),?\s+(?:not|instead\s+of|rather\s+than|no|pas|nicht)\s`)
	addRe           = regexp.MustCompile(`(?i)\b(?:add|include|cover|mention|discuss|añade|añadir|incluye|ajoute[rz]?|inclure|füge|ergänze)\s+(?:a\s+|an\s+)?(?:(?:section|point|part|paragraph|key\s+point|bit|note|sección|punto|partie|abschnitt|punkt)\s+(?:on|about|covering|regarding|sobre|sur|über|zu)\s+)?(.+?)(?:[.;!?]|,\s|$)`)
)

// Brief rewrites a lesson brief per the feedback: "Reduce to 3 key points", "Target
// supervisors, not learners", "Add a section on the regulatory context", "make it
// practical with concrete examples", "shorter"/"simpler"; with no feedback, a clarity pass
// (white space, capitals, final punctuation, duplicate key points dropped). Key points
// added come from the context chunks when they have a matching sentence.
func (g *Generator) Brief(ctx context.Context, req ai.BriefRequest) (ai.Brief, error) {
	if err := ctx.Err(); err != nil {
		return ai.Brief{}, err
	}
	b := req.Brief
	b.KeyPoints = slices.Clone(b.KeyPoints)
	lang := detectLanguage(b.Description + " " + strings.Join(b.KeyPoints, " "))
	fb := normalize(req.Feedback)
	low := strings.ToLower(fb)
	var d *doc
	if len(req.Context) > 0 {
		d = analyse(req.Context, lang)
	}

	m := audienceFeedRe.FindStringSubmatch(fb)
	if m == nil {
		m = audienceForRe.FindStringSubmatch(fb)
	}
	if m != nil {
		if a := cleanPhrase(m[1]); a != "" && !startsWithCount(a) && wordCount(a) <= 8 {
			oldAudience := b.TargetAudience
			b.TargetAudience = capitalize(a)
			if oldAudience != "" {
				b.Description = replaceFold(b.Description, oldAudience, a)
				for i := range b.KeyPoints {
					b.KeyPoints[i] = replaceFold(b.KeyPoints[i], oldAudience, a)
				}
			}
		}
	}
	if m := addRe.FindStringSubmatch(fb); m != nil {
		if topic := cleanPhrase(m[1]); topic != "" && wordCount(topic) <= 12 && !containsAny(topic, "example") {
			point := capitalize(topic)
			if s := d.sentenceAbout(topic); s != "" {
				point = s
			}
			if !containsFold(b.KeyPoints, point) {
				b.KeyPoints = append(b.KeyPoints, truncate(point, ai.MaxKeyPoint))
			}
		}
	}
	if containsAny(low, "practical", "example", "concrete", "hands-on", "real-world", "real world", "theoretical", "práctic", "pratique", "exemple", "praktisch", "beispiel") {
		examples := d.exampleSentences(2, b.KeyPoints)
		if len(examples) == 0 && len(b.KeyPoints) > 0 {
			examples = []string{fmt.Sprintf(label(lang, lWorkedExample), lowerFirst(strings.TrimRight(b.KeyPoints[0], ".")))}
		}
		for _, e := range examples {
			b.KeyPoints = append(b.KeyPoints, truncate(e, ai.MaxKeyPoint))
		}
		if !strings.Contains(b.Description, label(lang, lPracticalNote)) {
			b.Description = strings.TrimSpace(b.Description + " " + label(lang, lPracticalNote))
		}
	}
	if containsAny(low, "shorter", "simpler", "concise", "too long", "simplify", "más corto", "plus court", "kürzer") {
		b.Description = firstSentence(b.Description)
		if len(b.KeyPoints) > 3 {
			b.KeyPoints = b.KeyPoints[:3]
		}
	}
	if m := keyPointCountRe.FindStringSubmatch(fb); m != nil {
		if n := countOf(m[1]); n >= 1 && n <= ai.MaxKeyPoints {
			switch {
			case len(b.KeyPoints) > n:
				b.KeyPoints = b.KeyPoints[:n]
			case len(b.KeyPoints) < n && d != nil:
				for _, s := range d.centralSentences(n) {
					if len(b.KeyPoints) < n && !containsFold(b.KeyPoints, s) {
						b.KeyPoints = append(b.KeyPoints, truncate(s, ai.MaxKeyPoint))
					}
				}
			}
		}
	}
	b = clarity(b, lang)
	if err := ai.ValidateBrief(b); err != nil {
		return ai.Brief{}, fmt.Errorf("offline generator: %w", err)
	}
	return b, nil
}

// clarity tidies a brief: white space, capitals, final punctuation on the description,
// duplicate and empty key points dropped, missing fields filled from the others.
func clarity(b ai.Brief, lang string) ai.Brief {
	b.Topic = capitalize(normalize(b.Topic))
	b.Title = capitalize(normalize(b.Title))
	b.Description = capitalize(normalize(b.Description))
	b.TargetAudience = capitalize(normalize(b.TargetAudience))
	if b.Title == "" {
		b.Title = b.Topic
	}
	if b.Topic == "" {
		b.Topic = b.Title
	}
	if b.TargetAudience == "" {
		b.TargetAudience = label(lang, lAllLearners)
	}
	var kps []string
	for _, k := range b.KeyPoints {
		k = capitalize(normalize(k))
		if k != "" && !containsFold(kps, k) {
			kps = append(kps, truncate(k, ai.MaxKeyPoint))
		}
	}
	b.KeyPoints = kps
	if b.Description == "" && len(kps) > 0 {
		b.Description = strings.Join(kps[:min(len(kps), 2)], " ")
	}
	if b.Description != "" && !strings.ContainsAny(b.Description[len(b.Description)-1:], ".!?…)\"”»") {
		b.Description += "."
	}
	b.Description = truncate(b.Description, ai.MaxDescription)
	return b
}

func firstSentence(s string) string {
	for _, sp := range splitSentences(s) {
		return s[sp.start:sp.end]
	}
	return s
}

// replaceFold replaces old with new in s, ignoring case.
func replaceFold(s, old, new string) string {
	if old == "" {
		return s
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(old))
	return re.ReplaceAllLiteralString(s, new)
}

// sentenceAbout is the context's most central sentence sharing the most words with
// topic; "" without context or a match.
func (d *doc) sentenceAbout(topic string) string {
	if d == nil || len(d.sents) == 0 {
		return ""
	}
	want := map[string]bool{}
	for _, t := range tokenize(topic, d.stop) {
		if !t.stop {
			want[stem(t.lower)] = true
		}
	}
	if len(want) == 0 {
		return ""
	}
	ranked := d.rank(d.allSents(), nil)
	best, bestN := "", 0
	for _, si := range ranked {
		n := 0
		for _, t := range d.sents[si].toks {
			if want[stem(t.lower)] {
				n++
			}
		}
		if n > bestN && d.sents[si].words >= 5 {
			best, bestN = d.sents[si].norm, n
		}
	}
	return best
}

// exampleSentences are context sentences that give an example or a number, most central
// first, not already among skip.
func (d *doc) exampleSentences(n int, skip []string) []string {
	if d == nil || len(d.sents) == 0 {
		return nil
	}
	var out []string
	for _, si := range d.rank(d.allSents(), nil) {
		s := d.sents[si].norm
		ls := strings.ToLower(s)
		if containsFold(skip, s) || d.sents[si].words < 5 {
			continue
		}
		if containsAny(ls, "for example", "for instance", "e.g.", "such as", "por ejemplo", "par exemple", "zum beispiel", "z. b.") || numberRe.MatchString(s) {
			out = append(out, s)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// centralSentences are the context's n most central sentences.
func (d *doc) centralSentences(n int) []string {
	var out []string
	for _, si := range d.pick(d.rank(d.allSents(), nil), n) {
		out = append(out, d.sents[si].norm)
	}
	return out
}

func (d *doc) allSents() []int {
	out := make([]int, len(d.sents))
	for i := range out {
		out[i] = i
	}
	return out
}
