package assignments

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/learnd/learnd/store"
)

// TestProgScoreQuiz: a question scores its weight when the options chosen are exactly its
// correct ones; the score is the percentage of the total weight, rounded to two decimals;
// malformed answers are field errors.
func TestProgScoreQuiz(t *testing.T) {
	q1, q2, q3 := uuid.New(), uuid.New(), uuid.New()
	qs := []quizQuestion{
		{id: q1, kind: "single", weight: 1, options: map[string]bool{"a": true, "b": false}},
		{id: q2, kind: "multiple", weight: 2, options: map[string]bool{"a": true, "b": true, "c": false}},
		{id: q3, kind: "single", weight: 3, options: map[string]bool{"x": false, "y": true}},
	}
	cases := []struct {
		name     string
		answers  []ProgressAnswer
		score    float64
		pointers []string
	}{
		{"none", nil, 0, nil},
		{"all right", []ProgressAnswer{{q1, []string{"a"}}, {q2, []string{"b", "a"}}, {q3, []string{"y"}}}, 100, nil},
		{"one of three", []ProgressAnswer{{q1, []string{"a"}}}, 16.67, nil},
		{"subset is wrong", []ProgressAnswer{{q2, []string{"a"}}, {q3, []string{"y"}}}, 50, nil},
		{"superset is wrong", []ProgressAnswer{{q2, []string{"a", "b", "c"}}}, 0, nil},
		{"repeated option counts once", []ProgressAnswer{{q1, []string{"a", "a"}}}, 16.67, nil},
		{"unknown question", []ProgressAnswer{{uuid.New(), []string{"a"}}}, 0, []string{"/answers/0/questionId"}},
		{"twice", []ProgressAnswer{{q1, []string{"a"}}, {q1, []string{"b"}}}, 16.67, []string{"/answers/1/questionId"}},
		{"unknown option", []ProgressAnswer{{q3, []string{"z"}}}, 0, []string{"/answers/0/optionIds/0"}},
		{"two on a single", []ProgressAnswer{{q1, []string{"a", "b"}}}, 0, []string{"/answers/0/optionIds"}},
	}
	for _, tc := range cases {
		v := &store.ValidationError{}
		got := scoreQuiz(qs, tc.answers, v)
		if got != tc.score {
			t.Errorf("%s: score %v, want %v", tc.name, got, tc.score)
		}
		var ptrs []string
		for _, f := range v.Fields {
			ptrs = append(ptrs, f.Pointer)
		}
		if !slices.Equal(ptrs, tc.pointers) {
			t.Errorf("%s: pointers %v, want %v", tc.name, ptrs, tc.pointers)
		}
	}
}

// TestAsgStatus: the status order is scheduled, completed, overdue, in_progress, assigned.
func TestAsgStatus(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	past, future := at.Add(-time.Hour), at.Add(time.Hour)
	cases := []struct {
		start, due, started, completed *time.Time
		want                           string
	}{
		{nil, nil, nil, nil, AssignmentAssigned},
		{&future, nil, nil, nil, AssignmentScheduled},
		{&past, nil, nil, nil, AssignmentAssigned},
		{nil, &past, nil, nil, AssignmentOverdue},
		{nil, &future, &past, nil, AssignmentInProgress},
		{nil, &past, &past, nil, AssignmentOverdue},
		{nil, &past, &past, &past, AssignmentCompleted},
		{&at, &future, nil, nil, AssignmentAssigned}, // the start instant itself is active
	}
	for i, tc := range cases {
		if got := assignmentStatus(at, tc.start, tc.due, tc.started, tc.completed); got != tc.want {
			t.Errorf("case %d: %s, want %s", i, got, tc.want)
		}
	}
}

// TestCertNumber: LD-<year>-<ten characters>, distinct for distinct ids.
func TestCertNumber(t *testing.T) {
	ts := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for range 1000 {
		n := certificateNumber(uuid.Must(uuid.NewV7()), ts)
		if len(n) != len("LD-2026-")+10 || n[:8] != "LD-2026-" {
			t.Fatalf("number %q", n)
		}
		if seen[n] {
			t.Fatalf("number %q repeated", n)
		}
		seen[n] = true
	}
}
