package courses

import (
	"time"

	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ErrAlreadyPublished and ErrNotPublished are publish and unpublish on a course in the
// wrong state.
var (
	ErrAlreadyPublished = errors.New("course is already published")
	ErrNotPublished     = errors.New("course is not published")
)

// Publish publishes a draft or archived course: it needs at least one element and every
// quiz at least one question (a ValidationError with a pointer per problem otherwise).
func (r *CourseRepo) Publish(ctx context.Context, id uuid.UUID, expected *int) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		if c.Status == CourseStatusPublished {
			return ErrAlreadyPublished
		}
		if err := publishable(c); err != nil {
			return err
		}
		before := auditCourse(c)
		ts := store.Now()
		if _, err := t.Exec(`UPDATE courses SET status = 'published', published_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, ts); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.Status, c.PublishedAt = CourseStatusPublished, &ts
		out = c
		if err := t.Audit("course.publish", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c)); err != nil {
			return err
		}
		return t.Emit(store.EventCoursePublished, publishedEvent{ID: typeid.Format(typeid.Course, c.ID), Name: c.Name, PublishedAt: ts})
	})
	if err != nil {
		return nil, fmt.Errorf("publish course: %w", err)
	}
	return out, nil
}

// publishable checks the publish rules, pointing into the course's structure.
func publishable(c *Course) error {
	var v store.ValidationError
	n := 0
	for si, s := range c.Sections {
		for ei, e := range s.Elements {
			n++
			if e.Kind == ElementQuiz && len(e.Questions) == 0 {
				v.Add(fmt.Sprintf("/structure/sections/%d/elements/%d/questions", si, ei), "the quiz %q needs at least one question", e.Title)
			}
		}
	}
	if n == 0 {
		v.Add("/structure/sections", "a course needs at least one element (lesson, quiz or survey) to be published")
	}
	return v.Err()
}

// Unpublish takes a published course back to draft, or to archived.
func (r *CourseRepo) Unpublish(ctx context.Context, id uuid.UUID, expected *int, archive bool) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		if c.Status != CourseStatusPublished {
			return ErrNotPublished
		}
		before := auditCourse(c)
		status := CourseStatusDraft
		if archive {
			status = CourseStatusArchived
		}
		if _, err := t.Exec(`UPDATE courses SET status = $2, published_at = NULL WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, status); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.Status, c.PublishedAt = status, nil
		out = c
		return t.Audit("course.unpublish", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return nil, fmt.Errorf("unpublish course: %w", err)
	}
	return out, nil
}

// publishedEvent is the data of course.published.
type publishedEvent struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	PublishedAt time.Time `json:"publishedAt"`
}
