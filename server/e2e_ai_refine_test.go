package server_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAIRefineRegenerate: refine appends sections, elements and transitions and leaves
// everything that existed exactly as it was; regenerate_question rewrites one single-choice
// question and the audit log keeps the old one; regenerate_lesson rewrites only the brief,
// never the pages. Run with the built-in offline generator and with a fake.
func TestE2EAIRefineRegenerate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		gen  ai.Generator // nil: the server's default (offline)
	}{{"offline", nil}, {"fake", &aiFakeGen{}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			aiCheckRefineRegenerate(t, servertest.Start(t, servertest.Options{Generator: tc.gen}))
		})
	}
}

func aiCheckRefineRegenerate(t *testing.T, env *servertest.Env) {
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	aiLicensed(t, env, "acme")
	m := coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Forklift basics")
	id := b.course.Id
	before, err := m.C.LMS.Courses.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	// Refine: append-only.
	r, err := m.C.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: "Add a section on emergency procedures with a lesson and a quiz"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := m.C.LMS.Courses.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.CourseId != id || r.ElementsAdded < 1 || r.TransitionsAdded < 1 || r.Message == "" {
		t.Fatalf("refine = %+v", r)
	}
	oldSecs, newSecs := before.Structure.Sections, after.Structure.Sections
	if len(newSecs) <= len(oldSecs) {
		t.Fatalf("sections %d → %d, want more", len(oldSecs), len(newSecs))
	}
	if !reflect.DeepEqual(oldSecs, newSecs[:len(oldSecs)]) {
		t.Errorf("refine changed existing sections:\nbefore %s\nafter  %s", e2eJSON(oldSecs), e2eJSON(newSecs[:len(oldSecs)]))
	}
	added := 0
	for _, s := range newSecs[len(oldSecs):] {
		added += len(s.Elements)
	}
	if added != r.ElementsAdded {
		t.Errorf("elements added: response %d, course %d", r.ElementsAdded, added)
	}
	edges := map[client.CourseTransition]bool{}
	for _, tr := range after.Structure.Transitions {
		edges[tr] = true
	}
	for _, tr := range before.Structure.Transitions {
		if !edges[tr] {
			t.Errorf("refine removed transition %+v", tr)
		}
	}
	if got := len(after.Structure.Transitions) - len(before.Structure.Transitions); got != r.TransitionsAdded {
		t.Errorf("transitions added: response %d, course %d", r.TransitionsAdded, got)
	}
	// The new part continues the path from the course's last element.
	lastOld := coursesElementIDs(before)[len(coursesElementIDs(before))-1]
	firstNew := newSecs[len(oldSecs)].Elements[0].Id
	if !edges[client.CourseTransition{FromElementId: lastOld, ToElementId: firstNew}] {
		t.Errorf("no transition from the last element %s to the first new one %s", lastOld, firstNew)
	}
	if after.Version != before.Version+1 {
		t.Errorf("version %d → %d", before.Version, after.Version)
	}
	coursesLastAudit(t, db, "acme", "course.structure.append", "course", id, m.ID)

	// Regenerate a question: same concept, single choice, old text in the audit log.
	rq, err := m.C.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{Feedback: e2ePtr("Make the distractors less obvious")})
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for _, o := range rq.Options {
		if o.Correct != nil && *o.Correct {
			correct++
		}
	}
	if rq.QuestionId != b.question || rq.Text == "" || rq.Text == "When do you inspect?" || len(rq.Options) < 2 || correct != 1 || rq.Message == "" {
		t.Errorf("regenerated question = %s", e2eJSON(rq))
	}
	a := coursesLastAudit(t, db, "acme", "course.question.update", "quiz_question", b.question, m.ID)
	if a.Before["text"] != "When do you inspect?" || a.After["text"] != rq.Text {
		t.Errorf("question audit: before %v, after %v", a.Before["text"], a.After["text"])
	}
	if opts, _ := a.Before["options"].([]any); len(opts) != 2 || !strings.Contains(e2eJSON(opts), "Every shift") {
		t.Errorf("question audit before options = %v", a.Before["options"])
	}
	got, err := m.C.LMS.Courses.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var stored *client.QuizQuestion
	for _, s := range got.Structure.Sections {
		for _, e := range s.Elements {
			for i := range e.Questions {
				if e.Questions[i].Id == b.question {
					stored = &e.Questions[i]
				}
			}
		}
	}
	if stored == nil || stored.Text != rq.Text || stored.Kind != client.QuizQuestionKindSingle || len(stored.Options) != len(rq.Options) {
		t.Errorf("stored question = %s", e2eJSON(stored))
	}

	// Regenerate a lesson: only the brief changes.
	lessonBefore := aiElement(t, got, b.lesson)
	rl, err := m.C.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{Feedback: e2ePtr("Target supervisors, not learners")})
	if err != nil {
		t.Fatal(err)
	}
	if rl.LessonId != b.lesson || reflect.DeepEqual(&rl.Brief, lessonBefore.Brief) || rl.Brief.KeyPoints == nil || len(*rl.Brief.KeyPoints) == 0 {
		t.Errorf("regenerated brief = %s (was %s)", e2eJSON(rl.Brief), e2eJSON(lessonBefore.Brief))
	}
	got2, err := m.C.LMS.Courses.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	lessonAfter := aiElement(t, got2, b.lesson)
	if !reflect.DeepEqual(lessonAfter.Pages, lessonBefore.Pages) || lessonAfter.Title != lessonBefore.Title || lessonAfter.Required != lessonBefore.Required {
		t.Errorf("lesson changed beyond its brief: before %s after %s", e2eJSON(lessonBefore), e2eJSON(lessonAfter))
	}
	if !reflect.DeepEqual(lessonAfter.Brief, &rl.Brief) {
		t.Errorf("stored brief %s, response %s", e2eJSON(lessonAfter.Brief), e2eJSON(rl.Brief))
	}
	la := coursesLastAudit(t, db, "acme", "course.element.update", "course_element", b.lesson, m.ID)
	if e2eJSON(la.Before["pages"]) != e2eJSON(la.After["pages"]) || e2eJSON(la.Before["brief"]) == e2eJSON(la.After["brief"]) {
		t.Errorf("lesson audit: before %v after %v", la.Before, la.After)
	}

	// Refusals: nothing changes, nothing counts.
	counted := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'acme' AND subject = 'tenant'`)
	if counted != 3 {
		t.Errorf("AI calls counted = %d, want 3", counted)
	}
	multi, err := m.C.LMS.Courses.CreateQuestion(ctx, id, b.quiz, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindMultiple, Text: "Which apply?",
		Options: client.QuizOptionsInput{{Text: "A", Correct: e2ePtr(true)}, {Text: "B", Correct: e2ePtr(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	stable := coursesVersion(t, db, id)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)
	otherManager := coursesUser(t, env, "acme", auth.RoleManager)
	stranger := coursesUser(t, env, "elsewhere", auth.RoleAdmin)
	aiLicensed(t, env, "elsewhere")
	readOnly := coursesUser(t, env, "acme", auth.RoleAdmin, auth.ScopeRead)
	noQuestion, _ := typeid.New(typeid.Question)
	noLesson, _ := typeid.New(typeid.Element)
	for _, c := range []struct {
		name   string
		call   func() error
		status int
	}{
		{"regenerate multiple-choice", func() error {
			_, err := m.C.LMS.AI.RegenerateQuestion(ctx, multi.Id, client.RegenerateRequest{})
			return err
		}, http.StatusUnprocessableEntity},
		{"regenerate a quiz as a lesson", func() error {
			_, err := m.C.LMS.AI.RegenerateLesson(ctx, b.quiz, client.RegenerateRequest{})
			return err
		}, http.StatusUnprocessableEntity},
		{"refine with blank feedback", func() error {
			_, err := m.C.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: "  "})
			return err
		}, http.StatusUnprocessableEntity},
		{"learner refines", func() error {
			_, err := learner.C.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: "More"})
			return err
		}, http.StatusForbidden},
		{"read-only key regenerates", func() error {
			_, err := readOnly.C.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
			return err
		}, http.StatusForbidden},
		{"manager without a share refines", func() error {
			_, err := otherManager.C.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: "More"})
			return err
		}, http.StatusForbidden},
		{"manager without a share regenerates a question", func() error {
			_, err := otherManager.C.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{})
			return err
		}, http.StatusForbidden},
		{"manager without a share regenerates a lesson", func() error {
			_, err := otherManager.C.LMS.AI.RegenerateLesson(ctx, b.lesson, client.RegenerateRequest{})
			return err
		}, http.StatusForbidden},
		{"another tenant refines", func() error {
			_, err := stranger.C.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: "More"})
			return err
		}, http.StatusNotFound},
		{"another tenant regenerates a question", func() error {
			_, err := stranger.C.LMS.AI.RegenerateQuestion(ctx, b.question, client.RegenerateRequest{})
			return err
		}, http.StatusNotFound},
		{"no such question", func() error {
			_, err := m.C.LMS.AI.RegenerateQuestion(ctx, noQuestion, client.RegenerateRequest{})
			return err
		}, http.StatusNotFound},
		{"no such lesson", func() error {
			_, err := m.C.LMS.AI.RegenerateLesson(ctx, noLesson, client.RegenerateRequest{})
			return err
		}, http.StatusNotFound},
	} {
		e2eSdkErr(t, c.call(), c.status, c.name)
	}
	if v := coursesVersion(t, db, id); v != stable {
		t.Errorf("version after refused calls %d, want %d", v, stable)
	}
	if n := e2eCount(t, db, `SELECT count FROM ai_usage WHERE tenant_id = 'acme' AND subject = 'tenant'`); n != counted {
		t.Errorf("AI calls counted after refusals = %d, want %d", n, counted)
	}
}

// aiElement finds element id in a course.
func aiElement(t *testing.T, c *client.Course, id string) client.CourseElement {
	t.Helper()
	for _, s := range c.Structure.Sections {
		for _, e := range s.Elements {
			if e.Id == id {
				return e
			}
		}
	}
	t.Fatalf("no element %s", id)
	return client.CourseElement{}
}
