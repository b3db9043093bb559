package learning

import (
	"errors"
	"strings"
	"testing"

	"github.com/learnd/learnd/store"
)

func TestScoreAnswers(t *testing.T) {
	t.Parallel()
	w := func(f float64) *float64 { return &f }
	qs := []Question{
		{ID: "single", Type: "single_choice", Options: []string{"a", "b"}, Weight: w(2), Required: true},
		{ID: "multi", Type: "multiple_choice", Options: []string{"x", "y", "z"}, Weight: w(3)},
		{ID: "text", Type: "text"}, // weight defaults to 1
		{ID: "bool", Type: "boolean", Weight: w(4)},
		{ID: "scale", Type: "rating", Options: []string{"poor", "fair", "good"}, Weight: w(10)},
		{ID: "stars", Type: "rating", Weight: w(8)},
	}
	const maxAll = 2 + 3 + 1 + 4 + 10 + 8
	tests := []struct {
		name      string
		in        []AnswerInput
		score     float64
		perAnswer []float64
		pointers  []string // non-empty: a validation error naming these pointers
	}{
		{name: "everything, best answers",
			in: []AnswerInput{{"single", "b"}, {"multi", []any{"x", "z"}}, {"text", "because"}, {"bool", true},
				{"scale", "good"}, {"stars", float64(5)}},
			score: maxAll, perAnswer: []float64{2, 3, 1, 4, 10, 8}},
		{name: "graded answers",
			in:    []AnswerInput{{"single", "a"}, {"bool", false}, {"scale", "fair"}, {"stars", float64(2)}},
			score: 2 + 0 + 5 + 2, perAnswer: []float64{2, 0, 5, 2}},
		{name: "only the required one", in: []AnswerInput{{"single", "a"}}, score: 2, perAnswer: []float64{2}},
		{name: "required missing", in: []AnswerInput{{"text", "hi"}}, pointers: []string{"/answers"}},
		{name: "unknown question", in: []AnswerInput{{"single", "a"}, {"nope", "a"}}, pointers: []string{"/answers/1/question_id"}},
		{name: "answered twice", in: []AnswerInput{{"single", "a"}, {"single", "b"}}, pointers: []string{"/answers/1/question_id"}},
		{name: "wrong shapes",
			in: []AnswerInput{{"single", "c"}, {"multi", []any{"x", "x"}}, {"text", "  "}, {"bool", "yes"},
				{"scale", "great"}, {"stars", float64(6)}},
			pointers: []string{"/answers/0/value", "/answers/1/value", "/answers/2/value", "/answers/3/value", "/answers/4/value", "/answers/5/value"}},
		{name: "empty multiple choice and fractional stars",
			in:       []AnswerInput{{"single", "a"}, {"multi", []any{}}, {"stars", 2.5}},
			pointers: []string{"/answers/1/value", "/answers/2/value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, score, maxScore, err := scoreAnswers(qs, tt.in)
			if len(tt.pointers) > 0 {
				var ve *store.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("err = %v, want a validation error", err)
				}
				var got []string
				for _, f := range ve.Fields {
					got = append(got, f.Pointer)
				}
				if strings.Join(got, " ") != strings.Join(tt.pointers, " ") {
					t.Fatalf("pointers = %v, want %v (%v)", got, tt.pointers, ve)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if score != tt.score || maxScore != maxAll {
				t.Fatalf("score %v / %v, want %v / %v", score, maxScore, tt.score, float64(maxAll))
			}
			if len(out) != len(tt.perAnswer) {
				t.Fatalf("%d scored answers, want %d", len(out), len(tt.perAnswer))
			}
			for i, a := range out {
				if a.Score != tt.perAnswer[i] || a.QuestionID != tt.in[i].QuestionID {
					t.Errorf("answer %d = %s %v, want %s %v", i, a.QuestionID, a.Score, tt.in[i].QuestionID, tt.perAnswer[i])
				}
			}
		})
	}
}

func TestRoundPct(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ part, whole, want float64 }{{1, 3, 33.3}, {2, 3, 66.7}, {3, 3, 100}, {0, 7, 0}, {1, 8, 12.5}} {
		if got := roundPct(tt.part, tt.whole); got != tt.want {
			t.Errorf("roundPct(%v, %v) = %v, want %v", tt.part, tt.whole, got, tt.want)
		}
	}
}
