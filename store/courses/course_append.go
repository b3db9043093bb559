package courses

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// AppendResult says what AppendSections added.
type AppendResult struct {
	Course           *Course
	ElementsAdded    int
	TransitionsAdded int
}

// AppendMode says where appended sections go and how learners reach them.
type AppendMode struct {
	// LinkInOrder links the new elements in order into the learner's path: from the
	// element before the first new one, and (before a final quiz) on to the quiz.
	LinkInOrder bool
	// BeforeFinalQuiz places the new sections before the course's last section when that
	// section holds only quizzes (a final quiz) and the new sections are not all surveys
	// (a closing survey belongs after it); otherwise they go at the end.
	BeforeFinalQuiz bool
}

// AppendSections adds drafted sections (with their elements and questions) to an existing
// course the caller may edit, in one transaction: at the end, or before its final quiz
// (mode). No existing section, element or question changes, except that sections after
// the new ones move down and, when the new sections are linked in before the final quiz,
// the link from the element before them to the quiz now runs through them. Transitions
// name elements of secs by position. Audited as course.structure.append on the course;
// the version is bumped.
func (r *CourseRepo) AppendSections(ctx context.Context, course uuid.UUID, expected *int, secs []SectionDraft, trs []TransitionDraft, mode AppendMode) (AppendResult, error) {
	var res AppendResult
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, course, expected, accessEdit)
		if err != nil {
			return err
		}
		d := CourseDraft{Name: c.Name, Annotation: c.Annotation, Tags: c.Tags, Settings: &c.Settings, Sections: secs, Transitions: trs}
		if err := validateDraft(&d); err != nil {
			return err
		}
		before := auditCourse(c)
		at := len(c.Sections)
		if mode.BeforeFinalQuiz && finalQuizSection(c) && !onlySurveys(secs) {
			at = len(c.Sections) - 1
			if _, err := t.Exec(`UPDATE course_sections SET position = position + $3
WHERE tenant_id = learnd_tenant() AND course_id = $1 AND position >= $2`, c.ID, c.Sections[at].Position, len(secs)); err != nil {
				return err
			}
			for i := at; i < len(c.Sections); i++ {
				c.Sections[i].Position += len(secs)
			}
		}
		first := len(c.Sections)
		if at < len(c.Sections) {
			first = c.Sections[at].Position - len(secs)
		}
		added, err := insertSections(t, c, at, first, secs, store.Now())
		if err != nil {
			return err
		}
		n, err := linkDraft(t, c, added, trs, mode.LinkInOrder)
		if err != nil {
			return err
		}
		if mode.LinkInOrder && at < len(c.Sections)-len(secs) {
			m, err := linkThrough(t, c, added, c.Sections[at+len(secs)].Elements)
			if err != nil {
				return err
			}
			n += m
		}
		for _, s := range added {
			res.ElementsAdded += len(s)
		}
		res.TransitionsAdded = n
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		res.Course = c
		return t.Audit("course.structure.append", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return AppendResult{}, fmt.Errorf("append to course: %w", err)
	}
	return res, nil
}

// finalQuizSection: the course has at least two sections and its last holds only quizzes.
func finalQuizSection(c *Course) bool {
	if len(c.Sections) < 2 || len(c.Sections[len(c.Sections)-1].Elements) == 0 {
		return false
	}
	for _, e := range c.Sections[len(c.Sections)-1].Elements {
		if e.Kind != ElementQuiz {
			return false
		}
	}
	return true
}

func onlySurveys(secs []SectionDraft) bool {
	for _, s := range secs {
		for _, e := range s.Elements {
			if e.Kind != ElementSurvey {
				return false
			}
		}
	}
	return true
}

// linkThrough links the last new element on to the first element of next (the final
// quiz) and removes the link that went from the element before the new ones straight to
// it, so the learner's path runs through the new sections. It returns the links added.
func linkThrough(t *store.Tx, c *Course, added [][]uuid.UUID, next []CourseElement) (int, error) {
	var flat []uuid.UUID
	for _, s := range added {
		flat = append(flat, s...)
	}
	if len(flat) == 0 || len(next) == 0 {
		return 0, nil
	}
	quiz := next[0].ID
	order := courseOrder(c)
	var prev uuid.UUID
	for i, e := range order {
		if e.ID == flat[0] && i > 0 {
			prev = order[i-1].ID
		}
	}
	if prev != uuid.Nil {
		if _, err := t.Exec(`DELETE FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1
AND from_element_id = $2 AND to_element_id = $3`, c.ID, prev, quiz); err != nil {
			return 0, err
		}
		c.Transitions = slices.DeleteFunc(c.Transitions, func(tr CourseTransition) bool { return tr.From == prev && tr.To == quiz })
	}
	link := CourseTransition{From: flat[len(flat)-1], To: quiz}
	if slices.Contains(c.Transitions, link) {
		return 0, nil
	}
	if err := insertTransitions(t, c.ID, []CourseTransition{link}); err != nil {
		return 0, err
	}
	c.Transitions = append(c.Transitions, link)
	return 1, nil
}
