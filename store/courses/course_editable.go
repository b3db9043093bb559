package courses

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// The courses an AI refinement or regeneration may change: ones the caller may edit.

// Editable returns a live course the caller may edit (course_edit on it: owner, share
// holder, admin or owner role), with its structure: ErrNotFound, or ErrCourseAccess.
func (r *CourseRepo) Editable(ctx context.Context, id uuid.UUID) (*Course, error) {
	var c *Course
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var err error
		if c, err = loadCourse(t, id, false); err != nil {
			return err
		}
		return mayEdit(t, c, accessEdit)
	})
	if err != nil {
		return nil, fmt.Errorf("get course to edit: %w", err)
	}
	return c, nil
}

// EditableByQuestion is Editable for the course holding quiz question id (ErrNotFound
// when there is no such question in a live course).
func (r *CourseRepo) EditableByQuestion(ctx context.Context, id uuid.UUID) (*Course, error) {
	return r.editableBy(ctx, `SELECT course_id FROM quiz_questions WHERE tenant_id = learnd_tenant() AND id = $1`, id)
}

// EditableByElement is Editable for the course holding element id.
func (r *CourseRepo) EditableByElement(ctx context.Context, id uuid.UUID) (*Course, error) {
	return r.editableBy(ctx, `SELECT course_id FROM course_elements WHERE tenant_id = learnd_tenant() AND id = $1`, id)
}

func (r *CourseRepo) editableBy(ctx context.Context, sql string, id uuid.UUID) (*Course, error) {
	var c *Course
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var course uuid.UUID
		err := t.QueryRow(sql, id).Scan(&course)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if c, err = loadCourse(t, course, false); err != nil {
			return err
		}
		return mayEdit(t, c, accessEdit)
	})
	if err != nil {
		return nil, fmt.Errorf("get course to edit: %w", err)
	}
	return c, nil
}
