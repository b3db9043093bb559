package courses_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/storetest"
)

// coursesDraft is a two-section course: Basics (a lesson, then a quiz of one question)
// and Practice (a survey).
func coursesDraft(chunk uuid.UUID) courses.CourseDraft {
	return courses.CourseDraft{
		Name: "Generated", Tags: []string{"ai"},
		Sections: []courses.SectionDraft{
			{Title: "Basics", Elements: []courses.ElementDraft{
				{Kind: courses.ElementLesson, Title: "Intro", Brief: &courses.LessonBrief{Topic: "Safety", KeyPoints: []string{"One"}},
					Pages: []courses.LessonPage{{Title: "P1", Body: "Body"}}},
				{Kind: courses.ElementQuiz, Title: "Check", Questions: []courses.QuestionDraft{
					{Kind: courses.QuestionSingle, Text: "Q1", Options: []courses.OptionDraft{{Text: "A", Correct: true, Feedback: "Right: the text says A."}, {Text: "B"}}, SourceChunkID: &chunk},
				}},
			}},
			{Title: "Practice", Elements: []courses.ElementDraft{{Kind: courses.ElementSurvey, Title: "Feedback"}}},
		},
		Transitions: []courses.TransitionDraft{{From: courses.ElementRef{Section: 0, Element: 0}, To: courses.ElementRef{Section: 1, Element: 0}}},
		LinkInOrder: true,
	}
}

func coursesEdgeSet(c *courses.Course) map[[2]string]bool {
	title := map[uuid.UUID]string{}
	for _, s := range c.Sections {
		for _, e := range s.Elements {
			title[e.ID] = e.Title
		}
	}
	out := map[[2]string]bool{}
	for _, tr := range c.Transitions {
		out[[2]string{title[tr.From], title[tr.To]}] = true
	}
	return out
}

// TestCoursesCreateWithStructure: a draft becomes a course with its whole structure in
// one transaction (the entry point of course generation); a draft breaking a rule is a
// ValidationError pointing into it and stores nothing; learners cannot create.
func TestCoursesCreateWithStructure(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("t1", "", auth.RoleManager)
	chunk := uuid.New()
	c, err := courses.New(st).Courses().CreateWithStructure(ctx, coursesDraft(chunk))
	if err != nil {
		t.Fatal(err)
	}
	got, err := courses.New(st).Courses().Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := auth.FromContext(ctx)
	if got.Status != courses.CourseStatusDraft || got.OwnerID != p.PersonID || got.Version != 1 || got.Settings != courses.DefaultCourseSettings() {
		t.Errorf("course = %+v", got)
	}
	if len(got.Sections) != 2 || len(got.Sections[0].Elements) != 2 || got.Sections[1].Elements[0].Title != "Feedback" || got.Sections[1].Position != 1 {
		t.Fatalf("sections = %+v", got.Sections)
	}
	lesson, quiz := got.Sections[0].Elements[0], got.Sections[0].Elements[1]
	if lesson.Brief == nil || lesson.Brief.Topic != "Safety" || !lesson.Required || len(lesson.Pages) != 1 || quiz.Position != 1 {
		t.Errorf("elements = %+v %+v", lesson, quiz)
	}
	q := quiz.Questions[0]
	if q.Weight != 1 || q.SourceChunkID == nil || *q.SourceChunkID != chunk ||
		!reflect.DeepEqual(q.Options, []courses.QuizOption{{ID: "o1", Text: "A", Correct: true, Feedback: "Right: the text says A."}, {ID: "o2", Text: "B"}}) {
		t.Errorf("question = %+v", q)
	}
	want := map[[2]string]bool{{"Intro", "Check"}: true, {"Check", "Feedback"}: true, {"Intro", "Feedback"}: true}
	if e := coursesEdgeSet(got); !reflect.DeepEqual(e, want) {
		t.Errorf("transitions = %v, want %v", e, want)
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE tenant_id = 't1' AND action = 'course.create'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit entries = %d (%v)", n, err)
	}

	bad := coursesDraft(chunk)
	bad.Sections[0].Elements[1].Questions[0].Options[1].Correct = true
	bad.Sections[0].Elements[1].Brief = &courses.LessonBrief{Topic: "x"}
	bad.Sections[1].Elements[0].Questions = bad.Sections[0].Elements[1].Questions
	bad.Transitions = append(bad.Transitions, courses.TransitionDraft{From: courses.ElementRef{Section: 0, Element: 0}, To: courses.ElementRef{Section: 5, Element: 0}})
	_, err = courses.New(st).Courses().CreateWithStructure(ctx, bad)
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("bad draft: %v", err)
	}
	pointers := map[string]bool{}
	for _, f := range ve.Fields {
		pointers[f.Pointer] = true
	}
	for _, ptr := range []string{"/sections/0/elements/1/questions/0/options", "/sections/0/elements/1/brief", "/sections/1/elements/0/questions", "/transitions/1/to"} {
		if !pointers[ptr] {
			t.Errorf("no error at %s: %v", ptr, ve.Fields)
		}
	}
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM courses`).Scan(&n); err != nil || n != 1 {
		t.Errorf("courses after a refused draft = %d (%v)", n, err)
	}
	if _, err := courses.New(st).Courses().CreateWithStructure(storetest.As("t1", "", auth.RoleLearner), coursesDraft(chunk)); !errors.Is(err, courses.ErrCourseAccess) {
		t.Errorf("learner create: %v", err)
	}
}

// TestCoursesAppendSections: refinement appends sections after the existing ones and
// continues the path from the last element; nothing existing changes; only editors of
// the course may append.
func TestCoursesAppendSections(t *testing.T) {
	t.Parallel()
	st := coursesStore(t)
	ctx := storetest.As("t1", "", auth.RoleManager)
	c, err := courses.New(st).Courses().CreateWithStructure(ctx, coursesDraft(uuid.New()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := courses.New(st).Courses().AppendSections(ctx, c.ID, &c.Version, []courses.SectionDraft{{Title: "Emergencies", Elements: []courses.ElementDraft{
		{Kind: courses.ElementLesson, Title: "Rescue"},
		{Kind: courses.ElementQuiz, Title: "Rescue quiz", Questions: []courses.QuestionDraft{
			{Kind: courses.QuestionMultiple, Text: "Q", Options: []courses.OptionDraft{{Text: "A", Correct: true}, {Text: "B", Correct: true}}}}},
	}}}, nil, courses.AppendMode{LinkInOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.ElementsAdded != 2 || res.TransitionsAdded != 2 || res.Course.Version != 2 {
		t.Errorf("append result = %d elements, %d transitions, version %d", res.ElementsAdded, res.TransitionsAdded, res.Course.Version)
	}
	got, err := courses.New(st).Courses().Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sections) != 3 || got.Sections[2].Title != "Emergencies" || got.Sections[2].Position != 2 || got.Sections[0].Elements[0].ID != c.Sections[0].Elements[0].ID {
		t.Errorf("sections after append = %+v", got.Sections)
	}
	e := coursesEdgeSet(got)
	for _, w := range [][2]string{{"Feedback", "Rescue"}, {"Rescue", "Rescue quiz"}, {"Intro", "Check"}} {
		if !e[w] {
			t.Errorf("no transition %v in %v", w, e)
		}
	}
	stale := 1
	if _, err := courses.New(st).Courses().AppendSections(ctx, c.ID, &stale, []courses.SectionDraft{{Title: "Late"}}, nil, courses.AppendMode{}); err == nil {
		t.Error("append with a stale version succeeded")
	}
	other := storetest.As("t1", "", auth.RoleManager)
	if _, err := courses.New(st).Courses().AppendSections(other, c.ID, nil, []courses.SectionDraft{{Title: "Not mine"}}, nil, courses.AppendMode{}); !errors.Is(err, courses.ErrCourseAccess) {
		t.Errorf("another manager appends: %v", err)
	}
	if _, err := courses.New(st).Courses().AppendSections(storetest.As("t2", "", auth.RoleOwner), c.ID, nil, []courses.SectionDraft{{Title: "Foreign"}}, nil, courses.AppendMode{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another tenant appends: %v", err)
	}
}

func coursesStore(t *testing.T) *store.Store {
	t.Helper()
	st, _ := storetest.OpenWithConn(t)
	return st
}

// TestCoursesAppendBeforeFinalQuiz: sections a refinement adds go before a course's final
// quiz and into the learner's path (the link that skipped them is gone); a closing survey
// goes after the quiz; a course whose last section is not a quiz gets them at the end.
func TestCoursesAppendBeforeFinalQuiz(t *testing.T) {
	t.Parallel()
	st := coursesStore(t)
	ctx := storetest.As("t1", "", auth.RoleManager)
	q := []courses.QuestionDraft{{Kind: courses.QuestionSingle, Text: "Q1", Options: []courses.OptionDraft{{Text: "A", Correct: true}, {Text: "B"}}}}
	c, err := courses.New(st).Courses().CreateWithStructure(ctx, courses.CourseDraft{Name: "With a final quiz", Sections: []courses.SectionDraft{
		{Title: "Basics", Elements: []courses.ElementDraft{{Kind: courses.ElementLesson, Title: "Intro"}}},
		{Title: "Final quiz", Elements: []courses.ElementDraft{{Kind: courses.ElementQuiz, Title: "Final", Questions: q}}},
	}, LinkInOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	mode := courses.AppendMode{LinkInOrder: true, BeforeFinalQuiz: true}
	res, err := courses.New(st).Courses().AppendSections(ctx, c.ID, &c.Version, []courses.SectionDraft{{Title: "Emergencies", Elements: []courses.ElementDraft{
		{Kind: courses.ElementLesson, Title: "Rescue"}, {Kind: courses.ElementLesson, Title: "Evacuation"}}}}, nil, mode)
	if err != nil {
		t.Fatal(err)
	}
	got, err := courses.New(st).Courses().Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for i, s := range got.Sections {
		titles = append(titles, s.Title)
		if s.Position != i {
			t.Errorf("section %q at position %d, want %d", s.Title, s.Position, i)
		}
	}
	if !slices.Equal(titles, []string{"Basics", "Emergencies", "Final quiz"}) {
		t.Errorf("sections %q, want the new one before the final quiz", titles)
	}
	e := coursesEdgeSet(got)
	for _, w := range [][2]string{{"Intro", "Rescue"}, {"Rescue", "Evacuation"}, {"Evacuation", "Final"}} {
		if !e[w] {
			t.Errorf("no transition %v in %v", w, e)
		}
	}
	if e[[2]string{"Intro", "Final"}] || len(got.Transitions) != 3 || res.TransitionsAdded != 3 {
		t.Errorf("transitions %v (%d added): the path should run through the new section only", e, res.TransitionsAdded)
	}
	if got.Sections[2].Elements[0].ID != c.Sections[1].Elements[0].ID || got.Sections[0].Elements[0].ID != c.Sections[0].Elements[0].ID {
		t.Error("existing elements changed")
	}
	// A closing survey goes after the final quiz.
	if _, err := courses.New(st).Courses().AppendSections(ctx, c.ID, nil, []courses.SectionDraft{{Title: "Feedback", Elements: []courses.ElementDraft{{Kind: courses.ElementSurvey, Title: "Survey"}}}}, nil, mode); err != nil {
		t.Fatal(err)
	}
	got, err = courses.New(st).Courses().Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Sections); n != 4 || got.Sections[n-1].Title != "Feedback" || got.Sections[n-2].Title != "Final quiz" {
		t.Errorf("survey placed at %+v", got.Sections)
	}
	if !coursesEdgeSet(got)[[2]string{"Final", "Survey"}] {
		t.Error("the survey does not follow the final quiz")
	}
}
