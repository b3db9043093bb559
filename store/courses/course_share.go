package courses

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ErrShareOwner means a course was to be shared with its own owner; ErrShareRole that the
// user's role does not grant course_edit (a learner), so a share would grant nothing.
var (
	ErrShareOwner = errors.New("the user owns the course")
	ErrShareRole  = errors.New("the user's role does not grant course_edit")
)

// Share lets a user whose role grants course_edit edit the course. Re-sharing is a no-op
// (no version bump, no audit entry); created says whether the share is new.
func (r *CourseRepo) Share(ctx context.Context, id, userID uuid.UUID, expected *int) (share CourseShare, version int, created bool, err error) {
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessManage)
		if err != nil {
			return err
		}
		version = c.Version
		for _, s := range c.Shares {
			if s.UserID == userID {
				share = s
				return nil
			}
		}
		var role string
		if err := t.QueryRow(`SELECT role FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, userID).Scan(&role); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return &PartNotFoundError{What: "user"}
			}
			return err
		}
		if userID == c.OwnerID {
			return ErrShareOwner
		}
		if !auth.Role(role).Can(auth.PermCourseEdit) {
			return ErrShareRole
		}
		share = CourseShare{UserID: userID, CreatedAt: store.Now(), CreatedBy: actor(t)}
		if _, err := t.Exec(`INSERT INTO course_shares (tenant_id, course_id, user_id, created_at, created_by) VALUES (learnd_tenant(), $1, $2, $3, $4)`,
			c.ID, userID, share.CreatedAt, share.CreatedBy); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		version, created = c.Version, true
		return t.Audit("course.share", "course", typeid.Format(typeid.Course, c.ID), nil, shareAudit{UserID: typeid.Format(typeid.Person, userID), Version: c.Version})
	})
	if err != nil {
		return CourseShare{}, 0, false, fmt.Errorf("share course: %w", err)
	}
	return share, version, created, nil
}

type shareAudit struct {
	UserID  string `json:"userId"`
	Version int    `json:"version"`
}

// Unshare removes a user's share; ErrNotFound when there is none.
func (r *CourseRepo) Unshare(ctx context.Context, id, userID uuid.UUID, expected *int) (version int, err error) {
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessManage)
		if err != nil {
			return err
		}
		tag, err := t.Exec(`DELETE FROM course_shares WHERE tenant_id = learnd_tenant() AND course_id = $1 AND user_id = $2`, c.ID, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return &PartNotFoundError{What: "share"}
		}
		before := shareAudit{UserID: typeid.Format(typeid.Person, userID), Version: c.Version}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		version = c.Version
		return t.Audit("course.unshare", "course", typeid.Format(typeid.Course, c.ID), before, nil)
	})
	if err != nil {
		return 0, fmt.Errorf("unshare course: %w", err)
	}
	return version, nil
}
