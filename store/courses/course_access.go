package courses

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// ErrCourseAccess means the caller may not change this course: course_edit on one course
// needs its owner, a share holder (whose role grants course_edit), or an admin or owner;
// managing shares needs its owner, an admin or an owner.
var ErrCourseAccess = errors.New("not allowed to edit this course")

// courseAccess is what a write needs of the caller.
type courseAccess int

const (
	accessEdit   courseAccess = iota // owner, share holder, admin or owner role
	accessManage                     // owner, admin or owner role (shares)
)

// editCourse locks a live course for a write: ErrNotFound when there is none,
// ErrCourseAccess when the caller may not make it, a VersionMismatchError when expected
// is stale. The course comes with its structure.
func editCourse(t *store.Tx, id uuid.UUID, expected *int, need courseAccess) (*Course, error) {
	c, err := loadCourse(t, id, true)
	if err != nil {
		return nil, err
	}
	if err := mayEdit(t, c, need); err != nil {
		return nil, err
	}
	if expected != nil && *expected != c.Version {
		return nil, &store.VersionMismatchError{Expected: *expected, Current: c.Version}
	}
	return c, nil
}

func mayEdit(t *store.Tx, c *Course, need courseAccess) error {
	if !t.Caller().Can(auth.PermCourseEdit) {
		return ErrCourseAccess
	}
	if t.Caller().Role.AtLeast(auth.RoleAdmin) || (t.Caller().PersonID != uuid.Nil && c.OwnerID == t.Caller().PersonID) {
		return nil
	}
	if need == accessEdit {
		for _, s := range c.Shares {
			if s.UserID == t.Caller().PersonID {
				return nil
			}
		}
	}
	return ErrCourseAccess
}

// bumpCourse records a write to a course: version, updated_at, updated_by.
func bumpCourse(t *store.Tx, c *Course) error {
	err := t.QueryRow(`UPDATE courses SET version = version + 1, updated_at = $2, updated_by = $3
WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING version, updated_at, updated_by`, c.ID, store.Now(), actor(t)).
		Scan(&c.Version, &c.UpdatedAt, &c.UpdatedBy)
	if err != nil {
		return fmt.Errorf("bump course: %w", err)
	}
	return nil
}
