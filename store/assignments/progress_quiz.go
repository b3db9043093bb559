package assignments

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// quizQuestion is a quiz question as scoring sees it.
type quizQuestion struct {
	id      uuid.UUID
	kind    string
	weight  float64
	options map[string]bool // option id → correct
}

// quizOption is one stored option of a question (courses store {id, text, correct}).
type quizOption struct {
	ID      json.RawMessage `json:"id"`
	Correct bool            `json:"correct"`
}

func optionKey(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw) // a numeric id
}

func quizQuestions(t *store.Tx, element uuid.UUID) ([]quizQuestion, error) {
	rows, err := t.Query(`SELECT id, kind, weight, options FROM quiz_questions WHERE tenant_id = learnd_tenant() AND element_id = $1 ORDER BY position, id`, element)
	if err != nil {
		return nil, err
	}
	var out []quizQuestion
	var q quizQuestion
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&q.id, &q.kind, &q.weight, &raw}, func() error {
		var opts []quizOption
		if err := json.Unmarshal(raw, &opts); err != nil {
			return fmt.Errorf("question %s options: %w", q.id, err)
		}
		qq := q
		qq.options = make(map[string]bool, len(opts))
		for _, o := range opts {
			qq.options[optionKey(o.ID)] = o.Correct
		}
		out = append(out, qq)
		return nil
	})
	return out, err
}

// scoreQuiz checks the answers against the quiz's questions and returns the score in
// percent of the total weight (two decimals).
func scoreQuiz(questions []quizQuestion, answers []ProgressAnswer, v *store.ValidationError) float64 {
	byID := make(map[uuid.UUID]quizQuestion, len(questions))
	var total float64
	for _, q := range questions {
		byID[q.id] = q
		total += q.weight
	}
	seen := map[uuid.UUID]bool{}
	var got float64
	for i, a := range answers {
		ptr := "/answers/" + strconv.Itoa(i)
		q, ok := byID[a.QuestionID]
		if !ok {
			v.Add(ptr+"/questionId", "not a question of this quiz")
			continue
		}
		if seen[a.QuestionID] {
			v.Add(ptr+"/questionId", "answered twice")
			continue
		}
		seen[a.QuestionID] = true
		chosen := map[string]bool{}
		bad := false
		for j, o := range a.OptionIDs {
			if _, ok := q.options[o]; !ok {
				v.Add(ptr+"/optionIds/"+strconv.Itoa(j), "not an option of this question")
				bad = true
			}
			chosen[o] = true
		}
		if q.kind == "single" && len(chosen) > 1 {
			v.Add(ptr+"/optionIds", "a single-choice question takes one option")
			bad = true
		}
		if bad {
			continue
		}
		right := true
		for id, correct := range q.options {
			if correct != chosen[id] {
				right = false
				break
			}
		}
		if right {
			got += q.weight
		}
	}
	if total == 0 {
		return 0
	}
	return math.Round(got/total*10000) / 100
}
