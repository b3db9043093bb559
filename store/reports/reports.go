package reports

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// Reports (seed 003's get_compliance_status, get_statistics, get_leaderboard) read the LMS
// tables with raw SQL: every statement filters each table by tenant_id = learnd_tenant()
// (row-level security is the second line of defence). Two rules hold for every report:
//   - an assignment's status is computed at read time (statusSQL), in the order
//     scheduled, expired (completed, but its certificate has expired), completed, overdue,
//     in_progress, assigned;
//   - banned users are left out of every figure about learners and assignments (their
//     history is kept; offboarded people do not count).

// expiredSQL holds for the assignment aliased a when its learner holds certificates of the
// course and the newest-expiring of them has expired at the instant $1: completed once, no
// longer compliant.
const expiredSQL = `coalesce((SELECT max(coalesce(cer.expires_at, 'infinity')) FROM certificates cer
  WHERE cer.tenant_id = a.tenant_id AND cer.user_id = a.user_id AND cer.course_id = a.course_id) <= $1, false)`

// statusSQL computes the status of the assignment aliased a at the instant $1.
const statusSQL = `CASE WHEN a.start_at > $1 THEN 'scheduled'
  WHEN a.completed_at IS NOT NULL AND ` + expiredSQL + ` THEN 'expired'
  WHEN a.completed_at IS NOT NULL THEN 'completed'
  WHEN a.due_at < $1 THEN 'overdue'
  WHEN a.started_at IS NOT NULL THEN 'in_progress'
  ELSE 'assigned' END`

// totalsSQL aggregates assignments aliased a by status at the instant $1 (the columns
// Totals scans).
const totalsSQL = `count(*),
  count(*) FILTER (WHERE a.start_at > $1),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NOT NULL AND NOT ` + expiredSQL + `),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND a.due_at < $1),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND NOT coalesce(a.due_at < $1, false) AND a.started_at IS NOT NULL),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND NOT coalesce(a.due_at < $1, false) AND a.started_at IS NULL),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NOT NULL AND ` + expiredSQL + `)`

// Totals counts assignments by computed status; Assigned is their total and the
// others split it.
type Totals struct {
	Assigned, Scheduled, Completed, Overdue, InProgress, NotStarted int
	// Expired: completed, but the certificate it earned has expired (not compliant).
	Expired int
}

func (a *Totals) targets() []any {
	return []any{&a.Assigned, &a.Scheduled, &a.Completed, &a.Overdue, &a.InProgress, &a.NotStarted, &a.Expired}
}

// Pct is part/whole × 100 rounded to one decimal, 0 when whole is 0.
func Pct(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

// NotFoundError names what a report could not find (a course or a group); it is an
// ErrNotFound.
type NotFoundError struct{ What string }

func (e *NotFoundError) Error() string { return e.What + " not found" }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == store.ErrNotFound }

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

// scopeSQL restricts assignments a (joined to their users u) to the course $2, active
// users and, when $3 is not null, the current members of group $3.
const scopeSQL = `FROM assignments a
JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
WHERE a.tenant_id = learnd_tenant() AND a.course_id = $2
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM group_members gm
    WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = $3 AND gm.user_id = a.user_id))`

// complianceRowsSQL selects the user rows r of scopeSQL at the instant $1 with the status
// $4 (all when null); a statement adds its order (and keyset position) after it.
const complianceRowsSQL = `SELECT * FROM (
SELECT u.id AS user_id, a.id AS assignment_id, u.name, u.email, ` + statusSQL + ` AS status, a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, lower(u.name) AS sort_name
` + scopeSQL + `) r
WHERE ($4::text IS NULL OR r.status = $4)`

// scanComplianceRow scans a row of complianceRowsSQL into c and returns its sort name.
func scanComplianceRow(rows pgx.Rows, c *ComplianceRow) (string, error) {
	var sortName string
	err := rows.Scan(&c.UserID, &c.AssignmentID, &c.Name, &c.Email, &c.Status, &c.AssignedAt, &c.StartAt, &c.DueAt,
		&c.StartedAt, &c.CompletedAt, &c.Score, &sortName)
	return sortName, err
}

// complianceScope checks that q's course (not deleted) and group exist and returns the
// course's name; a missing one is a NotFoundError.
func complianceScope(t *store.Tx, q ComplianceQuery) (string, error) {
	var name string
	err := t.QueryRow(`SELECT name FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, q.CourseID).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", &NotFoundError{What: "course"}
	}
	if err != nil {
		return "", err
	}
	if q.GroupID != nil {
		var one int
		err := t.QueryRow(`SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, *q.GroupID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return "", &NotFoundError{What: "group"}
		}
		if err != nil {
			return "", err
		}
	}
	return name, nil
}

// Compliance reports one course's compliance, optionally for one group's members. An
// unknown or deleted course, or an unknown group, is a NotFoundError.
func (s *Repo) Compliance(ctx context.Context, q ComplianceQuery) (ComplianceReport, error) {
	r := ComplianceReport{CourseID: q.CourseID, GroupID: q.GroupID}
	at := store.Now()
	err := s.st.Read(ctx, func(t *store.Tx) error {
		var err error
		if r.CourseName, err = complianceScope(t, q); err != nil {
			return err
		}
		if err := t.QueryRow(`SELECT `+totalsSQL+` `+scopeSQL, at, q.CourseID, q.GroupID).
			Scan(r.Totals.targets()...); err != nil {
			return fmt.Errorf("totals: %w", err)
		}
		var afterName *string
		var afterID *uuid.UUID
		if q.After != nil {
			afterName, afterID = &q.After.Name, &q.After.ID
		}
		var status *string
		if q.Status != "" {
			status = &q.Status
		}
		r.Rows, r.Next, err = store.KeysetPage(t, q.Limit, complianceRowsSQL+`
  AND ($5::text IS NULL OR (r.sort_name, r.user_id) > ($5, $6::uuid))
ORDER BY r.sort_name, r.user_id
LIMIT $7`, []any{at, q.CourseID, q.GroupID, status, afterName, afterID, q.Limit + 1},
			func(rows pgx.Rows, c *ComplianceRow) (store.NameCursor, error) {
				sortName, err := scanComplianceRow(rows, c)
				return store.NameCursor{Name: sortName, ID: c.UserID}, err
			})
		if err != nil {
			return fmt.Errorf("rows: %w", err)
		}
		return nil
	})
	if err != nil {
		return ComplianceReport{}, fmt.Errorf("compliance: %w", err)
	}
	return r, nil
}
