package assignments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// deadlineAudit is a deadline change in the audit log.
type deadlineAudit struct {
	DueAt *time.Time `json:"dueAt"`
}

// ExtendDeadline moves an assignment's deadline later: the new one must be later than the
// current one and in the future; an assignment without a deadline, or a completed one
// (ErrAssignmentCompleted), cannot be extended. Audited with the deadline before and after.
func (s *Repo) ExtendDeadline(ctx context.Context, id uuid.UUID, dueAt time.Time) (Assignment, error) {
	var out Assignment
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		var cur, completed *time.Time
		err := t.QueryRow(`SELECT a.due_at, a.completed_at FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
WHERE a.tenant_id = learnd_tenant() AND a.id = $1 FOR UPDATE OF a`, id).Scan(&cur, &completed)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if completed != nil {
			return ErrAssignmentCompleted
		}
		ts := store.Now()
		v := &store.ValidationError{}
		switch {
		case cur == nil:
			v.Add("/dueAt", "the assignment has no deadline to extend")
		case !dueAt.After(*cur):
			v.Add("/dueAt", "must be later than the current deadline, %s", cur.UTC().Format(time.RFC3339))
		case !dueAt.After(ts):
			v.Add("/dueAt", "must be in the future")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE assignments SET due_at = $2, updated_at = $3 WHERE tenant_id = learnd_tenant() AND id = $1`, id, dueAt, ts); err != nil {
			return err
		}
		if err := t.Audit("assignment.extend_deadline", "assignment", typeid.Format(typeid.Assignment, id), deadlineAudit{DueAt: inUTC(cur)}, deadlineAudit{DueAt: inUTC(&dueAt)}); err != nil {
			return err
		}
		out, err = assignmentByID(t, id)
		return err
	})
	if err != nil {
		return Assignment{}, fmt.Errorf("extend deadline: %w", err)
	}
	return out, nil
}
