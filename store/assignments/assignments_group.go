package assignments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GroupAssignInput assigns one course to groups.
type GroupAssignInput struct {
	CourseID       uuid.UUID
	GroupIDs       []uuid.UUID
	DueAt, StartAt *time.Time
}

// GroupAssignCount is what a group assignment did for one group.
type GroupAssignCount struct {
	GroupID         uuid.UUID
	Members         int         // members now
	Assigned        int         // new assignments
	AlreadyAssigned int         // active members who already held the course
	Skipped         int         // banned members
	AssignedUsers   []uuid.UUID // who got a new assignment
	SkippedUsers    []uuid.UUID // the banned members
}

// groupCourseAudit is a group's course assignment in the audit log.
type groupCourseAudit struct {
	GroupID       string     `json:"groupId"`
	CourseID      string     `json:"courseId"`
	ChainID       *string    `json:"chainId,omitempty"`
	ChainPosition *int       `json:"chainPosition,omitempty"`
	StartAt       *time.Time `json:"startAt,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
}

// upsertGroupCourse records (or updates the dates and chain of) a group's course
// assignment, audited with before and after.
func upsertGroupCourse(t *store.Tx, group, course uuid.UUID, chain *uuid.UUID, chainPos *int, startAt, dueAt *time.Time) error {
	var before *groupCourseAudit
	var bChain *uuid.UUID
	var bPos *int
	var bStart, bDue *time.Time
	err := t.QueryRow(`SELECT chain_id, chain_position, start_at, due_at FROM group_course_assignments
WHERE tenant_id = learnd_tenant() AND group_id = $1 AND course_id = $2 FOR UPDATE`, group, course).Scan(&bChain, &bPos, &bStart, &bDue)
	switch {
	case err == nil:
		before = &groupCourseAudit{GroupID: typeid.Format(typeid.Group, group), CourseID: typeid.Format(typeid.Course, course),
			ChainID: optID(typeid.Chain, bChain), ChainPosition: bPos, StartAt: inUTC(bStart), DueAt: inUTC(bDue)}
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if chain == nil && before != nil { // a plain group assignment keeps the chain it was part of
		chain, chainPos = bChain, bPos
	}
	_, err = t.Exec(`INSERT INTO group_course_assignments (tenant_id, group_id, course_id, chain_id, chain_position, due_at, start_at, assigned_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (tenant_id, group_id, course_id) DO UPDATE SET chain_id = EXCLUDED.chain_id, chain_position = EXCLUDED.chain_position,
  due_at = EXCLUDED.due_at, start_at = EXCLUDED.start_at, assigned_by = EXCLUDED.assigned_by`,
		t.Caller().TenantID, group, course, chain, chainPos, dueAt, startAt, actorOf(t), store.Now())
	if err != nil {
		return err
	}
	after := groupCourseAudit{GroupID: typeid.Format(typeid.Group, group), CourseID: typeid.Format(typeid.Course, course),
		ChainID: optID(typeid.Chain, chain), ChainPosition: chainPos, StartAt: inUTC(startAt), DueAt: inUTC(dueAt)}
	var b any
	if before != nil {
		b = before
	}
	return t.Audit("group.assign_course", "group", typeid.Format(typeid.Group, group), b, after)
}

// groupMembers reads a group's members.
func groupMembers(t *store.Tx, group uuid.UUID) ([]learnerRow, error) {
	rows, err := t.Query(`SELECT u.id, u.name, u.email, u.status = 'banned' FROM group_members gm
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = gm.user_id
WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = $1 ORDER BY u.id`, group)
	if err != nil {
		return nil, err
	}
	var out []learnerRow
	var u learnerRow
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Email, &u.Banned}, func() error {
		out = append(out, u)
		return nil
	})
	return out, err
}

// insert assigns (course, chain position) pairs to users in one statement, ON
// CONFLICT DO NOTHING, auditing each new row; it returns the new rows.
func insert(t *store.Tx, users []uuid.UUID, courses []uuid.UUID, group, chain *uuid.UUID, startAt, dueAt *time.Time) ([]newAssignment, error) {
	if len(users) == 0 || len(courses) == 0 {
		return nil, nil
	}
	ts := store.Now()
	rows, err := t.Query(`INSERT INTO assignments (tenant_id, id, user_id, course_id, group_id, chain_id, chain_position, due_at, start_at, assigned_by, created_at, updated_at)
SELECT $1, learnd_uuidv7(), u.id, c.id, $4, $5, CASE WHEN $5::uuid IS NULL THEN NULL ELSE c.pos END, $6, $7, $8, $9, $9
  FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)
  CROSS JOIN unnest($3::uuid[]) WITH ORDINALITY AS c(id, pos)
 ORDER BY u.n, c.pos
ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING
RETURNING id, user_id, course_id, chain_position`,
		t.Caller().TenantID, users, courses, group, chain, dueAt, startAt, actorOf(t), ts)
	if err != nil {
		return nil, err
	}
	var out []newAssignment
	var n newAssignment
	var pos *int
	_, err = pgx.ForEachRow(rows, []any{&n.id, &n.user, &n.course, &pos}, func() error {
		a := n
		a.group, a.chain, a.startAt, a.dueAt = group, chain, startAt, dueAt
		if pos != nil {
			p := *pos
			a.chainPos = &p
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		if err := t.Audit("assignment.create", "assignment", typeid.Format(typeid.Assignment, a.id), nil, a.audit()); err != nil {
			return nil, err
		}
		if err := t.Emit(store.EventAssignmentCreated, a.audit()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AssignGroups assigns a published course to every active member of each group and
// records the group assignment (members who join later get it through the trigger).
func (s *Repo) AssignGroups(ctx context.Context, in GroupAssignInput) ([]GroupAssignCount, error) {
	var out []GroupAssignCount
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := courseToAssign(t, in.CourseID)
		if err != nil {
			return err
		}
		found, err := liveGroups(t, in.GroupIDs)
		if err != nil {
			return err
		}
		v := &store.ValidationError{}
		for i, g := range in.GroupIDs {
			if !found[g] {
				v.Add("/groups/"+strconv.Itoa(i), "no such group")
			}
		}
		checkDates(v, in.StartAt, in.DueAt)
		if err := v.Err(); err != nil {
			return err
		}
		for _, g := range in.GroupIDs {
			if err := upsertGroupCourse(t, g, in.CourseID, nil, nil, in.StartAt, in.DueAt); err != nil {
				return err
			}
			members, err := groupMembers(t, g)
			if err != nil {
				return err
			}
			cnt := GroupAssignCount{GroupID: g, Members: len(members)}
			active := make([]uuid.UUID, 0, len(members))
			byID := make(map[uuid.UUID]learnerRow, len(members))
			for _, m := range members {
				if m.Banned {
					cnt.Skipped++
					cnt.SkippedUsers = append(cnt.SkippedUsers, m.ID)
					continue
				}
				active = append(active, m.ID)
				byID[m.ID] = m
			}
			made, err := insert(t, active, []uuid.UUID{in.CourseID}, &g, nil, in.StartAt, in.DueAt)
			if err != nil {
				return err
			}
			for _, a := range made {
				if err := t.EnqueueMail(noticeMail(byID[a.user], c.Name, in.StartAt, in.DueAt)); err != nil {
					return err
				}
				cnt.AssignedUsers = append(cnt.AssignedUsers, a.user)
			}
			cnt.Assigned = len(made)
			cnt.AlreadyAssigned = len(active) - len(made)
			out = append(out, cnt)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assign groups: %w", err)
	}
	return out, nil
}
