package reports

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// StatCourseCompletion is one course's completion.
type StatCourseCompletion struct {
	CourseID            uuid.UUID
	Name                string
	Assigned, Completed int
	CompletionPct       float64
}

// StatOverdueLearner is a learner's count of overdue assignments.
type StatOverdueLearner struct {
	UserID      uuid.UUID
	Name, Email string
	Overdue     int
}

// StatInsights is the insights scope.
type StatInsights struct {
	LowestCompletion         []StatCourseCompletion
	MostOverdue              []StatOverdueLearner
	CertificatesExpiringSoon int
}

// insightsTop is how many courses and learners insights name.
const insightsTop = 5

// StatisticsInsights computes the insights scope (the state now): the courses with the
// lowest completion rate, the learners with the most overdue assignments, and the
// certificates expiring in the next 90 days.
func (s *Repo) StatisticsInsights(ctx context.Context) (StatInsights, error) {
	var in StatInsights
	at := store.Now()
	err := s.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT c.id, c.name, count(*) AS assigned,
  count(*) FILTER (WHERE `+statusSQL+` = 'completed') AS completed
FROM `+liveSQL+`
GROUP BY c.id, c.name
ORDER BY count(*) FILTER (WHERE `+statusSQL+` = 'completed')::float8 / count(*), count(*) DESC, lower(c.name), c.id
LIMIT $2`, at, insightsTop)
		if err != nil {
			return fmt.Errorf("lowest completion: %w", err)
		}
		in.LowestCompletion, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatCourseCompletion, error) {
			var c StatCourseCompletion
			err := row.Scan(&c.CourseID, &c.Name, &c.Assigned, &c.Completed)
			c.CompletionPct = Pct(c.Completed, c.Assigned)
			return c, err
		})
		if err != nil {
			return fmt.Errorf("lowest completion: %w", err)
		}
		rows, err = t.Query(`SELECT u.id, u.name, u.email, count(*) FROM `+liveSQL+`
  AND `+statusSQL+` = 'overdue'
GROUP BY u.id, u.name, u.email
ORDER BY count(*) DESC, lower(u.name), u.id
LIMIT $2`, at, insightsTop)
		if err != nil {
			return fmt.Errorf("most overdue: %w", err)
		}
		in.MostOverdue, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatOverdueLearner, error) {
			var l StatOverdueLearner
			err := row.Scan(&l.UserID, &l.Name, &l.Email, &l.Overdue)
			return l, err
		})
		if err != nil {
			return fmt.Errorf("most overdue: %w", err)
		}
		if err := t.QueryRow(`SELECT count(*) FROM certificates ce
JOIN users u ON u.tenant_id = ce.tenant_id AND u.id = ce.user_id AND u.status = 'active'
WHERE ce.tenant_id = learnd_tenant() AND ce.expires_at > $1 AND ce.expires_at <= $2`,
			at, at.AddDate(0, 0, 90)).Scan(&in.CertificatesExpiringSoon); err != nil {
			return fmt.Errorf("expiring certificates: %w", err)
		}
		return nil
	})
	if err != nil {
		return StatInsights{}, fmt.Errorf("statistics insights: %w", err)
	}
	return in, nil
}
