package reports

import (
	"math"

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

// totalsSQL counts rows by their computed status (a column status, statusSQL's): the
// columns Totals scans.
const totalsSQL = `count(*), count(*) FILTER (WHERE status = 'scheduled'), count(*) FILTER (WHERE status = 'completed'),
  count(*) FILTER (WHERE status = 'overdue'), count(*) FILTER (WHERE status = 'in_progress'),
  count(*) FILTER (WHERE status = 'assigned'), count(*) FILTER (WHERE status = 'expired')`

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
