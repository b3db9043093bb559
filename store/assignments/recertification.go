package assignments

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Recertification (issue 13 part 3). A course whose settings carry recertification
// ({everyMonths, reassignDaysBefore}) issues certificates that expire everyMonths after
// issue; when the learner's current certificate enters the re-assign window
// (reassignDaysBefore days before it expires), the sweep (sweep.go) re-assigns the course
// once per certificate: the learner's assignment of the course (one per user and course) is
// re-opened with the certificate's expiry as its deadline and the course's progress
// cleared, the learner gets a reminder mail, and the certificate records when
// (reassigned_at). The certificate itself is kept as it was: completing the course again
// issues a new one.

// recertifyBatch bounds the certificates one sweep handles per tenant (the next sweep
// takes the rest).
const recertifyBatch = 200

// dueCertificate is a certificate the sweep re-assigns.
type dueCertificate struct {
	id, user, course   uuid.UUID
	number, courseName string
	userName, email    string
	expiresAt          time.Time
	reassignDaysBefore int
}

// recertifyAudit is a re-assignment in the audit log: the assignment before and after,
// and the certificate that caused it.
type recertifyAudit struct {
	AssignmentID  string     `json:"assignmentId"`
	CertificateID string     `json:"certificateId,omitempty"`
	StartedAt     *time.Time `json:"startedAt,omitempty"`
	CompletedAt   *time.Time `json:"completedAt,omitempty"`
	Score         *float64   `json:"score,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
}

// recertifyDue re-assigns the courses of the tenant's certificates that are in their
// re-assign window at now and were not handled yet; it returns how many it handled. A
// certificate counts only while it is its learner's newest of the course, the course is
// published and the learner active. Rows are locked (SKIP LOCKED) and marked in the same
// transaction, so concurrent sweeps handle each certificate once.
func recertifyDue(t *store.Tx, now time.Time) (int, error) {
	rows, err := t.Query(`SELECT cer.id, cer.user_id, cer.course_id, cer.number, cer.expires_at, c.name, u.name, u.email,
  (c.settings #>> '{recertification,reassignDaysBefore}')::int
FROM certificates cer
JOIN courses c ON c.tenant_id = cer.tenant_id AND c.id = cer.course_id
JOIN users u ON u.tenant_id = cer.tenant_id AND u.id = cer.user_id
WHERE cer.tenant_id = learnd_tenant() AND cer.expires_at IS NOT NULL AND cer.reassigned_at IS NULL
  AND NOT c.is_deleted AND c.status = 'published' AND u.status = 'active'
  AND jsonb_typeof(c.settings #> '{recertification,reassignDaysBefore}') = 'number'
  AND cer.expires_at - make_interval(days => (c.settings #>> '{recertification,reassignDaysBefore}')::int) <= $1
  AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.tenant_id = cer.tenant_id AND n.user_id = cer.user_id
    AND n.course_id = cer.course_id AND (n.issued_at, n.id) > (cer.issued_at, cer.id))
ORDER BY cer.expires_at, cer.id
LIMIT $2
FOR UPDATE OF cer SKIP LOCKED`, now, recertifyBatch)
	if err != nil {
		return 0, fmt.Errorf("certificates due: %w", err)
	}
	var d dueCertificate
	return eachLocked(rows, &d, []any{&d.id, &d.user, &d.course, &d.number, &d.expiresAt, &d.courseName, &d.userName, &d.email, &d.reassignDaysBefore},
		func(d dueCertificate) error {
			if err := recertify(t, d, now); err != nil {
				return fmt.Errorf("recertify %s: %w", d.number, err)
			}
			return nil
		})
}

// recertify re-assigns one certificate's course to its learner, mails the reminder and
// marks the certificate handled.
func recertify(t *store.Tx, d dueCertificate, now time.Time) error {
	due := d.expiresAt
	if !due.After(now) { // the window was missed (the setting came late): a fresh one
		due = now.AddDate(0, 0, d.reassignDaysBefore)
	}
	before, assignment, err := reopenAssignment(t, d.user, d.course, due, now)
	if err != nil {
		return err
	}
	if _, err := t.Exec(`UPDATE element_progress SET completed_at = NULL, best_score = NULL, attempts = 0, last_answers = NULL, updated_at = $3
WHERE tenant_id = learnd_tenant() AND user_id = $1 AND course_id = $2`, d.user, d.course, now); err != nil {
		return fmt.Errorf("clear progress: %w", err)
	}
	if _, err := t.Exec(`UPDATE certificates SET reassigned_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, d.id, now); err != nil {
		return fmt.Errorf("mark certificate: %w", err)
	}
	cert := typeid.Format(typeid.Certificate, d.id)
	after := recertifyAudit{AssignmentID: typeid.Format(typeid.Assignment, assignment), CertificateID: cert, DueAt: inUTC(&due)}
	if err := t.Audit("assignment.recertify", "assignment", after.AssignmentID, before, after); err != nil {
		return err
	}
	if err := t.EnqueueMail(recertificationMail(d, due)); err != nil {
		return err
	}
	return emitCertificateExpiring(t, CertificateExpiringEvent{CertificateID: cert, Number: d.number,
		UserID: typeid.Format(typeid.Person, d.user), CourseID: typeid.Format(typeid.Course, d.course),
		ExpiresAt: d.expiresAt.UTC(), AssignmentID: after.AssignmentID, DueAt: due.UTC()})
}

// reopenAssignment gives the learner an open assignment of the course due at due: their
// assignment re-opened (started, completed and score cleared, escalation reset), or a new
// one when they have none. It returns the assignment as it was (nil for a new one) and
// its id.
func reopenAssignment(t *store.Tx, user, course uuid.UUID, due, now time.Time) (*recertifyAudit, uuid.UUID, error) {
	var id uuid.UUID
	var b recertifyAudit
	err := t.QueryRow(`SELECT id, started_at, completed_at, score, due_at FROM assignments
WHERE tenant_id = learnd_tenant() AND user_id = $1 AND course_id = $2 FOR UPDATE`, user, course).
		Scan(&id, &b.StartedAt, &b.CompletedAt, &b.Score, &b.DueAt)
	if errors.Is(err, pgx.ErrNoRows) {
		id = uuid.Must(uuid.NewV7())
		_, err = t.Exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, due_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)`, t.Caller().TenantID, id, user, course, due, now)
		if err != nil {
			return nil, uuid.Nil, fmt.Errorf("assign: %w", err)
		}
		return nil, id, nil
	}
	if err != nil {
		return nil, uuid.Nil, fmt.Errorf("read assignment: %w", err)
	}
	b.AssignmentID = typeid.Format(typeid.Assignment, id)
	b.StartedAt, b.CompletedAt, b.DueAt = inUTC(b.StartedAt), inUTC(b.CompletedAt), inUTC(b.DueAt)
	if _, err := t.Exec(`UPDATE assignments SET started_at = NULL, completed_at = NULL, score = NULL, due_at = $2,
  escalated_at = NULL, escalation = NULL, updated_at = $3
WHERE tenant_id = learnd_tenant() AND id = $1`, id, due, now); err != nil {
		return nil, uuid.Nil, fmt.Errorf("re-open assignment: %w", err)
	}
	return &b, id, nil
}

// recertificationMail is the reminder a learner gets when a certificate is renewed.
func recertificationMail(d dueCertificate, due time.Time) store.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYour certificate %s for the course %q expires on %s.\n", d.userName, d.number, d.courseName, mailDate(d.expiresAt))
	fmt.Fprintf(&b, "The course has been assigned to you again; please complete it by %s to renew your certificate.\n", mailDate(due))
	return store.Mail{Kind: "recertification", To: d.email, Subject: "Recertification due: " + d.courseName, Body: b.String()}
}

// CertificateExpiringEvent is the payload of the certificate.expiring event.
type CertificateExpiringEvent struct {
	CertificateID string    `json:"id"`
	Number        string    `json:"number"`
	UserID        string    `json:"userId"`
	CourseID      string    `json:"courseId"`
	ExpiresAt     time.Time `json:"expiresAt"`
	AssignmentID  string    `json:"assignmentId"`
	DueAt         time.Time `json:"dueAt"`
}

// emitCertificateExpiring writes the certificate.expiring webhook event in the transaction
// that re-assigns the course.
func emitCertificateExpiring(t *store.Tx, e CertificateExpiringEvent) error {
	return t.Emit(store.EventCertificateExpiring, e)
}
