package reports

import (
	"context"
	"errors"
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
	GroupID  *uuid.UUID // only the group's current members
	Status   string     // rows with this status only; "" for all
	Limit    int
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

// A report is written with only the filters its query sets (the group, the status, the
// keyset position) and with the usual page sizes as literals: a filter written as
// "$n IS NULL OR …", or a LIMIT $n, makes every custom plan look cheaper than the generic
// one, and PostgreSQL planned both statements of every report anew (~1.2 and ~1.7 ms, a
// fifth of the report). Each combination is now its own statement, planned once per
// connection.

// complianceRows is the WITH of a report's statement: s, the course's assignments of
// active users (of the group's current members, when q names a group) with their status
// at at, read once. It adds the first parameters: $1 at, $2 the course.
func complianceRows(q ComplianceQuery, at time.Time, args *store.Args) string {
	sql := `WITH s AS MATERIALIZED (
  SELECT u.id AS user_id, a.id AS assignment_id, u.name, u.email, ` + strings.ReplaceAll(statusSQL, "$1", args.Add(at)) + ` AS status,
         a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, lower(u.name) AS sort_name
    FROM assignments a
    JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
   WHERE a.tenant_id = learnd_tenant() AND a.course_id = ` + args.Add(q.CourseID)
	if q.GroupID != nil {
		sql += `
     AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = ` + args.Add(*q.GroupID) + ` AND gm.user_id = a.user_id)`
	}
	return sql + `)`
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

// complianceTotals counts s's rows by status (the columns Totals scans).
const complianceTotals = `count(*), count(*) FILTER (WHERE status = 'scheduled'), count(*) FILTER (WHERE status = 'completed'),
  count(*) FILTER (WHERE status = 'overdue'), count(*) FILTER (WHERE status = 'in_progress'),
  count(*) FILTER (WHERE status = 'assigned'), count(*) FILTER (WHERE status = 'expired')`

// complianceSQL is a report in one statement: the course's name (no row: no such live
// course), whether q's group exists, the totals over s and one page of s after q's
// position, one row per page row (the first with NULL row columns when the page is empty).
func complianceSQL(q ComplianceQuery, at time.Time) (string, store.Args) {
	var args store.Args
	sql := complianceRows(q, at, &args) + `
SELECT c.name, `
	if q.GroupID != nil {
		sql += `EXISTS (SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = ` + args.Add(*q.GroupID) + `)`
	} else {
		sql += `true`
	}
	sql += `, t.*, p.*
  FROM courses c
 CROSS JOIN (SELECT ` + complianceTotals + ` FROM s) t
  LEFT JOIN LATERAL (SELECT ` + complianceRowCols + ` FROM s WHERE ` + complianceWhere(q, &args)
	if q.After != nil {
		sql += ` AND (sort_name, user_id) > (` + args.Add(q.After.Name) + `, ` + args.Add(q.After.ID) + `::uuid)`
	}
	sql += ` ORDER BY sort_name, user_id ` + args.Limit(q.Limit+1) + `) p ON true
 WHERE c.tenant_id = learnd_tenant() AND c.id = $2 AND NOT c.is_deleted
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

// complianceScope checks that q's course (not deleted) and group exist; a missing one is
// a NotFoundError.
func complianceScope(t *store.Tx, q ComplianceQuery) error {
	var one int
	err := t.QueryRow(`SELECT 1 FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, q.CourseID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return &NotFoundError{What: "course"}
	}
	if err != nil || q.GroupID == nil {
		return err
	}
	err = t.QueryRow(`SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, *q.GroupID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return &NotFoundError{What: "group"}
	}
	return err
}
