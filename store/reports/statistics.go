package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// StatWindow is a report's time window, both ends inclusive.
type StatWindow struct {
	From, To time.Time
}

// Days lists the UTC days the window touches, oldest first.
func (w StatWindow) Days() []time.Time {
	first := utcDay(w.From)
	last := utcDay(w.To)
	var out []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// utcDay is the UTC midnight of t's UTC day.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// StatDayCount is a count for one UTC day.
type StatDayCount struct {
	Day   time.Time
	Count int
}

// liveSQL is the assignments a of active users (u) on live courses (c) of the tenant.
const liveSQL = `assignments a
JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id AND NOT c.is_deleted
WHERE a.tenant_id = learnd_tenant()`

// perDay runs sql (yielding a UTC date and a count per row) and spreads the counts over
// every day of w, zero-filled.
func perDay(t *store.Tx, w StatWindow, sql string, args ...any) ([]StatDayCount, error) {
	rows, err := t.Query(sql, args...)
	if err != nil {
		return nil, err
	}
	got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatDayCount, error) {
		var d StatDayCount
		err := row.Scan(&d.Day, &d.Count)
		return d, err
	})
	if err != nil {
		return nil, err
	}
	byDay := make(map[time.Time]int, len(got))
	for _, d := range got {
		byDay[utcDay(d.Day)] += d.Count
	}
	days := w.Days()
	out := make([]StatDayCount, len(days))
	for i, d := range days {
		out[i] = StatDayCount{Day: d, Count: byDay[d]}
	}
	return out, nil
}

// StatOverview is the tenant at a glance: users, courses and assignments now, and events in
// the window.
type StatOverview struct {
	Users          struct{ Total, Active, Banned int }
	Courses        struct{ Total, Published, Draft, Archived int }
	Assignments    Totals
	CompletionRate float64 // all completed over all assignments, × 100

	// In the window.
	Completions        int
	AssignmentsCreated int
	CertificatesIssued int
	ActiveLearners     int
}

// activeSQL yields the distinct active users (user_id) with an event in [$1, $2] and the
// instant (at) of each event: element progress recorded, a course started or completed.
const activeSQL = `SELECT p.user_id, p.updated_at AS at FROM element_progress p
JOIN users u ON u.tenant_id = p.tenant_id AND u.id = p.user_id AND u.status = 'active'
JOIN courses c ON c.tenant_id = p.tenant_id AND c.id = p.course_id AND NOT c.is_deleted
WHERE p.tenant_id = learnd_tenant() AND p.updated_at BETWEEN $1 AND $2
UNION ALL
SELECT a.user_id, a.started_at FROM ` + liveSQL + ` AND a.started_at BETWEEN $1 AND $2
UNION ALL
SELECT a.user_id, a.completed_at FROM ` + liveSQL + ` AND a.completed_at BETWEEN $1 AND $2`

// StatisticsOverview computes the overview scope.
func (s *Repo) StatisticsOverview(ctx context.Context, w StatWindow) (StatOverview, error) {
	var o StatOverview
	at := store.Now()
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := t.QueryRow(`SELECT count(*), count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'banned')
FROM users WHERE tenant_id = learnd_tenant()`).Scan(&o.Users.Total, &o.Users.Active, &o.Users.Banned); err != nil {
			return fmt.Errorf("users: %w", err)
		}
		if err := t.QueryRow(`SELECT count(*), count(*) FILTER (WHERE status = 'published'), count(*) FILTER (WHERE status = 'draft'),
  count(*) FILTER (WHERE status = 'archived')
FROM courses WHERE tenant_id = learnd_tenant() AND NOT is_deleted`).Scan(&o.Courses.Total, &o.Courses.Published, &o.Courses.Draft, &o.Courses.Archived); err != nil {
			return fmt.Errorf("courses: %w", err)
		}
		if err := t.QueryRow(`SELECT `+totalsSQL+` FROM (SELECT `+statusSQL+` AS status FROM `+liveSQL+`) s`, at).Scan(o.Assignments.targets()...); err != nil {
			return fmt.Errorf("assignments: %w", err)
		}
		o.CompletionRate = Pct(o.Assignments.Completed, o.Assignments.Assigned)
		if err := t.QueryRow(`SELECT count(*) FILTER (WHERE a.completed_at BETWEEN $1 AND $2),
  count(*) FILTER (WHERE a.created_at BETWEEN $1 AND $2)
FROM `+liveSQL, w.From, w.To).Scan(&o.Completions, &o.AssignmentsCreated); err != nil {
			return fmt.Errorf("window: %w", err)
		}
		if err := t.QueryRow(`SELECT count(*) FROM certificates ce
JOIN users u ON u.tenant_id = ce.tenant_id AND u.id = ce.user_id AND u.status = 'active'
WHERE ce.tenant_id = learnd_tenant() AND ce.issued_at BETWEEN $1 AND $2`, w.From, w.To).Scan(&o.CertificatesIssued); err != nil {
			return fmt.Errorf("certificates: %w", err)
		}
		if err := t.QueryRow(`SELECT count(DISTINCT user_id) FROM (`+activeSQL+`) ev`, w.From, w.To).Scan(&o.ActiveLearners); err != nil {
			return fmt.Errorf("active learners: %w", err)
		}
		return nil
	})
	if err != nil {
		return StatOverview{}, fmt.Errorf("statistics overview: %w", err)
	}
	return o, nil
}

// StatActivityDay is one day of the activity scope.
type StatActivityDay struct {
	Day                         time.Time
	ActiveLearners, Completions int
}

// StatActivity is the activity scope.
type StatActivity struct {
	ActiveLearners, Completions int
	PerDay                      []StatActivityDay
}

// StatisticsActivity computes the activity scope: per UTC day, the learners who recorded
// progress, started or completed a course, and the completions.
func (s *Repo) StatisticsActivity(ctx context.Context, w StatWindow) (StatActivity, error) {
	var a StatActivity
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := t.QueryRow(`SELECT count(DISTINCT user_id) FROM (`+activeSQL+`) ev`, w.From, w.To).Scan(&a.ActiveLearners); err != nil {
			return fmt.Errorf("active learners: %w", err)
		}
		active, err := perDay(t, w, `SELECT (at AT TIME ZONE 'UTC')::date, count(DISTINCT user_id) FROM (`+activeSQL+`) ev GROUP BY 1`, w.From, w.To)
		if err != nil {
			return fmt.Errorf("active per day: %w", err)
		}
		done, err := perDay(t, w, `SELECT (a.completed_at AT TIME ZONE 'UTC')::date, count(*) FROM `+liveSQL+`
  AND a.completed_at BETWEEN $1 AND $2 GROUP BY 1`, w.From, w.To)
		if err != nil {
			return fmt.Errorf("completions per day: %w", err)
		}
		a.PerDay = make([]StatActivityDay, len(active))
		for i := range active {
			a.PerDay[i] = StatActivityDay{Day: active[i].Day, ActiveLearners: active[i].Count, Completions: done[i].Count}
			a.Completions += done[i].Count
		}
		return nil
	})
	if err != nil {
		return StatActivity{}, fmt.Errorf("statistics activity: %w", err)
	}
	return a, nil
}

// StatLeader is one learner on the leaderboard.
type StatLeader struct {
	Rank              int
	UserID            uuid.UUID
	Name              string
	Points, Completed int
}

// Leaderboard ranks the learners who completed courses in the window: most points, then
// most completions, then by name (then id); at most limit of them.
func (s *Repo) Leaderboard(ctx context.Context, w StatWindow, limit int) ([]StatLeader, error) {
	var out []StatLeader
	err := s.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT u.id, u.name, coalesce(sum(a.points_awarded), 0)::int, count(*)::int FROM `+liveSQL+`
  AND a.completed_at BETWEEN $1 AND $2
GROUP BY u.id, u.name
ORDER BY 3 DESC, 4 DESC, lower(u.name), u.name, u.id
LIMIT $3`, w.From, w.To, limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatLeader, error) {
			var l StatLeader
			err := row.Scan(&l.UserID, &l.Name, &l.Points, &l.Completed)
			return l, err
		})
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Rank = i + 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("leaderboard: %w", err)
	}
	return out, nil
}
