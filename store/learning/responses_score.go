package learning

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/store"
)

// ratingScale is the scale of a rating question without options.
const ratingMin, ratingMax = 1, 5

// scoreAnswers checks the answers against the questions and scores them. Each question
// is worth its weight (default 1) and max is their sum. The question shape carries no
// answer key, so an answered single_choice, multiple_choice or text question earns its
// weight; a boolean earns it for true; a rating earns it in proportion to its place on the
// scale (its options, lowest first, or 1–5). Unanswered questions earn nothing.
func scoreAnswers(qs []Question, in []AnswerInput) (out []ScoredAnswer, score, maxScore float64, err error) {
	index := make(map[string]int, len(qs))
	for i, q := range qs {
		index[q.ID] = i
	}
	credit := make([]float64, len(qs))
	answered := make([]bool, len(qs))
	out = make([]ScoredAnswer, 0, len(in))
	var v store.ValidationError
	for i, a := range in {
		p := "/answers/" + strconv.Itoa(i)
		qi, ok := index[a.QuestionID]
		switch {
		case !ok:
			v.Add(p+"/question_id", "the assessment has no question %q", a.QuestionID)
			continue
		case answered[qi]:
			v.Add(p+"/question_id", "question %q is answered more than once", a.QuestionID)
			continue
		}
		answered[qi] = true
		c, problem := answerCredit(qs[qi], a.Value)
		if problem != "" {
			v.Add(p+"/value", "%s", problem)
			continue
		}
		credit[qi] = c
		out = append(out, ScoredAnswer{QuestionID: a.QuestionID, Value: a.Value, Score: c * questionWeight(qs[qi])})
	}
	for i, q := range qs {
		if q.Required && !answered[i] {
			v.Add("/answers", "question %q is required", q.ID)
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, 0, err
	}
	// One pass in question order: every term of score is at most the matching term of
	// maxScore, so score ≤ maxScore holds in floating point too.
	for i, q := range qs {
		w := questionWeight(q)
		maxScore += w
		score += credit[i] * w
	}
	return out, score, maxScore, nil
}

func questionWeight(q Question) float64 {
	if q.Weight == nil {
		return 1
	}
	return *q.Weight
}

// answerCredit checks value against q's type and returns the share (0–1) of q's weight it
// earns, or what is wrong with it.
func answerCredit(q Question, value any) (float64, string) {
	switch q.Type {
	case "single_choice":
		s, ok := value.(string)
		if !ok || !slices.Contains(q.Options, s) {
			return 0, "must be one of the question's options " + quoteList(q.Options)
		}
		return 1, ""
	case "multiple_choice":
		items, ok := value.([]any)
		if !ok || len(items) == 0 {
			return 0, "must be a non-empty array of the question's options " + quoteList(q.Options)
		}
		seen := map[string]bool{}
		for _, it := range items {
			s, ok := it.(string)
			if !ok || !slices.Contains(q.Options, s) {
				return 0, "every item must be one of the question's options " + quoteList(q.Options)
			}
			if seen[s] {
				return 0, fmt.Sprintf("option %q is chosen more than once", s)
			}
			seen[s] = true
		}
		return 1, ""
	case "text":
		s, ok := value.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return 0, "must be a non-empty string"
		}
		if utf8.RuneCountInString(s) > maxTextAnswerLen {
			return 0, "must be at most " + strconv.Itoa(maxTextAnswerLen) + " characters"
		}
		return 1, ""
	case "boolean":
		b, ok := value.(bool)
		if !ok {
			return 0, "must be true or false"
		}
		if b {
			return 1, ""
		}
		return 0, ""
	case "rating":
		if len(q.Options) > 0 {
			s, ok := value.(string)
			i := slices.Index(q.Options, s)
			if !ok || i < 0 {
				return 0, "must be one of the question's options " + quoteList(q.Options)
			}
			if len(q.Options) == 1 {
				return 1, ""
			}
			return float64(i) / float64(len(q.Options)-1), ""
		}
		n, ok := number(value)
		if !ok || n != math.Trunc(n) || n < ratingMin || n > ratingMax {
			return 0, "must be a whole number from " + strconv.Itoa(ratingMin) + " to " + strconv.Itoa(ratingMax)
		}
		return (n - ratingMin) / (ratingMax - ratingMin), ""
	}
	return 0, "the question's type " + q.Type + " cannot be answered"
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func quoteList(opts []string) string {
	q := make([]string, len(opts))
	for i, o := range opts {
		q[i] = strconv.Quote(o)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
