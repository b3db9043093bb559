package ai

import (
	"errors"
	"strings"
	"testing"
)

func validBrief() Brief {
	return Brief{Topic: "Ventilation", Title: "Fresh air", Description: "Why and how.", KeyPoints: []string{"Blowers run first."}, TargetAudience: "Entrants"}
}

func validQuestion() Question {
	return Question{Kind: QuestionSingle, Text: "How long does the blower run?", Options: []Option{{Text: "15 minutes", Correct: true}, {Text: "2 minutes"}}}
}

func validCourse() Course {
	b := validBrief()
	return Course{Title: "Confined spaces", Sections: []Section{
		{Title: "Ventilation", Elements: []Element{{Kind: KindLesson, Title: "Fresh air", Brief: &b}}},
		{Title: "Final quiz", Elements: []Element{{Kind: KindQuiz, Title: "Final quiz", Questions: []Question{validQuestion()}}}},
	}}
}

func TestAIValidateCourse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(c *Course)
		want   string // a path in the error; "" for valid
	}{
		{"valid", func(*Course) {}, ""},
		{"no title", func(c *Course) { c.Title = " " }, "/title"},
		{"long title", func(c *Course) { c.Title = strings.Repeat("x", MaxTitle+1) }, "/title"},
		{"no sections", func(c *Course) { c.Sections = nil }, "/sections"},
		{"empty section", func(c *Course) { c.Sections[0].Elements = nil }, "/sections/0/elements"},
		{"lesson without brief", func(c *Course) { c.Sections[0].Elements[0].Brief = nil }, "/sections/0/elements/0/brief"},
		{"brief without key points", func(c *Course) { c.Sections[0].Elements[0].Brief.KeyPoints = nil }, "/sections/0/elements/0/brief/keyPoints"},
		{"quiz with a brief", func(c *Course) { b := validBrief(); c.Sections[1].Elements[0].Brief = &b }, "/sections/1/elements/0/brief"},
		{"empty quiz", func(c *Course) { c.Sections[1].Elements[0].Questions = nil }, "/sections/1/elements/0/questions"},
		{"bad kind", func(c *Course) { c.Sections[0].Elements[0].Kind = "video" }, "/sections/0/elements/0/kind"},
		{"no final quiz", func(c *Course) { c.Sections = c.Sections[:1] }, "/sections/0"},
		{"duplicate tags", func(c *Course) { c.Tags = []string{"a", "a"} }, "/tags/1"},
		{"bad question", func(c *Course) { c.Sections[1].Elements[0].Questions[0].Options = nil }, "/sections/1/elements/0/questions/0/options"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := validCourse()
			tc.mutate(&c)
			err := ValidateCourse(c)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid course: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Path == tc.want {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %+v lack %s", ve.Problems, tc.want)
			}
		})
	}
}

func TestAIValidateQuestion(t *testing.T) {
	t.Parallel()
	opts := func(n int, correct ...int) []Option {
		var out []Option
		for i := 0; i < n; i++ {
			out = append(out, Option{Text: string(rune('a' + i))})
		}
		for _, c := range correct {
			out[c].Correct = true
		}
		return out
	}
	cases := []struct {
		name string
		q    Question
		ok   bool
	}{
		{"single", Question{Kind: QuestionSingle, Text: "Q", Options: opts(4, 2)}, true},
		{"ten options", Question{Kind: QuestionSingle, Text: "Q", Options: opts(10, 0)}, true},
		{"eleven options", Question{Kind: QuestionSingle, Text: "Q", Options: opts(11, 0)}, false},
		{"one option", Question{Kind: QuestionSingle, Text: "Q", Options: opts(1, 0)}, false},
		{"single with two correct", Question{Kind: QuestionSingle, Text: "Q", Options: opts(3, 0, 1)}, false},
		{"single with none correct", Question{Kind: QuestionSingle, Text: "Q", Options: opts(3)}, false},
		{"multiple with two correct", Question{Kind: QuestionMultiple, Text: "Q", Options: opts(3, 0, 1)}, true},
		{"multiple with none", Question{Kind: QuestionMultiple, Text: "Q", Options: opts(3)}, false},
		{"empty text", Question{Kind: QuestionSingle, Text: "", Options: opts(3, 0)}, false},
		{"bad kind", Question{Kind: "open", Text: "Q", Options: opts(3, 0)}, false},
		{"repeated option", Question{Kind: QuestionSingle, Text: "Q", Options: []Option{{Text: "Yes", Correct: true}, {Text: " yes"}}}, false},
		{"empty option", Question{Kind: QuestionSingle, Text: "Q", Options: []Option{{Text: "Yes", Correct: true}, {Text: ""}}}, false},
	}
	for _, tc := range cases {
		if err := ValidateQuestion(tc.q); (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestAIValidateBriefAndSections(t *testing.T) {
	t.Parallel()
	if err := ValidateBrief(validBrief()); err != nil {
		t.Error(err)
	}
	b := validBrief()
	b.TargetAudience = ""
	b.KeyPoints = make([]string, MaxKeyPoints+1)
	err := ValidateBrief(b)
	if err == nil || !strings.Contains(err.Error(), "/targetAudience") || !strings.Contains(err.Error(), "/keyPoints") {
		t.Errorf("error %v", err)
	}
	if err := ValidateSections(nil); err == nil {
		t.Error("no sections accepted")
	}
	if err := ValidateSections(validCourse().Sections[:1]); err != nil {
		t.Errorf("sections without a quiz: %v", err)
	}
}
