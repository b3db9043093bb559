package reports

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// StatPublishing is the publishing scope.
type StatPublishing struct {
	Published, CurrentlyPublished int
	PerDay                        []StatDayCount
}

// StatisticsPublishing computes the publishing scope: live courses whose latest publication
// falls in the window, per day, and the courses published now.
func (s *Repo) StatisticsPublishing(ctx context.Context, w StatWindow) (StatPublishing, error) {
	var p StatPublishing
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := t.QueryRow(`SELECT count(*) FILTER (WHERE status = 'published') FROM courses
WHERE tenant_id = learnd_tenant() AND NOT is_deleted`).Scan(&p.CurrentlyPublished); err != nil {
			return fmt.Errorf("published: %w", err)
		}
		var err error
		p.PerDay, err = perDay(t, w, `SELECT (published_at AT TIME ZONE 'UTC')::date, count(*) FROM courses
WHERE tenant_id = learnd_tenant() AND NOT is_deleted AND published_at BETWEEN $1 AND $2 GROUP BY 1`, w.From, w.To)
		if err != nil {
			return fmt.Errorf("per day: %w", err)
		}
		for _, d := range p.PerDay {
			p.Published += d.Count
		}
		return nil
	})
	if err != nil {
		return StatPublishing{}, fmt.Errorf("statistics publishing: %w", err)
	}
	return p, nil
}

// StatOwnerCount is how many courses one owner created.
type StatOwnerCount struct {
	UserID uuid.UUID
	Name   string // empty when the owner is not a user of the tenant
	Count  int
}

// StatCourseCreation is the courseCreation scope.
type StatCourseCreation struct {
	Created int
	PerDay  []StatDayCount
	ByOwner []StatOwnerCount // the top ten
}

// StatisticsCourseCreation computes the courseCreation scope: live courses created in the
// window, per day, and the ten owners who created the most (most first, then by name).
func (s *Repo) StatisticsCourseCreation(ctx context.Context, w StatWindow) (StatCourseCreation, error) {
	var c StatCourseCreation
	err := s.st.Read(ctx, func(t *store.Tx) error {
		var err error
		c.PerDay, err = perDay(t, w, `SELECT (created_at AT TIME ZONE 'UTC')::date, count(*) FROM courses
WHERE tenant_id = learnd_tenant() AND NOT is_deleted AND created_at BETWEEN $1 AND $2 GROUP BY 1`, w.From, w.To)
		if err != nil {
			return fmt.Errorf("per day: %w", err)
		}
		for _, d := range c.PerDay {
			c.Created += d.Count
		}
		rows, err := t.Query(`SELECT c.owner_id, coalesce(u.name, ''), count(*) FROM courses c
LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.owner_id
WHERE c.tenant_id = learnd_tenant() AND NOT c.is_deleted AND c.created_at BETWEEN $1 AND $2
GROUP BY c.owner_id, u.name
ORDER BY count(*) DESC, lower(coalesce(u.name, '')), c.owner_id
LIMIT 10`, w.From, w.To)
		if err != nil {
			return fmt.Errorf("by owner: %w", err)
		}
		c.ByOwner, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatOwnerCount, error) {
			var o StatOwnerCount
			err := row.Scan(&o.UserID, &o.Name, &o.Count)
			return o, err
		})
		if err != nil {
			return fmt.Errorf("by owner: %w", err)
		}
		return nil
	})
	if err != nil {
		return StatCourseCreation{}, fmt.Errorf("statistics course creation: %w", err)
	}
	return c, nil
}

// StatTag is one tag's figures.
type StatTag struct {
	Tag                                         string
	Courses, Assignments, Completions, InWindow int
	CompletionPct                               float64
}

// StatisticsTags computes the tags scope: per tag of a live course, the courses carrying it,
// their assignments and completions (all time), and completions inside the window.
func (s *Repo) StatisticsTags(ctx context.Context, w StatWindow) ([]StatTag, error) {
	var out []StatTag
	at := store.Now()
	err := s.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`WITH tagged AS (
  SELECT DISTINCT unnest(c.tags) AS tag, c.id AS course_id FROM courses c
  WHERE c.tenant_id = learnd_tenant() AND NOT c.is_deleted
), live AS (
  SELECT a.course_id, a.start_at, a.completed_at FROM assignments a
  JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
  WHERE a.tenant_id = learnd_tenant()
)
SELECT tg.tag, count(DISTINCT tg.course_id), count(a.course_id),
  count(*) FILTER (WHERE a.completed_at IS NOT NULL AND NOT coalesce(a.start_at > $1, false)),
  count(*) FILTER (WHERE a.completed_at BETWEEN $2 AND $3)
FROM tagged tg LEFT JOIN live a ON a.course_id = tg.course_id
GROUP BY tg.tag
ORDER BY tg.tag`, at, w.From, w.To)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (StatTag, error) {
			var g StatTag
			err := row.Scan(&g.Tag, &g.Courses, &g.Assignments, &g.Completions, &g.InWindow)
			g.CompletionPct = Pct(g.Completions, g.Assignments)
			return g, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("statistics tags: %w", err)
	}
	return out, nil
}
