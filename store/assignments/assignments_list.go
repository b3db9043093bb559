package assignments

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// AssignmentFilter selects assignments to list: of one user or of one group (exactly one),
// optionally in one status; newest first, keyset-paginated by id.
type AssignmentFilter struct {
	UserID  *uuid.UUID
	GroupID *uuid.UUID
	Status  string
	Limit   int
	After   *uuid.UUID // the last id of the previous page
	// Self lists the caller's own assignments: no existence check of the user.
	Self bool
}

// ListAssignments lists the assignments of a user (all of them) or of a group (its
// current members' assignments of the courses assigned to the group). An unknown user or
// group is ErrNotFound. next is the last id of a full page when more follow.
func (s *Repo) ListAssignments(ctx context.Context, f AssignmentFilter) (items []Assignment, next *uuid.UUID, err error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	err = s.st.Read(ctx, func(t *store.Tx) error {
		args := pgx.NamedArgs{"limit": f.Limit + 1}
		var where strings.Builder
		switch {
		case f.UserID != nil:
			if !f.Self {
				if err := mustExist(t, `SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, *f.UserID); err != nil {
					return err
				}
			}
			where.WriteString(" AND a.user_id = @user")
			args["user"] = *f.UserID
		case f.GroupID != nil:
			if err := mustExist(t, `SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, *f.GroupID); err != nil {
				return err
			}
			where.WriteString(` AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = @group AND gm.user_id = a.user_id)
  AND (a.group_id = @group OR EXISTS (SELECT 1 FROM group_course_assignments g WHERE g.tenant_id = learnd_tenant() AND g.group_id = @group AND g.course_id = a.course_id))`)
			args["group"] = *f.GroupID
		default:
			return errors.New("list assignments: a user or a group is required")
		}
		if f.Status != "" {
			where.WriteString(" AND " + statusSQL + " = @status")
			args["status"] = f.Status
		}
		if f.After != nil {
			where.WriteString(" AND a.id < @after")
			args["after"] = *f.After
		}
		where.WriteString(" ORDER BY a.id DESC LIMIT @limit")
		var err error
		items, err = queryAssignments(t, where.String(), args)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list assignments: %w", err)
	}
	if len(items) > f.Limit {
		items = items[:f.Limit]
		id := items[len(items)-1].ID
		next = &id
	}
	return items, next, nil
}

// exists runs a query for one row; none is ErrNotFound.
func mustExist(t *store.Tx, sql string, args ...any) error {
	var one int
	err := t.QueryRow(sql, args...).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
