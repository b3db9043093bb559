package assignments

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// DueCertificate is a certificate due for renewal: its learner's newest of the course,
// expiring within the window asked for (or expired already).
type DueCertificate struct {
	Certificate
	UserName string
	// ReassignAt is when recertification re-assigns the course (its course recertifies),
	// ReassignedAt when it did.
	ReassignAt   *time.Time
	ReassignedAt *time.Time
}

// DuePage is one page of certificates due for renewal.
type DuePage struct {
	Items []DueCertificate
	Next  *store.TimeCursor // soonest expiry first
}

// Bounds of the renewal list's window.
const (
	DefaultDueWithinDays = 30
	MaxDueWithinDays     = 3650
)

// RecertificationDue lists the tenant's certificates due for renewal within withinDays
// days from now, soonest expiry first, expired ones (not renewed) included: of active
// users, each their newest certificate of the course. A window outside 1–3650 days is a
// validation error on withinDays.
func (s *Repo) RecertificationDue(ctx context.Context, withinDays, limit int, after *store.TimeCursor) (DuePage, error) {
	if withinDays < 1 || withinDays > MaxDueWithinDays {
		return DuePage{}, &store.ValidationError{Fields: []store.FieldError{{Pointer: "/withinDays", Detail: "must be 1–3650"}}}
	}
	now := store.Now()
	var out DuePage
	err := s.st.Read(ctx, func(t *store.Tx) error {
		var a store.Args
		q := `SELECT cer.id, cer.number, cer.user_id, u.name, cer.course_id, c.name, cer.issued_at, cer.expires_at, cer.reassigned_at,
  CASE WHEN jsonb_typeof(c.settings #> '{recertification,reassignDaysBefore}') = 'number'
    THEN cer.expires_at - make_interval(days => (c.settings #>> '{recertification,reassignDaysBefore}')::int) END
FROM certificates cer
JOIN courses c ON c.tenant_id = cer.tenant_id AND c.id = cer.course_id
JOIN users u ON u.tenant_id = cer.tenant_id AND u.id = cer.user_id
WHERE cer.tenant_id = learnd_tenant() AND u.status = 'active' AND NOT c.is_deleted
  AND cer.expires_at IS NOT NULL AND cer.expires_at <= ` + a.Add(now.AddDate(0, 0, withinDays)) + `
  AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.tenant_id = cer.tenant_id AND n.user_id = cer.user_id
    AND n.course_id = cer.course_id AND (n.issued_at, n.id) > (cer.issued_at, cer.id))`
		if after != nil {
			q += ` AND (cer.expires_at, cer.id) > (` + a.Add(after.At) + `, ` + a.Add(after.ID) + `)`
		}
		q += ` ORDER BY cer.expires_at, cer.id LIMIT ` + a.Add(limit+1)
		var err error
		out.Items, out.Next, err = store.KeysetPage(t, limit, q, a, func(rows pgx.Rows, d *DueCertificate) (store.TimeCursor, error) {
			err := rows.Scan(&d.ID, &d.Number, &d.UserID, &d.UserName, &d.CourseID, &d.CourseName, &d.IssuedAt, &d.ExpiresAt,
				&d.ReassignedAt, &d.ReassignAt)
			if err != nil {
				return store.TimeCursor{}, err
			}
			d.Expired = d.ExpiresAt != nil && !d.ExpiresAt.After(now)
			return store.TimeCursor{At: *d.ExpiresAt, ID: d.ID}, nil
		})
		return err
	})
	if err != nil {
		return DuePage{}, fmt.Errorf("recertification due: %w", err)
	}
	return out, nil
}
