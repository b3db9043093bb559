package offline

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/learnd/learnd/ai"
)

// quiz picks n questions for the modules, taking turns across the modules so the quiz
// covers the whole course. Each module offers candidates of every kind (kinds.go): a
// blanked fact, true or false on a fact, a procedure's order, a table row, a term's
// definition; within a module the best candidate comes first, each kind already asked
// counting against it so the quiz varies. Every candidate must pass the quality gate
// (ai.Gate) against the chunk it cites. avoid holds answers and question texts not to
// reuse (lowercase).
func (d *doc) quiz(mods []*module, n int, avoid map[string]bool) []ai.Question {
	var all []int
	for _, m := range mods {
		all = append(all, m.sents...)
	}
	terms := map[string]keyphrase{}
	for _, k := range d.keyphrases(all, 60) {
		terms[k.key] = k
	}
	if avoid == nil {
		avoid = map[string]bool{}
	}
	perFacts := make([][]fact, len(mods))
	var every []fact
	for i, m := range mods {
		fs := d.extractFacts(m.sents, terms)
		for j := range fs {
			fs[j].weight *= 0.2 + d.sents[fs[j].sent].weight
		}
		perFacts[i] = fs
		every = append(every, fs...)
	}
	pool := makePools(every)
	sources := make(map[uuid.UUID]string, len(d.chunks))
	for _, c := range d.chunks {
		sources[c.ID] = c.Text
	}
	type cand struct {
		candidate
		sent int // -1 when not one sentence's
	}
	perModule := make([][]cand, len(mods))
	for i, m := range mods {
		var cs []cand
		for _, f := range perFacts[i] {
			if q, ok := d.question(f, pool, label(d.lang, lFillBlank), 3, nil, 0.15); ok {
				cs = append(cs, cand{candidate{q: q, kind: "cloze-" + factKind(f.class), weight: f.weight, answer: strings.ToLower(f.answer)}, f.sent})
			}
			if c, ok := d.trueFalse(f, pool, avoid); ok {
				cs = append(cs, cand{c, f.sent})
			}
		}
		for _, c := range d.definitionQuestions(perFacts[i]) {
			cs = append(cs, cand{c, -1})
		}
		for _, c := range append(d.procedureQuestions(m), d.tableQuestions(m)...) {
			cs = append(cs, cand{c, -1})
		}
		kept := cs[:0]
		for _, c := range cs {
			if c.q.SourceChunkID != nil && ai.Gate(c.q, sources[*c.q.SourceChunkID]) == "" && ai.ValidateQuestion(c.q) == nil {
				kept = append(kept, c)
			}
		}
		slices.SortStableFunc(kept, func(a, b cand) int { return cmp.Compare(b.weight, a.weight) })
		perModule[i] = kept
	}
	usedSent := map[int]bool{}
	kinds := map[string]int{} // questions per kind so far, to vary the quiz
	var out []ai.Question
	done := make([][]bool, len(mods))
	for i := range mods {
		done[i] = make([]bool, len(perModule[i]))
	}
	for progress := true; progress && len(out) < n; {
		progress = false
		for i := range mods {
			for len(out) < n {
				best, bestW := -1, 0.0
				for j, c := range perModule[i] {
					if done[i][j] {
						continue
					}
					if w := c.weight * math.Pow(0.5, float64(kinds[c.kind])); best < 0 || w > bestW {
						best, bestW = j, w
					}
				}
				if best < 0 {
					break
				}
				done[i][best] = true
				c := perModule[i][best]
				if c.sent >= 0 && usedSent[c.sent] || avoid[c.answer] || avoid[strings.ToLower(c.q.Text)] {
					continue
				}
				if c.sent >= 0 {
					usedSent[c.sent] = true
				}
				avoid[c.answer] = true
				avoid[strings.ToLower(c.q.Text)] = true
				kinds[c.kind]++
				out = append(out, c.q)
				progress = true
				break
			}
		}
	}
	return out
}

// factKind groups fact classes: numbers, definitions, names and acronyms, terms.
func factKind(class string) string {
	switch class {
	case classDefinition, classTerm:
		return class
	case classAcronym, className:
		return "name"
	}
	return "number"
}

// outlineQuestionsOn are conceptual questions about a course's outline, for a refinement
// when the text offers no facts: which key point belongs to a lesson, which module covers
// a key point (options are the course's own key points and titles). It asks only about
// the sections focus accepts (nil: all), and skips question texts in avoid (lowercase).
func outlineQuestionsOn(lang string, secs []ai.Section, n int, focus func(sec int) bool, avoid map[string]bool) []ai.Question {
	type lesson struct {
		sec    int
		title  string
		points []string
	}
	var ls []lesson
	for si, s := range secs {
		for _, e := range s.Elements {
			if e.Kind == ai.KindLesson && e.Brief != nil {
				var pts []string
				for _, p := range e.Brief.KeyPoints {
					if !strings.HasPrefix(p, label(lang, lKeyTerms)) {
						pts = append(pts, p)
					}
				}
				ls = append(ls, lesson{si, e.Title, pts})
			}
		}
	}
	var out []ai.Question
	seen := map[string]bool{}
	for round := 0; len(out) < n && round < 6; round++ {
		added := false
		for li, l := range ls {
			if len(out) >= n || round >= len(l.points) || focus != nil && !focus(l.sec) {
				continue
			}
			point := l.points[round]
			var q ai.Question
			if (li+round)%2 == 0 {
				// Which of these is a key point of lesson X?
				opts := []ai.Option{{Text: truncate(point, ai.MaxOption), Correct: true}}
				for k := 1; k < len(ls) && len(opts) < 4; k++ {
					o := ls[(li+k)%len(ls)]
					// Distractors come from other modules; a one-module outline uses its other lessons.
					if o.sec == l.sec && len(secs) > 1 || len(o.points) == 0 {
						continue
					}
					opts = append(opts, ai.Option{Text: truncate(o.points[(round+k)%len(o.points)], ai.MaxOption)})
				}
				q = ai.Question{Kind: ai.QuestionSingle, Text: truncate(fmt.Sprintf(label(lang, lKeyPointOf), l.title), ai.MaxQuestion), Options: opts}
			} else {
				// Which module covers this key point?
				opts := []ai.Option{{Text: secs[l.sec].Title, Correct: true}}
				for k := 1; k < len(secs) && len(opts) < 4; k++ {
					o := secs[(l.sec+k)%len(secs)]
					opts = append(opts, ai.Option{Text: o.Title})
				}
				q = ai.Question{Kind: ai.QuestionSingle, Text: truncate(fmt.Sprintf(label(lang, lWhichModule), point), ai.MaxQuestion), Options: opts}
			}
			if len(q.Options) < 2 || seen[q.Text] || avoid[strings.ToLower(q.Text)] || ai.ValidateQuestion(q) != nil {
				continue
			}
			seen[q.Text] = true
			shuffle(q.Options, q.Text)
			out = append(out, q)
			added = true
		}
		if !added && round > 0 {
			break
		}
	}
	return out
}
