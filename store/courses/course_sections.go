package courses

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Sections.

// NewSection is a section to add; Position nil (or beyond the end) appends it.
type NewSection struct {
	Title    string
	Position *int
}

// SectionChange is a merge patch of a section.
type SectionChange struct {
	Title    *string
	Position *int
}

// AddSection adds an empty section to a course.
func (r *CourseRepo) AddSection(ctx context.Context, course uuid.UUID, expected *int, in NewSection) (CourseSection, int, error) {
	var out CourseSection
	v, err := r.structureWrite(ctx, "add section", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		var v store.ValidationError
		validateSectionTitle(&v, "/title", in.Title)
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		id := uuid.Must(uuid.NewV7())
		ids, at := insertAt(sectionIDs(c), id, in.Position)
		if _, err := t.Exec(`INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES (learnd_tenant(), $1, $2, $3, $4)`,
			id, c.ID, in.Title, at); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := renumber(t, "course_sections", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		out = CourseSection{ID: id, Title: in.Title, Position: at, Elements: []CourseElement{}}
		return "course.section.create", "course_section", typeid.Format(typeid.Section, id), nil, auditSection(c, &out), nil
	})
	if err != nil {
		return CourseSection{}, 0, err
	}
	return out, v, nil
}

// UpdateSection renames or moves a section.
func (r *CourseRepo) UpdateSection(ctx context.Context, course, section uuid.UUID, expected *int, ch SectionChange) (CourseSection, int, error) {
	var out CourseSection
	v, err := r.structureWrite(ctx, "update section", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		i, ok := findSection(c, section)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "section"}
		}
		s := c.Sections[i]
		before := auditSection(c, &s)
		if ch.Title != nil {
			var v store.ValidationError
			validateSectionTitle(&v, "/title", *ch.Title)
			if err := v.Err(); err != nil {
				return "", "", "", nil, nil, err
			}
			s.Title = *ch.Title
			if _, err := t.Exec(`UPDATE course_sections SET title = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, s.ID, s.Title); err != nil {
				return "", "", "", nil, nil, err
			}
		}
		if ch.Position != nil {
			ids, at := insertAt(store.Without(sectionIDs(c), s.ID), s.ID, ch.Position)
			if err := renumber(t, "course_sections", ids); err != nil {
				return "", "", "", nil, nil, err
			}
			s.Position = at
		}
		out = s
		return "course.section.update", "course_section", typeid.Format(typeid.Section, s.ID), before, auditSection(c, &s), nil
	})
	if err != nil {
		return CourseSection{}, 0, err
	}
	return out, v, nil
}

// DeleteSection deletes a section with its elements, healing the path around them.
func (r *CourseRepo) DeleteSection(ctx context.Context, course, section uuid.UUID, expected *int) (int, error) {
	return r.structureWrite(ctx, "delete section", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		i, ok := findSection(c, section)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "section"}
		}
		s := c.Sections[i]
		if err := healAround(t, c, elementIDs(&s)); err != nil {
			return "", "", "", nil, nil, err
		}
		if _, err := t.Exec(`DELETE FROM course_sections WHERE tenant_id = learnd_tenant() AND id = $1`, s.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := renumber(t, "course_sections", store.Without(sectionIDs(c), s.ID)); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.section.delete", "course_section", typeid.Format(typeid.Section, s.ID), auditSection(c, &s), nil, nil
	})
}

// healAround links, before the elements gone are deleted, every element outside gone that
// led into them to every element outside gone they led to (through any path inside gone).
func healAround(t *store.Tx, c *Course, gone []uuid.UUID) error {
	in := map[uuid.UUID]bool{}
	for _, id := range gone {
		in[id] = true
	}
	next := map[uuid.UUID][]uuid.UUID{}
	for _, tr := range c.Transitions {
		next[tr.From] = append(next[tr.From], tr.To)
	}
	var links []CourseTransition
	seen := map[CourseTransition]bool{}
	for _, tr := range c.Transitions {
		seen[tr] = true
	}
	for _, tr := range c.Transitions {
		if in[tr.From] || !in[tr.To] {
			continue
		}
		// Walk from tr.To through gone elements; every exit is a new successor of tr.From.
		visited := map[uuid.UUID]bool{}
		stack := []uuid.UUID{tr.To}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if visited[x] {
				continue
			}
			visited[x] = true
			for _, y := range next[x] {
				if in[y] {
					stack = append(stack, y)
					continue
				}
				l := CourseTransition{From: tr.From, To: y}
				if y != tr.From && !seen[l] {
					seen[l] = true
					links = append(links, l)
				}
			}
		}
	}
	if len(links) == 0 {
		return nil
	}
	return insertTransitions(t, c.ID, links)
}

// Elements.
