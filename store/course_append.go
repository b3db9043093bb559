package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/learnd/learnd/typeid"
)

// AppendResult says what AppendSections added.
type AppendResult struct {
	Course           *Course
	ElementsAdded    int
	TransitionsAdded int
}

// AppendSections appends drafted sections (with their elements and questions) to the end
// of an existing course the caller may edit, in one transaction: nothing already there
// is changed. With linkInOrder the new elements continue the path from the course's last
// element. Transitions name elements of secs by position. Audited as
// course.structure.append on the course; the version is bumped.
func (r *CourseRepo) AppendSections(ctx context.Context, course uuid.UUID, expected *int, secs []SectionDraft, trs []TransitionDraft, linkInOrder bool) (AppendResult, error) {
	var res AppendResult
	err := r.s.inTenant(ctx, func(t *tx) error {
		c, err := t.editCourse(course, expected, accessEdit)
		if err != nil {
			return err
		}
		d := CourseDraft{Name: c.Name, Annotation: c.Annotation, Tags: c.Tags, Settings: &c.Settings, Sections: secs, Transitions: trs}
		if err := validateDraft(&d); err != nil {
			return err
		}
		before := auditCourse(c)
		added, err := t.insertSections(c, len(c.Sections), secs, now())
		if err != nil {
			return err
		}
		n, err := t.linkDraft(c, added, trs, linkInOrder)
		if err != nil {
			return err
		}
		for _, s := range added {
			res.ElementsAdded += len(s)
		}
		res.TransitionsAdded = n
		if err := t.bumpCourse(c); err != nil {
			return err
		}
		res.Course = c
		return t.audit("course.structure.append", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return AppendResult{}, fmt.Errorf("append to course: %w", err)
	}
	return res, nil
}
