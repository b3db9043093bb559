package assignments

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// AssignInput assigns one course to one user.
type AssignInput struct {
	CourseID, UserID uuid.UUID
	DueAt, StartAt   *time.Time
}

// checkDates: a deadline is in the future (as extend_deadline requires: a new
// assignment is never overdue the moment it is made) and later than the start.
func checkDates(v *store.ValidationError, startAt, dueAt *time.Time) {
	switch {
	case dueAt != nil && !dueAt.After(store.Now()):
		v.Add("/dueAt", "must be in the future")
	case startAt != nil && dueAt != nil && !dueAt.After(*startAt):
		v.Add("/dueAt", "must be later than startAt")
	}
}

// AssignUser assigns a published course to an active user. Assigning again is a no-op that
// returns the existing assignment with created false. A new assignment is audited and
// mails the learner a notice.
func (s *Repo) AssignUser(ctx context.Context, in AssignInput) (Assignment, bool, error) {
	var out Assignment
	created := false
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := courseToAssign(t, in.CourseID)
		if err != nil {
			return err
		}
		users, err := learnerRows(t, []uuid.UUID{in.UserID})
		if err != nil {
			return err
		}
		v := &store.ValidationError{}
		checkUsers(v, users, []uuid.UUID{in.UserID}, func(int) string { return "/userId" })
		checkDates(v, in.StartAt, in.DueAt)
		if err := v.Err(); err != nil {
			return err
		}
		n := newAssignment{id: uuid.Must(uuid.NewV7()), user: in.UserID, course: in.CourseID, startAt: in.StartAt, dueAt: in.DueAt}
		ts := store.Now()
		tag, err := t.Exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, due_at, start_at, assigned_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING`,
			t.Caller().TenantID, n.id, n.user, n.course, n.dueAt, n.startAt, actorOf(t), ts)
		if err != nil {
			return err
		}
		if created = tag.RowsAffected() == 1; created {
			if err := t.Audit("assignment.create", "assignment", typeid.Format(typeid.Assignment, n.id), nil, n.audit()); err != nil {
				return err
			}
			if err := t.Emit(store.EventAssignmentCreated, n.audit()); err != nil {
				return err
			}
			if err := t.EnqueueMail(noticeMail(users[in.UserID], c.Name, in.StartAt, in.DueAt)); err != nil {
				return err
			}
		}
		list, err := queryAssignments(t, "AND a.user_id = @user AND a.course_id = @course", pgx.NamedArgs{"user": in.UserID, "course": in.CourseID})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("assignment of %s to %s vanished", in.CourseID, in.UserID)
		}
		out = list[0]
		return nil
	})
	if err != nil {
		return Assignment{}, false, fmt.Errorf("assign user: %w", err)
	}
	return out, created, nil
}

// actor is the caller's person id for *_by columns (nil when unknown).
func actorOf(t *store.Tx) *uuid.UUID {
	if t.Caller().PersonID == uuid.Nil {
		return nil
	}
	id := t.Caller().PersonID
	return &id
}
