package offline

import (
	"cmp"
	"context"
	"fmt"
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
	lang := orDetect(req.Language, old.Text+" "+strings.Join(optionTexts(old.Options), " "))
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
		n := want
		if harder {
			n = 3 * want // then those that read as the answer does first
		}
		distractors = freshDistractors(req.Context, lang, answer, text, oldDistractors, n, gap)
		if core, _ := stemCore(old.Text); harder && strings.Count(core, "_____") == 1 {
			slices.SortStableFunc(distractors, func(a, b string) int {
				return cmp.Compare(b2i(!articlesAgree(core, []ai.Option{{Text: a}})), b2i(!articlesAgree(core, []ai.Option{{Text: b}})))
			})
		}
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
	if harder {
		// Harder: whole statements that differ only in the fact, so the learner must know
		// the statement, not recognise a word; the stem is no longer the copied sentence.
		if core, _ := stemCore(old.Text); strings.Count(core, "_____") == 1 && len(opts) >= 3 && articlesAgree(core, opts) {
			stmts := make([]ai.Option, len(opts))
			for i, o := range opts {
				stmts[i] = ai.Option{Text: truncate(strings.Replace(core, "_____", o.Text, 1), ai.MaxOption), Correct: o.Correct}
			}
			text, opts = label(lang, lWhichStatement), stmts
		}
	}
	if quote := sourceSentence(req.Context, answer, lang); quote != "" {
		cite(opts, lang, quote)
	} else {
		keepFeedback(opts, old.Options)
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
	core, had := stemCore(text)
	prefixes := []string{label(lang, lCompletes), label(lang, lFillBlank), label(lang, lChooseCorrect)}
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

// articlesAgree: after "a" or "an" every option reads as a singular noun with the
// article's sound, so no statement gives itself away by its grammar ("a LEL", "a silos").
func articlesAgree(core string, opts []ai.Option) bool {
	before := strings.ToLower(prevWord(core[:strings.Index(core, "_____")]))
	if before != "a" && before != "an" {
		return true
	}
	for _, o := range opts {
		w := strings.ToLower(lastWord(o.Text))
		if vowelStart(o.Text) != (before == "an") || isAcronym(firstWord(o.Text)) || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			return false
		}
	}
	return true
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// stemCore is a question's text without the generator's instruction before it ("Fill in
// the blank:"), and that instruction.
func stemCore(text string) (core, had string) {
	core = normalize(text)
	for _, l := range languages {
		for _, p := range []string{label(l, lCompletes), label(l, lFillBlank), label(l, lChooseCorrect)} {
			if strings.HasPrefix(core, p+" ") {
				had = p
				core = strings.TrimSpace(core[len(p):])
			}
		}
	}
	return capitalize(core), had
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sourceSentence is the sentence of the chunks that states answer ("" when none does).
func sourceSentence(chunks []ai.Chunk, answer, lang string) string {
	if len(chunks) == 0 || answer == "" {
		return ""
	}
	low := strings.ToLower(answer)
	for _, s := range analyse(chunks, lang).sents {
		if strings.Contains(strings.ToLower(s.norm), low) {
			return s.norm
		}
	}
	return ""
}

// keepFeedback gives options the feedback the question's old options of the same text
// had (none for an option that is new).
func keepFeedback(opts, old []ai.Option) {
	byText := map[string]string{}
	for _, o := range old {
		byText[strings.ToLower(o.Text)] = o.Feedback
	}
	for i := range opts {
		opts[i].Feedback = byText[strings.ToLower(opts[i].Text)]
	}
}
