package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// progress records element completions on the seeded assignments: assignment k (in a
// stable order) is completed when k%3 == 0, in progress when k%3 == 1, untouched else.
func (w *writer) progress(courseIDs []uuid.UUID, elems, quiz [][]uuid.UUID) {
	if w.err != nil {
		return
	}
	rows, err := w.tx.Query(w.ctx, `SELECT a.id, a.user_id, a.course_id FROM assignments a
WHERE a.tenant_id = $1 AND (a.start_at IS NULL OR a.start_at <= now()) ORDER BY a.user_id, a.course_id`, w.tenant)
	if err != nil {
		w.err = err
		return
	}
	type asg struct{ id, user, course uuid.UUID }
	var all []asg
	for rows.Next() {
		var a asg
		if err := rows.Scan(&a.id, &a.user, &a.course); err != nil {
			w.err = err
			rows.Close()
			return
		}
		all = append(all, a)
	}
	rows.Close()
	index := map[uuid.UUID]int{}
	for i, c := range courseIDs {
		index[c] = i
	}
	for k, a := range all {
		ci := index[a.course]
		c := catalogue[ci]
		es := elems[ci]
		switch k % 3 {
		case 0: // completed
			done := w.days(-40 + k%35)
			for i, e := range es {
				var score *float64
				if i == len(es)-1 {
					s := 100.0 - float64(k%3)*10
					score = &s
				}
				w.exec(`INSERT INTO element_progress (tenant_id, user_id, course_id, element_id, completed_at, best_score, attempts, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $5)`,
					w.tenant, a.user, a.course, e, done.Add(-time.Duration(len(es)-i)*time.Hour), score)
			}
			w.exec(`UPDATE assignments SET started_at = $3, completed_at = $4, score = 100, points_awarded = $5, updated_at = $4 WHERE tenant_id = $1 AND id = $2`,
				w.tenant, a.id, done.AddDate(0, 0, -3), done, c.points)
			if c.cert {
				// Issued at completion; backdated on some so they expire within 90 days.
				issued := done
				if k%2 == 0 && c.validity > 0 {
					issued = w.now.AddDate(0, -c.validity, 30+k%40)
				}
				var exp *time.Time
				if c.validity > 0 {
					e := issued.AddDate(0, c.validity, 0)
					exp = &e
				}
				w.exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
					w.tenant, stableID("certificate", k), a.user, a.course, fmt.Sprintf("LD-%s-%05d", strings.ToUpper(w.tenant), 1000+k), issued, exp)
			}
		case 1: // in progress: the first element done
			if len(es) > 0 {
				t := w.days(-(k % 9) - 1)
				w.exec(`INSERT INTO element_progress (tenant_id, user_id, course_id, element_id, completed_at, attempts, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $5)`,
					w.tenant, a.user, a.course, es[0], t)
				w.exec(`UPDATE assignments SET started_at = $3, updated_at = $3 WHERE tenant_id = $1 AND id = $2`, w.tenant, a.id, t)
			}
		}
	}
}
