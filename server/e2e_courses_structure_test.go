package server_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ECoursesStructure: sections, elements, transitions and questions are created,
// changed, moved and deleted; every write bumps the course version, honours If-Match and
// is audited with before/after; deleting an element or a section heals the path.
func TestE2ECoursesStructure(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Structure")
	id := b.course.Id
	names := map[string]string{b.lesson: "lesson", b.quiz: "quiz", b.survey: "survey"}
	edges := func() map[string]bool {
		t.Helper()
		c, err := m.C.LMS.Courses.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return coursesEdges(c.Structure.Transitions, names)
	}
	if got, want := edges(), map[string]bool{"lesson>quiz": true, "quiz>survey": true}; !reflect.DeepEqual(got, want) {
		t.Fatalf("built transitions = %v, want %v", got, want)
	}
	v := coursesVersion(t, db, id)

	// Sections: rename and move; a stale If-Match changes nothing.
	sec, err := m.C.LMS.Courses.UpdateSection(ctx, id, b.wrapUp, &client.UpdateCourseSectionParams{IfMatch: e2eIfMatch(v)},
		client.CourseSectionPatch{Title: e2ePtr("Finish"), Position: e2ePtr(0)})
	if err != nil {
		t.Fatal(err)
	}
	if sec.Title != "Finish" || sec.Position != 0 || len(sec.Elements) != 1 || sec.Elements[0].Id != b.survey {
		t.Errorf("updated section = %+v", sec)
	}
	a := coursesLastAudit(t, db, "acme", "course.section.update", "course_section", b.wrapUp, m.ID)
	if a.Before["title"] != "Wrap-up" || a.After["title"] != "Finish" || a.Before["position"] != 1.0 || a.After["position"] != 0.0 {
		t.Errorf("section audit before %v after %v", a.Before, a.After)
	}
	_, err = m.C.LMS.Courses.UpdateSection(ctx, id, b.wrapUp, &client.UpdateCourseSectionParams{IfMatch: e2eIfMatch(v)}, client.CourseSectionPatch{Title: e2ePtr("Stale")})
	e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale section update")
	if got := coursesVersion(t, db, id); got != v+1 {
		t.Errorf("version %d, want %d", got, v+1)
	}
	c, err := m.C.LMS.Courses.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Structure.Sections[0].Title != "Finish" || c.Structure.Sections[1].Id != b.basics || c.Structure.Sections[1].Position != 1 {
		t.Errorf("sections after move = %+v", c.Structure.Sections)
	}
	// Move it back for the rest.
	if _, err := m.C.LMS.Courses.UpdateSection(ctx, id, b.wrapUp, nil, client.CourseSectionPatch{Position: e2ePtr(99)}); err != nil {
		t.Fatal(err)
	}

	// Elements: patch, clear the brief, move between sections.
	el, err := m.C.LMS.Courses.UpdateElement(ctx, id, b.lesson, nil, client.CourseElementPatch{Title: e2ePtr("Daily inspection"),
		Required: e2ePtr(false), Brief: nullable.NewNullNullable[client.LessonBrief](), Pages: &client.LessonPages{{Title: "New", Body: "Body"}}})
	if err != nil {
		t.Fatal(err)
	}
	if el.Title != "Daily inspection" || el.Required || el.Brief != nil || len(el.Pages) != 1 || el.Pages[0].Title != "New" {
		t.Errorf("updated element = %+v", el)
	}
	a = coursesLastAudit(t, db, "acme", "course.element.update", "course_element", b.lesson, m.ID)
	if a.Before["title"] != "Inspection" || a.After["title"] != "Daily inspection" || a.Before["brief"] == nil || a.After["brief"] != nil {
		t.Errorf("element audit before %v after %v", a.Before, a.After)
	}
	moved, err := m.C.LMS.Courses.UpdateElement(ctx, id, b.quiz, nil, client.CourseElementPatch{SectionId: e2ePtr(b.wrapUp), Position: e2ePtr(0)})
	if err != nil {
		t.Fatal(err)
	}
	if moved.SectionId != b.wrapUp || moved.Position != 0 {
		t.Errorf("moved element = %+v", moved)
	}
	c, _ = m.C.LMS.Courses.Get(ctx, id)
	if got, want := coursesElementIDs(c), []string{b.lesson, b.quiz, b.survey}; !reflect.DeepEqual(got, want) {
		t.Errorf("order after move = %v, want %v", got, want)
	}
	if c.Structure.Sections[1].Elements[1].Position != 1 || len(c.Structure.Sections[0].Elements) != 1 {
		t.Errorf("positions after move = %+v", c.Structure.Sections)
	}
	_, err = m.C.LMS.Courses.UpdateElement(ctx, id, b.lesson, nil, client.CourseElementPatch{SectionId: e2ePtr("sec_01jd8x4k2m3n5p6q7r8s9t0v2a")})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "move to an unknown section")
	_, err = m.C.LMS.Courses.UpdateElement(ctx, id, b.quiz, nil, client.CourseElementPatch{Brief: nullable.NewNullableWithValue(client.LessonBrief{Topic: e2ePtr("x")})})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "brief on a quiz")

	// Transitions: add, duplicate, self, foreign element, delete.
	tr, err := m.C.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: b.lesson, ToElementId: b.survey})
	if err != nil {
		t.Fatal(err)
	}
	if tr.FromElementId != b.lesson || tr.ToElementId != b.survey {
		t.Errorf("transition = %+v", tr)
	}
	target := b.lesson + ">" + b.survey
	a = coursesLastAudit(t, db, "acme", "course.transition.create", "course_transition", target, m.ID)
	if a.Before != nil || a.After["fromElementId"] != b.lesson || a.After["toElementId"] != b.survey {
		t.Errorf("transition audit %+v", a)
	}
	_, err = m.C.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: b.lesson, ToElementId: b.survey})
	e2eSdkErr(t, err, http.StatusConflict, "duplicate transition")
	_, err = m.C.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: b.lesson, ToElementId: b.lesson})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "self transition")
	other := coursesBuild(t, ctx, m.C, "Other")
	_, err = m.C.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: b.lesson, ToElementId: other.lesson})
	pe := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "transition to another course's element")
	if pe.Problem.Errors == nil || (*pe.Problem.Errors)[0].Pointer == nil || *(*pe.Problem.Errors)[0].Pointer != "/toElementId" {
		t.Errorf("pointer of foreign element: %+v", pe.Problem.Errors)
	}
	if err := m.C.LMS.Courses.DeleteTransition(ctx, id, &client.DeleteCourseTransitionParams{FromElementId: b.lesson, ToElementId: b.survey}); err != nil {
		t.Fatal(err)
	}
	coursesLastAudit(t, db, "acme", "course.transition.delete", "course_transition", target, m.ID)
	err = m.C.LMS.Courses.DeleteTransition(ctx, id, &client.DeleteCourseTransitionParams{FromElementId: b.lesson, ToElementId: b.survey})
	e2eSdkErr(t, err, http.StatusNotFound, "delete a missing transition")

	// Questions: patch (options renumbered), move, delete.
	q2, err := m.C.LMS.Courses.CreateQuestion(ctx, id, b.quiz, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Second",
		Options: client.QuizOptionsInput{{Text: "Yes", Correct: e2ePtr(true)}, {Text: "No"}}})
	if err != nil {
		t.Fatal(err)
	}
	if q2.Position != 1 {
		t.Errorf("appended question position %d", q2.Position)
	}
	coursesLastAudit(t, db, "acme", "course.question.create", "quiz_question", q2.Id, m.ID)
	uq, err := m.C.LMS.Courses.UpdateQuestion(ctx, id, q2.Id, nil, client.QuizQuestionPatch{Kind: e2ePtr(client.QuizQuestionKindMultiple),
		Options: &client.QuizOptionsInput{{Text: "A", Correct: e2ePtr(true)}, {Text: "B", Correct: e2ePtr(true)}, {Text: "C"}}, Weight: e2ePtr(3.0), Position: e2ePtr(0)})
	if err != nil {
		t.Fatal(err)
	}
	wantOpts := []client.QuizOption{{Id: "o1", Text: "A", Correct: e2ePtr(true)}, {Id: "o2", Text: "B", Correct: e2ePtr(true)}, {Id: "o3", Text: "C", Correct: e2ePtr(false)}}
	if uq.Kind != client.QuizQuestionKindMultiple || uq.Text != "Second" || uq.Weight != 3 || uq.Position != 0 || !reflect.DeepEqual(uq.Options, wantOpts) {
		t.Errorf("updated question = %+v", uq)
	}
	a = coursesLastAudit(t, db, "acme", "course.question.update", "quiz_question", q2.Id, m.ID)
	if a.Before["kind"] != "single" || a.After["kind"] != "multiple" || len(a.After["options"].([]any)) != 3 {
		t.Errorf("question audit before %v after %v", a.Before, a.After)
	}
	if err := m.C.LMS.Courses.DeleteQuestion(ctx, id, q2.Id, nil); err != nil {
		t.Fatal(err)
	}
	a = coursesLastAudit(t, db, "acme", "course.question.delete", "quiz_question", q2.Id, m.ID)
	if a.Before["text"] != "Second" || a.After != nil {
		t.Errorf("question delete audit %+v", a)
	}
	c, _ = m.C.LMS.Courses.Get(ctx, id)
	if qs := c.Structure.Sections[1].Elements[0].Questions; len(qs) != 1 || qs[0].Id != b.question || qs[0].Position != 0 {
		t.Errorf("questions after delete = %+v", qs)
	}
	err = m.C.LMS.Courses.DeleteQuestion(ctx, id, q2.Id, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "delete a deleted question")

	// Deleting the quiz (between lesson and survey) links the lesson to the survey.
	if got, want := edges(), map[string]bool{"lesson>quiz": true, "quiz>survey": true}; !reflect.DeepEqual(got, want) {
		t.Fatalf("transitions before delete = %v, want %v", got, want)
	}
	if err := m.C.LMS.Courses.DeleteElement(ctx, id, b.quiz, nil); err != nil {
		t.Fatal(err)
	}
	a = coursesLastAudit(t, db, "acme", "course.element.delete", "course_element", b.quiz, m.ID)
	if a.Before["kind"] != "quiz" || a.After != nil {
		t.Errorf("element delete audit %+v", a)
	}
	if got, want := edges(), map[string]bool{"lesson>survey": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("transitions after deleting the quiz = %v, want %v", got, want)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM quiz_questions WHERE element_id = $1`, coursesUUID(t, typeid.Element, b.quiz)); n != 0 {
		t.Errorf("questions of the deleted quiz = %d", n)
	}

	// Deleting a section deletes its elements.
	s3, err := m.C.LMS.Courses.CreateSection(ctx, id, nil, client.CourseSectionCreate{Title: "Extra", Position: e2ePtr(1)})
	if err != nil {
		t.Fatal(err)
	}
	coursesLastAudit(t, db, "acme", "course.section.create", "course_section", s3.Id, m.ID)
	x, err := m.C.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: s3.Id, Kind: client.CourseElementKindLesson, Title: "Extra"})
	if err != nil {
		t.Fatal(err)
	}
	names[x.Id] = "extra"
	// Spliced between lesson (Basics) and survey (Wrap-up, now after Extra).
	if got, want := edges(), map[string]bool{"lesson>extra": true, "extra>survey": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("transitions after splicing = %v, want %v", got, want)
	}
	coursesLastAudit(t, db, "acme", "course.element.create", "course_element", x.Id, m.ID)
	if err := m.C.LMS.Courses.DeleteSection(ctx, id, s3.Id, nil); err != nil {
		t.Fatal(err)
	}
	a = coursesLastAudit(t, db, "acme", "course.section.delete", "course_section", s3.Id, m.ID)
	if a.Before["title"] != "Extra" || a.Before["elements"] != 1.0 || a.After != nil {
		t.Errorf("section delete audit %+v", a)
	}
	if got, want := edges(), map[string]bool{"lesson>survey": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("transitions after deleting the section = %v, want %v", got, want)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM course_elements WHERE id = $1`, coursesUUID(t, typeid.Element, x.Id)); n != 0 {
		t.Errorf("element of the deleted section remains")
	}
	err = m.C.LMS.Courses.DeleteSection(ctx, id, s3.Id, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "delete a deleted section")
	// A part of another course is not found through this one.
	err = m.C.LMS.Courses.DeleteElement(ctx, id, other.lesson, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "delete another course's element")
	// autoLink false adds no transition.
	y, err := m.C.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: b.wrapUp, Kind: client.CourseElementKindLesson, Title: "Unlinked", AutoLink: e2ePtr(false)})
	if err != nil {
		t.Fatal(err)
	}
	names[y.Id] = "unlinked"
	if got, want := edges(), map[string]bool{"lesson>survey": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("transitions after autoLink false = %v, want %v", got, want)
	}
}

// TestE2ECoursesQuestionValidation: single needs exactly one correct option, multiple at
// least one, 2–10 options, weight in (0, 100], quizzes only; a refused write leaves the
// course, its version and its questions unchanged.
func TestE2ECoursesQuestionValidation(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Validation")
	opts := func(correct ...bool) client.QuizOptionsInput {
		out := client.QuizOptionsInput{}
		for i, c := range correct {
			out = append(out, client.QuizOptionInput{Text: "Option " + string(rune('A'+i)), Correct: e2ePtr(c)})
		}
		return out
	}
	eleven := make([]bool, 11)
	eleven[0] = true
	cases := []struct {
		name    string
		element string
		body    client.QuizQuestionCreate
		pointer string // "" when the problem names no member
	}{
		{"single with two correct", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(true, true)}, "/options"},
		{"single with none correct", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(false, false)}, "/options"},
		{"multiple with none correct", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindMultiple, Text: "Q", Options: opts(false, false, false)}, "/options"},
		{"one option", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(true)}, "/options"},
		{"eleven options", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(eleven...)}, "/options"},
		{"empty text", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "", Options: opts(true, false)}, "/text"},
		{"zero weight", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(true, false), Weight: e2ePtr(0.0)}, "/weight"},
		{"empty option", b.quiz, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: client.QuizOptionsInput{{Text: "", Correct: e2ePtr(true)}, {Text: "B"}}}, "/options/0/text"},
		{"on a lesson", b.lesson, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "Q", Options: opts(true, false)}, ""},
	}
	before := coursesVersion(t, db, b.course.Id)
	count := func() int {
		return e2eCount(t, db, `SELECT count(*) FROM quiz_questions WHERE course_id = $1`, coursesUUID(t, typeid.Course, b.course.Id))
	}
	n := count()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.C.LMS.Courses.CreateQuestion(ctx, b.course.Id, tc.element, nil, tc.body)
			e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, tc.name)
			if tc.pointer != "" {
				found := false
				for _, f := range coursesDeref(e.Problem.Errors) {
					if f.Pointer != nil && *f.Pointer == tc.pointer {
						found = true
					}
				}
				if !found {
					t.Errorf("no field error at %s: %+v", tc.pointer, e.Problem.Errors)
				}
			}
		})
	}
	// Patches are checked as merged: making the single question multiple keeps its one
	// correct option (fine), replacing the options with none correct is not.
	_, err := m.C.LMS.Courses.UpdateQuestion(ctx, b.course.Id, b.question, nil, client.QuizQuestionPatch{Options: &client.QuizOptionsInput{{Text: "A", Correct: e2ePtr(true)}, {Text: "B", Correct: e2ePtr(true)}}})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "single question patched to two correct options")
	_, err = m.C.LMS.Courses.UpdateQuestion(ctx, b.course.Id, b.question, nil, client.QuizQuestionPatch{Text: e2ePtr(strings.Repeat("x", 2001))})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "text too long")
	if got := coursesVersion(t, db, b.course.Id); got != before {
		t.Errorf("version after refused writes = %d, want %d", got, before)
	}
	if got := count(); got != n {
		t.Errorf("questions after refused writes = %d, want %d", got, n)
	}
	c, err := m.C.LMS.Courses.Get(ctx, b.course.Id)
	if err != nil {
		t.Fatal(err)
	}
	q := c.Structure.Sections[0].Elements[1].Questions[0]
	if q.Text != "When do you inspect?" || len(q.Options) != 2 || q.Options[0].Correct == nil || !*q.Options[0].Correct {
		t.Errorf("question after refused patches = %+v", q)
	}
}

func coursesDeref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
