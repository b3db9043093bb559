package courses

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// structureWrite runs one structure write: lock the course for editing, run fn, bump the
// version and audit action on target with fn's before/after views. It returns the new
// course version.
func (r *CourseRepo) structureWrite(ctx context.Context, op string, course uuid.UUID, expected *int,
	fn func(t *store.Tx, c *Course) (action, targetType, targetID string, before, after any, err error)) (int, error) {
	var version int
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, course, expected, accessEdit)
		if err != nil {
			return err
		}
		action, tt, tid, before, after, err := fn(t, c)
		if err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		version = c.Version
		return t.Audit(action, tt, tid, before, after)
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	return version, nil
}

// Audit views of structure parts.

type sectionAudit struct {
	ID       string `json:"id"`
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Position int    `json:"position"`
	Elements int    `json:"elements"`
}

func auditSection(c *Course, s *CourseSection) sectionAudit {
	return sectionAudit{ID: typeid.Format(typeid.Section, s.ID), CourseID: typeid.Format(typeid.Course, c.ID), Title: s.Title,
		Position: s.Position, Elements: len(s.Elements)}
}

type elementAudit struct {
	ID        string       `json:"id"`
	CourseID  string       `json:"courseId"`
	SectionID string       `json:"sectionId"`
	Kind      string       `json:"kind"`
	Title     string       `json:"title"`
	Position  int          `json:"position"`
	Required  bool         `json:"required"`
	Brief     *LessonBrief `json:"brief"`
	Pages     []LessonPage `json:"pages"`
	Questions int          `json:"questions"`
}

func auditElement(c *Course, e *CourseElement) elementAudit {
	return elementAudit{ID: typeid.Format(typeid.Element, e.ID), CourseID: typeid.Format(typeid.Course, c.ID),
		SectionID: typeid.Format(typeid.Section, e.SectionID), Kind: e.Kind, Title: e.Title, Position: e.Position,
		Required: e.Required, Brief: e.Brief, Pages: e.Pages, Questions: len(e.Questions)}
}

type questionAudit struct {
	ID        string       `json:"id"`
	CourseID  string       `json:"courseId"`
	ElementID string       `json:"elementId"`
	Kind      string       `json:"kind"`
	Text      string       `json:"text"`
	Options   []QuizOption `json:"options"`
	Weight    float64      `json:"weight"`
	Position  int          `json:"position"`
}

func auditQuestion(c *Course, q *QuizQuestion) questionAudit {
	return questionAudit{ID: typeid.Format(typeid.Question, q.ID), CourseID: typeid.Format(typeid.Course, c.ID),
		ElementID: typeid.Format(typeid.Element, q.ElementID), Kind: q.Kind, Text: q.Text, Options: q.Options, Weight: q.Weight, Position: q.Position}
}

type transitionAudit struct {
	CourseID      string `json:"courseId"`
	FromElementID string `json:"fromElementId"`
	ToElementID   string `json:"toElementId"`
}

func auditTransition(c *Course, tr CourseTransition) transitionAudit {
	return transitionAudit{CourseID: typeid.Format(typeid.Course, c.ID), FromElementID: typeid.Format(typeid.Element, tr.From),
		ToElementID: typeid.Format(typeid.Element, tr.To)}
}

func transitionTarget(tr CourseTransition) string {
	return typeid.Format(typeid.Element, tr.From) + ">" + typeid.Format(typeid.Element, tr.To)
}
