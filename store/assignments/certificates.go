package assignments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Certificates (seed 003): issued when a course that says so (certificateOnCompletion) is
// completed, numbered uniquely in the tenant, expiring certificateValidityMonths after
// issue when the course sets a validity.

// Certificate is a certificate as the API shows it.
type Certificate struct {
	ID         uuid.UUID
	Number     string
	UserID     uuid.UUID
	CourseID   uuid.UUID
	CourseName string
	IssuedAt   time.Time
	ExpiresAt  *time.Time
	Expired    bool
}

// certificateAudit is a certificate in the audit log.
type certificateAudit struct {
	ID        string     `json:"id"`
	Number    string     `json:"number"`
	UserID    string     `json:"userId"`
	CourseID  string     `json:"courseId"`
	IssuedAt  time.Time  `json:"issuedAt"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// certificateNumber makes a certificate number from its id: "LD-2026-" and the last ten
// characters of the id's TypeID suffix (random bits of the UUIDv7), upper-cased.
func certificateNumber(id uuid.UUID, issued time.Time) string {
	s := typeid.Format(typeid.Certificate, id)
	return fmt.Sprintf("LD-%d-%s", issued.Year(), strings.ToUpper(s[len(s)-10:]))
}

// issueCertificate issues a certificate of course to user at ts, audited.
func issueCertificate(t *store.Tx, user, course uuid.UUID, courseName string, validityMonths *int, ts time.Time) error {
	id := uuid.Must(uuid.NewV7())
	c := certificateAudit{ID: typeid.Format(typeid.Certificate, id), Number: certificateNumber(id, ts), UserID: typeid.Format(typeid.Person, user),
		CourseID: typeid.Format(typeid.Course, course), IssuedAt: ts}
	if validityMonths != nil && *validityMonths > 0 {
		exp := ts.AddDate(0, *validityMonths, 0)
		c.ExpiresAt = &exp
	}
	_, err := t.Exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.Caller().TenantID, id, user, course, c.Number, ts, c.ExpiresAt)
	if err != nil {
		return fmt.Errorf("issue certificate: %w", err)
	}
	if err := t.Audit("certificate.issue", "certificate", c.ID, nil, c); err != nil {
		return err
	}
	return t.Emit(store.EventCertificateIssued, c)
}

// listCertificates reads a user's certificates, newest first: of one course when course is set;
// expiring within the next withinDays days (and not expired yet) when withinDays is set.
func listCertificates(t *store.Tx, user uuid.UUID, course *uuid.UUID, withinDays *int) ([]Certificate, error) {
	ts := store.Now()
	args := pgx.NamedArgs{"user": user, "now": ts}
	q := `SELECT cer.id, cer.number, cer.user_id, cer.course_id, c.name, cer.issued_at, cer.expires_at FROM certificates cer
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = cer.course_id
WHERE cer.tenant_id = learnd_tenant() AND cer.user_id = @user`
	if course != nil {
		q += " AND cer.course_id = @course"
		args["course"] = *course
	}
	if withinDays != nil {
		q += " AND cer.expires_at > @now AND cer.expires_at <= @until"
		args["until"] = ts.AddDate(0, 0, *withinDays)
	}
	q += " ORDER BY cer.issued_at DESC, cer.id DESC"
	rows, err := t.Query(q, args)
	if err != nil {
		return nil, err
	}
	out := []Certificate{}
	var c Certificate
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.Number, &c.UserID, &c.CourseID, &c.CourseName, &c.IssuedAt, &c.ExpiresAt}, func() error {
		x := c
		x.Expired = x.ExpiresAt != nil && !x.ExpiresAt.After(ts)
		out = append(out, x)
		return nil
	})
	return out, err
}

// ListCertificates lists a user's certificates, newest first; with withinDays, only those
// expiring within that many days from now and not expired yet. An unknown user is
// ErrNotFound.
func (s *Repo) ListCertificates(ctx context.Context, user uuid.UUID, withinDays *int) ([]Certificate, error) {
	var out []Certificate
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := mustExist(t, `SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, user); err != nil {
			return err
		}
		var err error
		out, err = listCertificates(t, user, nil, withinDays)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	return out, nil
}
