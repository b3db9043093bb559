package learning

import (
	"fmt"
	"math"

	"github.com/google/uuid"
	"github.com/learnd/learnd/store"
)

// completionSQL counts, per group, the assignments of the group's current members on the
// courses assigned to the group (live courses only), leaving out scheduled ones (start_at
// in the future), and how many of them are completed. Every table is filtered by tenant;
// the joins follow group_members' and group_course_assignments' primary keys and the
// assignments' (tenant_id, user_id, course_id) key.
const completionSQL = `SELECT m.group_id,
       count(*) FILTER (WHERE a.completed_at IS NOT NULL) AS completed,
       count(*) AS total
  FROM group_members m
  JOIN group_course_assignments g ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id
  JOIN assignments a ON a.tenant_id = m.tenant_id AND a.user_id = m.user_id AND a.course_id = g.course_id
  JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id
 WHERE m.tenant_id = $1 AND g.tenant_id = $1 AND a.tenant_id = $1 AND c.tenant_id = $1
   AND m.group_id = ANY($2::uuid[])
   AND NOT c.is_deleted
   AND (a.start_at IS NULL OR a.start_at <= $3)
 GROUP BY m.group_id`

// setCompletion sets c's current_completion_pct from its group's counts: a cohort without a
// group, or whose group has no such assignments, keeps the stored column.
func setCompletion(c *Cohort, completed, total int64) {
	if c.GroupID != nil && total > 0 {
		p := roundPct(float64(completed), float64(total))
		c.CurrentCompletionPct = &p
	}
}

// completionJoin is completionSQL as a join of the cohort's by-id read and of its writes'
// RETURNING (readJoin): the counts for the row's group ({t}) at the instant {at}, one row
// (total 0 when the cohort has no group or the group no such assignments), in the read's
// or the write's own statement.
var completionJoin = &readJoin[Cohort]{
	join: `LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE a.completed_at IS NOT NULL) AS completed, count(*) AS total
  FROM group_members m
  JOIN group_course_assignments g ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id
  JOIN assignments a ON a.tenant_id = m.tenant_id AND a.user_id = m.user_id AND a.course_id = g.course_id
  JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id
 WHERE m.tenant_id = {t}.tenant_id AND m.group_id = {t}.group_id
   AND g.tenant_id = {t}.tenant_id AND a.tenant_id = {t}.tenant_id AND c.tenant_id = {t}.tenant_id
   AND NOT c.is_deleted
   AND (a.start_at IS NULL OR a.start_at <= {at})) completion ON true`,
	cols: []string{"completion.completed AS completion_completed", "completion.total AS completion_total"},
	fill: func(c *Cohort, vals []int64) { setCompletion(c, vals[0], vals[1]) },
	// setCompletion in SQL: 100 × completed ÷ total rounded to one decimal (as roundPct:
	// half away from zero; the float8 nearest the decimal, as Go's division by 10 gives),
	// else the stored column.
	audit: `{after}::jsonb || jsonb_build_object('current_completion_pct', CASE WHEN {r}.completion_total > 0
  THEN (round(1000.0 * {r}.completion_completed / {r}.completion_total) / 10)::float8 ELSE {r}.current_completion_pct END)`,
}

// fillCompletion sets current_completion_pct on cohorts backed by a group: 100 × completed
// ÷ all non-scheduled assignments of the group's current members on the courses assigned
// to the group, rounded to one decimal. One query for all of them; none when no cohort
// has a group. A cohort without a group, or whose group has no such assignments, keeps
// the stored column, which the API never writes (so the field is absent).
func fillCompletion(t *store.Tx, cs []*Cohort) error {
	var groups []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, c := range cs {
		if c.GroupID != nil && !seen[*c.GroupID] {
			seen[*c.GroupID] = true
			groups = append(groups, *c.GroupID)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	rows, err := t.Query(completionSQL, t.Caller().TenantID, groups, store.Now())
	if err != nil {
		return fmt.Errorf("cohort completion: %w", err)
	}
	defer rows.Close()
	pct := map[uuid.UUID]float64{}
	for rows.Next() {
		var g uuid.UUID
		var completed, total int64
		if err := rows.Scan(&g, &completed, &total); err != nil {
			return fmt.Errorf("cohort completion: %w", err)
		}
		if total > 0 {
			pct[g] = roundPct(float64(completed), float64(total))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cohort completion: %w", err)
	}
	for _, c := range cs {
		if c.GroupID == nil {
			continue
		}
		if p, ok := pct[*c.GroupID]; ok {
			c.CurrentCompletionPct = &p
		}
	}
	return nil
}

// completeRecords fills the fields the store computes on read, for the records among recs
// that have any (cohorts); others are left alone.
func completeRecords(t *store.Tx, recs ...any) error {
	var cs []*Cohort
	for _, r := range recs {
		if c, ok := r.(*Cohort); ok {
			cs = append(cs, c)
		}
	}
	return fillCompletion(t, cs)
}

// roundPct is 100 × part ÷ whole rounded to one decimal (whole > 0).
func roundPct(part, whole float64) float64 {
	return math.Round(1000*part/whole) / 10
}
