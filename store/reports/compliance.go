package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// ComplianceQuery asks for one course's compliance.
type ComplianceQuery struct {
	CourseID uuid.UUID
	GroupID  *uuid.UUID        // only the group's current members
	Status   string            // rows with this status only; "" for all
	Limit    int               // rows per page, at least 1
	After    *store.NameCursor // rows are ordered by lower(name), then user id
}

// ComplianceRow is one assigned user's standing.
type ComplianceRow struct {
	UserID       uuid.UUID
	AssignmentID uuid.UUID
	Name, Email  string
	Status       string
	AssignedAt   time.Time
	StartAt      *time.Time
	DueAt        *time.Time
	StartedAt    *time.Time
	CompletedAt  *time.Time
	Score        *float64
}

// ComplianceReport is a course's compliance breakdown and one page of rows.
type ComplianceReport struct {
	CourseID   uuid.UUID
	CourseName string
	GroupID    *uuid.UUID
	Totals     Totals
	Rows       []ComplianceRow
	Next       *store.NameCursor // nil on the last page
}

// A report's statement holds only the filters its query sets (the group, the status, the
// keyset position) and writes the usual page sizes as literals (store.Args.Limit): a
// filter written as "$n IS NULL OR …", or a LIMIT $n, makes every custom plan look
// cheaper than the generic one, and PostgreSQL would plan the statement on every call
// (~1–2 ms, a fifth of a report). Each combination is a statement of its own, planned
// once per connection.

// complianceRows is the WITH of a report's statement: s, the course's assignments of
// active users (of the group's current members, when q names a group) with their status
// at at, read once. It returns the placeholders of the course and of the group ("" when
// q names none), for the rest of the statement.
func complianceRows(q ComplianceQuery, at time.Time, args *store.Args) (sql, course, group string) {
	now, course := args.Add(at), args.Add(q.CourseID)
	sql = `WITH s AS MATERIALIZED (
  SELECT u.id AS user_id, a.id AS assignment_id, u.name, u.email, ` + strings.NewReplacer("$1", now).Replace(statusSQL) + ` AS status,
         a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, lower(u.name) AS sort_name
    FROM assignments a
    JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
   WHERE a.tenant_id = learnd_tenant() AND a.course_id = ` + course
	if q.GroupID != nil {
		group = args.Add(*q.GroupID)
		sql += `
     AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = ` + group + ` AND gm.user_id = a.user_id)`
	}
	return sql + `)`, course, group
}

// complianceRowCols are the columns of a report row, over s (scanComplianceRow).
const complianceRowCols = `user_id, assignment_id, name, email, status, created_at, start_at, due_at, started_at, completed_at, score, sort_name`

// complianceWhere is the condition on s's rows of q's status ("" for all).
func complianceWhere(q ComplianceQuery, args *store.Args) string {
	if q.Status == "" {
		return `true`
	}
	return `status = ` + args.Add(q.Status)
}

// complianceSQL is a report in one statement: the course's name (no row: no such live
// course), whether q's group exists, the totals over s and one page of s after q's
// position, one row per page row (the first with NULL row columns when the page is empty).
func complianceSQL(q ComplianceQuery, at time.Time) (string, store.Args) {
	var args store.Args
	rows, course, group := complianceRows(q, at, &args)
	sql := rows + `
SELECT c.name, `
	if group != "" {
		sql += `EXISTS (SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = ` + group + `)`
	} else {
		sql += `true`
	}
	sql += `, t.*, p.*
  FROM courses c
 CROSS JOIN (SELECT ` + totalsSQL + ` FROM s) t
  LEFT JOIN LATERAL (SELECT ` + complianceRowCols + ` FROM s WHERE ` + complianceWhere(q, &args)
	if q.After != nil {
		sql += ` AND (sort_name, user_id) > (` + args.Add(q.After.Name) + `, ` + args.Add(q.After.ID) + `::uuid)`
	}
	sql += ` ORDER BY sort_name, user_id ` + args.Limit(q.Limit+1) + `) p ON true
 WHERE c.tenant_id = learnd_tenant() AND c.id = ` + course + ` AND NOT c.is_deleted
 ORDER BY p.sort_name, p.user_id`
	return sql, args
}

// scanComplianceRow scans a report row (complianceRowCols, after the columns before
// scans) into c and returns its sort name; false when the row holds none (an empty page).
func scanComplianceRow(rows pgx.Rows, c *ComplianceRow, before ...any) (string, bool, error) {
	var userID, assignmentID *uuid.UUID
	var name, email, status, sortName *string
	var assignedAt *time.Time
	dst := append(append(make([]any, 0, len(before)+12), before...), &userID, &assignmentID, &name, &email, &status, &assignedAt,
		&c.StartAt, &c.DueAt, &c.StartedAt, &c.CompletedAt, &c.Score, &sortName)
	err := rows.Scan(dst...)
	if err != nil || userID == nil {
		return "", false, err
	}
	c.UserID, c.AssignmentID, c.Name, c.Email, c.Status, c.AssignedAt = *userID, *assignmentID, *name, *email, *status, *assignedAt
	return *sortName, true, nil
}

// Compliance reports one course's compliance, optionally for one group's members, in one
// statement. An unknown or deleted course, or an unknown group, is a NotFoundError.
func (s *Repo) Compliance(ctx context.Context, q ComplianceQuery) (ComplianceReport, error) {
	r := ComplianceReport{CourseID: q.CourseID, GroupID: q.GroupID}
	q.Limit = max(q.Limit, 1)
	sql, args := complianceSQL(q, store.Now())
	err := s.st.Read(ctx, func(t *store.Tx) error {
		found, groupFound, emptyPage := false, false, false
		head := append([]any{&r.CourseName, &groupFound}, r.Totals.targets()...)
		var err error
		r.Rows, r.Next, err = store.KeysetPage(t, q.Limit, sql, args, func(rows pgx.Rows, c *ComplianceRow) (store.NameCursor, error) {
			found = true
			name, ok, err := scanComplianceRow(rows, c, head...)
			emptyPage = !ok
			return store.NameCursor{Name: name, ID: c.UserID}, err
		})
		if err != nil {
			return err
		}
		switch {
		case !found:
			return &NotFoundError{What: "course"}
		case !groupFound:
			return &NotFoundError{What: "group"}
		case emptyPage: // its one row holds the course and the totals, no user
			r.Rows = r.Rows[:0]
		}
		return nil
	})
	if err != nil {
		return ComplianceReport{}, fmt.Errorf("compliance: %w", err)
	}
	return r, nil
}
