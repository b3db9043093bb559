package materials_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
)

// TestGenerationValidate: the request rules.
func TestGenerationValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in  materials.NewGenerationJob
		ptr string
	}{
		{materials.NewGenerationJob{Prompt: " "}, "/prompt"},
		{materials.NewGenerationJob{Prompt: strings.Repeat("x", materials.MaxGenerationPrompt+1)}, "/prompt"},
		{materials.NewGenerationJob{Prompt: "x", Options: materials.GenerationOptions{Modules: 21}}, "/options/modules"},
		{materials.NewGenerationJob{Prompt: "x", Options: materials.GenerationOptions{Language: "EN"}}, "/options/language"},
		{materials.NewGenerationJob{Prompt: "x", Options: materials.GenerationOptions{Title: "  "}}, "/options/title"},
	} {
		var ve *store.ValidationError
		if err := materials.ValidateGeneration(c.in); !errors.As(err, &ve) || ve.Fields[0].Pointer != c.ptr {
			t.Errorf("%+v: %v, want a ValidationError at %s", c.in.Options, err, c.ptr)
		}
	}
	if err := materials.ValidateGeneration(materials.NewGenerationJob{Prompt: "ok", Options: materials.GenerationOptions{Modules: 20, Language: "fr", Title: "T"}}); err != nil {
		t.Errorf("valid request: %v", err)
	}
}

// TestGenerationMapping: a generated outline maps to a draft (title override, trimmed and
// de-duplicated tags, empty key points dropped) and a stored course back to an outline.
func TestGenerationMapping(t *testing.T) {
	t.Parallel()
	d := materials.CourseDraftFromAI(genOutline(nil), "Override")
	if d.Name != "Override" || strings.Join(d.Tags, ",") != "safety" || !d.LinkInOrder || d.Annotation == nil || *d.Annotation != "About it." {
		t.Errorf("draft = %+v", d)
	}
	if b := d.Sections[0].Elements[0].Brief; b == nil || strings.Join(b.KeyPoints, "|") != "one" {
		t.Errorf("brief = %+v", b)
	}
	if d := materials.CourseDraftFromAI(genOutline(nil), ""); d.Name != "Generated course" {
		t.Errorf("name without override = %q", d.Name)
	}
	c := &courses.Course{Name: "C", Tags: []string{"a"}, Sections: []courses.CourseSection{{Title: "S", Elements: []courses.CourseElement{
		{Kind: courses.ElementLesson, Title: "L", Brief: &courses.LessonBrief{Topic: "T", KeyPoints: []string{"k"}}},
		{Kind: courses.ElementQuiz, Title: "Q", Questions: []courses.QuizQuestion{{Kind: courses.QuestionSingle, Text: "?", Options: []courses.QuizOption{{ID: "o1", Text: "A", Correct: true}}}}},
	}}}}
	o := materials.AICourse(c)
	if o.Title != "C" || len(o.Sections) != 1 || o.Sections[0].Elements[0].Brief.Topic != "T" || !o.Sections[0].Elements[1].Questions[0].Options[0].Correct {
		t.Errorf("outline = %+v", o)
	}
}
