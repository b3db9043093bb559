package courses

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// NewElement is an element to add. Position nil (or beyond the end) appends it to the
// section. AutoLink splices it into the path between its neighbours in course order.
type NewElement struct {
	SectionID uuid.UUID
	Kind      string
	Title     string
	Required  *bool
	Brief     *LessonBrief
	Pages     []LessonPage
	Position  *int
	AutoLink  bool
}

// ElementChange is a merge patch of an element. Moving: SectionID and/or Position.
type ElementChange struct {
	Title      *string
	Required   *bool
	Brief      *LessonBrief
	ClearBrief bool
	Pages      *[]LessonPage
	SectionID  *uuid.UUID
	Position   *int
}

// AddElement adds a lesson, quiz or survey to a section.
func (r *CourseRepo) AddElement(ctx context.Context, course uuid.UUID, expected *int, in NewElement) (CourseElement, int, error) {
	var out CourseElement
	v, err := r.structureWrite(ctx, "add element", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		var v store.ValidationError
		si, ok := findSection(c, in.SectionID)
		if !ok {
			v.Add("/sectionId", "is not a section of this course")
		}
		validateElement(&v, "", in.Kind, in.Title, in.Brief, in.Pages)
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		sec := &c.Sections[si]
		e := newElement(sec.ID, 0, in.Kind, in.Title, in.Required, in.Brief, in.Pages, store.Now())
		ids, at := insertAt(elementIDs(sec), e.ID, in.Position)
		e.Position = at
		b := &pgx.Batch{}
		queueInsertElement(b, c.ID, &e)
		if err := t.SendBatch(b).Close(); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := renumber(t, "course_elements", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		sec.Elements = slices.Insert(sec.Elements, at, e)
		if in.AutoLink {
			if err := splice(t, c, e.ID); err != nil {
				return "", "", "", nil, nil, err
			}
		}
		out = e
		return "course.element.create", "course_element", typeid.Format(typeid.Element, e.ID), nil, auditElement(c, &e), nil
	})
	if err != nil {
		return CourseElement{}, 0, err
	}
	return out, v, nil
}

// splice links a new element into the path between its neighbours in course order: from
// the one before it (or, when it is first, to the one after it); a transition from the
// one before straight to the one after is rerouted through it.
func splice(t *store.Tx, c *Course, id uuid.UUID) error {
	order := courseOrder(c)
	i := slices.IndexFunc(order, func(e *CourseElement) bool { return e.ID == id })
	var prev, next *CourseElement
	if i > 0 {
		prev = order[i-1]
	}
	if i+1 < len(order) {
		next = order[i+1]
	}
	var links []CourseTransition
	switch {
	case prev != nil:
		links = append(links, CourseTransition{From: prev.ID, To: id})
		if next != nil && slices.Contains(c.Transitions, CourseTransition{From: prev.ID, To: next.ID}) {
			if _, err := t.Exec(`DELETE FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1 AND from_element_id = $2 AND to_element_id = $3`,
				c.ID, prev.ID, next.ID); err != nil {
				return err
			}
			links = append(links, CourseTransition{From: id, To: next.ID})
		}
	case next != nil:
		links = append(links, CourseTransition{From: id, To: next.ID})
	}
	if len(links) == 0 {
		return nil
	}
	return insertTransitions(t, c.ID, links)
}

// UpdateElement changes an element's title, required flag, brief and pages, or moves it.
func (r *CourseRepo) UpdateElement(ctx context.Context, course, element uuid.UUID, expected *int, ch ElementChange) (CourseElement, int, error) {
	var out CourseElement
	v, err := r.structureWrite(ctx, "update element", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		cur, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		e := *cur
		before := auditElement(c, &e)
		if ch.Title != nil {
			e.Title = *ch.Title
		}
		if ch.Required != nil {
			e.Required = *ch.Required
		}
		if ch.ClearBrief {
			e.Brief = nil
		} else if ch.Brief != nil {
			e.Brief = ch.Brief
		}
		if ch.Pages != nil {
			e.Pages = *ch.Pages
			if e.Pages == nil {
				e.Pages = []LessonPage{}
			}
		}
		var v store.ValidationError
		validateElement(&v, "", e.Kind, e.Title, e.Brief, e.Pages)
		target := e.SectionID
		if ch.SectionID != nil {
			target = *ch.SectionID
			if _, ok := findSection(c, target); !ok {
				v.Add("/sectionId", "is not a section of this course")
			}
		}
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		e.UpdatedAt = store.Now()
		if _, err := t.Exec(`UPDATE course_elements SET title = $2, required = $3, brief = $4, pages = $5, section_id = $6, updated_at = $7
WHERE tenant_id = learnd_tenant() AND id = $1`, e.ID, e.Title, e.Required, briefArg(e.Brief), store.JSON[[]LessonPage]{V: e.Pages}, target, e.UpdatedAt); err != nil {
			return "", "", "", nil, nil, err
		}
		if target != e.SectionID || ch.Position != nil {
			oi, _ := findSection(c, e.SectionID)
			ti, _ := findSection(c, target)
			if oi != ti {
				if err := renumber(t, "course_elements", store.Without(elementIDs(&c.Sections[oi]), e.ID)); err != nil {
					return "", "", "", nil, nil, err
				}
			}
			ids, at := insertAt(store.Without(elementIDs(&c.Sections[ti]), e.ID), e.ID, ch.Position)
			if err := renumber(t, "course_elements", ids); err != nil {
				return "", "", "", nil, nil, err
			}
			e.SectionID, e.Position = target, at
		}
		out = e
		return "course.element.update", "course_element", typeid.Format(typeid.Element, e.ID), before, auditElement(c, &e), nil
	})
	if err != nil {
		return CourseElement{}, 0, err
	}
	return out, v, nil
}

// DeleteElement deletes an element, healing the path around it.
func (r *CourseRepo) DeleteElement(ctx context.Context, course, element uuid.UUID, expected *int) (int, error) {
	return r.structureWrite(ctx, "delete element", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		e, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		if err := healAround(t, c, []uuid.UUID{e.ID}); err != nil {
			return "", "", "", nil, nil, err
		}
		if _, err := t.Exec(`DELETE FROM course_elements WHERE tenant_id = learnd_tenant() AND id = $1`, e.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		si, _ := findSection(c, e.SectionID)
		if err := renumber(t, "course_elements", store.Without(elementIDs(&c.Sections[si]), e.ID)); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.element.delete", "course_element", typeid.Format(typeid.Element, e.ID), auditElement(c, e), nil, nil
	})
}

// Transitions.

// AddTransition links two elements of the course; ErrTransitionExists when linked.
func (r *CourseRepo) AddTransition(ctx context.Context, course uuid.UUID, expected *int, tr CourseTransition) (int, error) {
	return r.structureWrite(ctx, "add transition", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		var v store.ValidationError
		if _, ok := findElement(c, tr.From); !ok {
			v.Add("/fromElementId", "is not an element of this course")
		}
		if _, ok := findElement(c, tr.To); !ok {
			v.Add("/toElementId", "is not an element of this course")
		}
		if tr.From == tr.To {
			v.Add("/toElementId", "must differ from fromElementId")
		}
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		if slices.Contains(c.Transitions, tr) {
			return "", "", "", nil, nil, ErrTransitionExists
		}
		if err := insertTransitions(t, c.ID, []CourseTransition{tr}); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.transition.create", "course_transition", transitionTarget(tr), nil, auditTransition(c, tr), nil
	})
}

// DeleteTransition removes a transition; ErrNotFound when there is none.
func (r *CourseRepo) DeleteTransition(ctx context.Context, course uuid.UUID, expected *int, tr CourseTransition) (int, error) {
	return r.structureWrite(ctx, "delete transition", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		tag, err := t.Exec(`DELETE FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1 AND from_element_id = $2 AND to_element_id = $3`,
			c.ID, tr.From, tr.To)
		if err != nil {
			return "", "", "", nil, nil, err
		}
		if tag.RowsAffected() == 0 {
			return "", "", "", nil, nil, &PartNotFoundError{What: "transition"}
		}
		return "course.transition.delete", "course_transition", transitionTarget(tr), auditTransition(c, tr), nil, nil
	})
}
