package courses

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/learnd/learnd/store"
)

// Validation of structure parts (the API schema checks the same; drafts from course
// generation are checked here).

func validateSectionTitle(v *store.ValidationError, ptr, title string) {
	if n := utf8.RuneCountInString(title); n < 1 || n > 200 {
		v.Add(ptr, "must be 1–200 characters")
	}
}

func validateElement(v *store.ValidationError, ptr, kind, title string, brief *LessonBrief, pages []LessonPage) {
	switch kind {
	case ElementLesson, ElementQuiz, ElementSurvey:
	default:
		v.Add(ptr+"/kind", "must be lesson, quiz or survey")
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > 200 {
		v.Add(ptr+"/title", "must be 1–200 characters")
	}
	if brief != nil {
		if kind != ElementLesson {
			v.Add(ptr+"/brief", "only lessons carry a brief")
		}
		for _, f := range []struct {
			name string
			s    string
			max  int
		}{{"topic", brief.Topic, 200}, {"title", brief.Title, 200}, {"description", brief.Description, 5000}, {"targetAudience", brief.TargetAudience, 500}} {
			if utf8.RuneCountInString(f.s) > f.max {
				v.Add(ptr+"/brief/"+f.name, "must be at most %d characters", f.max)
			}
		}
		if len(brief.KeyPoints) > 30 {
			v.Add(ptr+"/brief/keyPoints", "at most 30 key points")
		}
		for i, k := range brief.KeyPoints {
			if n := utf8.RuneCountInString(k); n < 1 || n > 500 {
				v.Add(ptr+"/brief/keyPoints/"+strconv.Itoa(i), "must be 1–500 characters")
			}
		}
	}
	if len(pages) > 100 {
		v.Add(ptr+"/pages", "at most 100 pages")
	}
	for i, p := range pages {
		if n := utf8.RuneCountInString(p.Title); n < 1 || n > 200 {
			v.Add(ptr+"/pages/"+strconv.Itoa(i)+"/title", "must be 1–200 characters")
		}
		if utf8.RuneCountInString(p.Body) > 200000 {
			v.Add(ptr+"/pages/"+strconv.Itoa(i)+"/body", "must be at most 200000 characters")
		}
	}
}

// validateQuestion checks a question: kind, text, 2–10 options of 1–500 characters,
// exactly one correct option for single, at least one for multiple, weight in (0, 100].
func validateQuestion(v *store.ValidationError, ptr string, q QuestionDraft) {
	if q.Kind != QuestionSingle && q.Kind != QuestionMultiple {
		v.Add(ptr+"/kind", "must be single or multiple")
	}
	if n := utf8.RuneCountInString(q.Text); n < 1 || n > 2000 {
		v.Add(ptr+"/text", "must be 1–2000 characters")
	}
	if n := len(q.Options); n < 2 || n > 10 {
		v.Add(ptr+"/options", "a question needs 2–10 options")
	}
	correct := 0
	for i, o := range q.Options {
		if n := utf8.RuneCountInString(o.Text); n < 1 || n > 500 {
			v.Add(ptr+"/options/"+strconv.Itoa(i)+"/text", "must be 1–500 characters")
		}
		if utf8.RuneCountInString(o.Feedback) > 1000 {
			v.Add(ptr+"/options/"+strconv.Itoa(i)+"/feedback", "must be at most 1000 characters")
		}
		if o.Correct {
			correct++
		}
	}
	switch {
	case q.Kind == QuestionSingle && correct != 1:
		v.Add(ptr+"/options", "a single-choice question needs exactly one correct option (it has %d)", correct)
	case q.Kind == QuestionMultiple && correct < 1:
		v.Add(ptr+"/options", "a multiple-choice question needs at least one correct option")
	}
	if q.Weight < 0 || q.Weight > 100 { // 0 means the default, 1
		v.Add(ptr+"/weight", "must be more than 0 and at most 100")
	}
}

// questionOptions numbers a draft's options o1, o2, ….
func questionOptions(in []OptionDraft) []QuizOption {
	out := make([]QuizOption, len(in))
	for i, o := range in {
		out[i] = QuizOption{ID: "o" + strconv.Itoa(i+1), Text: o.Text, Correct: o.Correct, Feedback: o.Feedback}
	}
	return out
}

func validateDraft(d *CourseDraft) error {
	var v store.ValidationError
	s := DefaultCourseSettings()
	if d.Settings != nil {
		s = *d.Settings
	}
	validateCourseFields(&v, "", d.Name, d.Annotation, d.Tags, s)
	for si, sec := range d.Sections {
		sp := fmt.Sprintf("/sections/%d", si)
		validateSectionTitle(&v, sp+"/title", sec.Title)
		for ei, e := range sec.Elements {
			ep := fmt.Sprintf("%s/elements/%d", sp, ei)
			validateElement(&v, ep, e.Kind, e.Title, e.Brief, e.Pages)
			if len(e.Questions) > 0 && e.Kind != ElementQuiz {
				v.Add(ep+"/questions", "only quizzes carry questions")
			}
			for qi, q := range e.Questions {
				validateQuestion(&v, fmt.Sprintf("%s/questions/%d", ep, qi), q)
			}
		}
	}
	valid := func(r ElementRef) bool {
		return r.Section >= 0 && r.Section < len(d.Sections) && r.Element >= 0 && r.Element < len(d.Sections[r.Section].Elements)
	}
	for i, tr := range d.Transitions {
		p := fmt.Sprintf("/transitions/%d", i)
		if !valid(tr.From) {
			v.Add(p+"/from", "names no element of the draft")
		}
		if !valid(tr.To) {
			v.Add(p+"/to", "names no element of the draft")
		}
		if tr.From == tr.To {
			v.Add(p, "a transition joins two different elements")
		}
	}
	return v.Err()
}
