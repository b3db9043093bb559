package assignments

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Overdue escalation (issue 13 part 4). When an assignment is overdue by N days (the
// course's overdueEscalationDays, else the tenant's, tenant_settings; neither: off), the
// sweep (sweep.go) mails the learner's manager (the manager attribute, a user id, as
// SCIM provisions it) once per assignment: escalated_at and escalation ('sent', or
// 'skipped' when the learner has no active manager with an address) record it.

// escalateBatch bounds the assignments one sweep escalates per tenant.
const escalateBatch = 200

// Escalation outcomes (assignments.escalation).
const (
	EscalationSent    = "sent"
	EscalationSkipped = "skipped"
)

// overdueAssignment is an assignment the sweep escalates.
type overdueAssignment struct {
	id, user        uuid.UUID
	course          uuid.UUID
	courseName      string
	userName, email string
	manager         *string
	dueAt           time.Time
	days            int
}

// escalationAudit is an escalation in the audit log.
type escalationAudit struct {
	AssignmentID string  `json:"assignmentId"`
	Escalation   string  `json:"escalation"`
	ManagerID    *string `json:"managerId,omitempty"`
	DaysOverdue  int     `json:"daysOverdue"`
}

// escalateOverdue escalates the tenant's assignments overdue by their escalation days at
// now and not escalated yet; it returns how many it handled. Locked (SKIP LOCKED) and
// marked in one transaction: once per assignment.
func escalateOverdue(t *store.Tx, now time.Time) (int, error) {
	rows, err := t.Query(`SELECT a.id, a.user_id, a.course_id, c.name, u.name, u.email, u.attributes ->> 'manager', a.due_at, e.days
FROM assignments a
JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id
JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
LEFT JOIN tenant_settings ts ON ts.tenant_id = a.tenant_id
CROSS JOIN LATERAL (SELECT coalesce(CASE WHEN jsonb_typeof(c.settings -> 'overdueEscalationDays') = 'number'
  THEN (c.settings ->> 'overdueEscalationDays')::int END, ts.overdue_escalation_days) AS days) e
WHERE a.tenant_id = learnd_tenant() AND a.completed_at IS NULL AND a.escalated_at IS NULL AND a.due_at IS NOT NULL
  AND NOT c.is_deleted AND u.status = 'active'
  AND a.due_at + make_interval(days => e.days) <= $1
ORDER BY a.due_at, a.id
LIMIT $2
FOR UPDATE OF a SKIP LOCKED`, now, escalateBatch)
	if err != nil {
		return 0, fmt.Errorf("overdue assignments: %w", err)
	}
	var o overdueAssignment
	return eachLocked(rows, &o, []any{&o.id, &o.user, &o.course, &o.courseName, &o.userName, &o.email, &o.manager, &o.dueAt, &o.days},
		func(o overdueAssignment) error {
			if err := escalate(t, o, now); err != nil {
				return fmt.Errorf("escalate %s: %w", typeid.Format(typeid.Assignment, o.id), err)
			}
			return nil
		})
}

// escalate mails one overdue assignment's learner's manager (or records that there is
// none) and marks the assignment escalated.
func escalate(t *store.Tx, o overdueAssignment, now time.Time) error {
	a := escalationAudit{AssignmentID: typeid.Format(typeid.Assignment, o.id), Escalation: EscalationSkipped, DaysOverdue: o.days}
	manager, err := managerOf(t, o)
	if err != nil {
		return err
	}
	if manager != nil {
		a.Escalation = EscalationSent
		id := typeid.Format(typeid.Person, manager.ID)
		a.ManagerID = &id
		if err := t.EnqueueMail(escalationMail(o, *manager)); err != nil {
			return err
		}
	}
	if _, err := t.Exec(`UPDATE assignments SET escalated_at = $2, escalation = $3 WHERE tenant_id = learnd_tenant() AND id = $1`,
		o.id, now, a.Escalation); err != nil {
		return fmt.Errorf("mark escalated: %w", err)
	}
	if err := t.Audit("assignment.escalate", "assignment", a.AssignmentID, nil, a); err != nil {
		return err
	}
	return emitAssignmentOverdue(t, AssignmentOverdueEvent{AssignmentID: a.AssignmentID, UserID: typeid.Format(typeid.Person, o.user),
		CourseID: typeid.Format(typeid.Course, o.course), DueAt: o.dueAt.UTC(), DaysOverdue: o.days, Escalation: a.Escalation, ManagerID: a.ManagerID})
}

// managerOf is the learner's manager: the active user of the tenant the manager attribute
// names (a per_… id; the learner themself does not count), nil when there is none.
func managerOf(t *store.Tx, o overdueAssignment) (*learnerRow, error) {
	if o.manager == nil {
		return nil, nil
	}
	id, err := typeid.Parse(typeid.Person, *o.manager)
	if err != nil || id == o.user {
		return nil, nil // not a user id: nobody to mail
	}
	users, err := learnerRows(t, []uuid.UUID{id})
	if err != nil {
		return nil, fmt.Errorf("read manager: %w", err)
	}
	m, ok := users[id]
	if !ok || m.Banned || m.Email == "" {
		return nil, nil
	}
	return &m, nil
}

// escalationMail tells a manager that their report's assignment is overdue.
func escalationMail(o overdueAssignment, manager learnerRow) store.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s has not completed the course %q, which was due on %s: it is %d or more days overdue.\n",
		manager.Name, o.userName, o.courseName, mailDate(o.dueAt), o.days)
	fmt.Fprintf(&b, "You receive this because you are listed as their manager. Please follow up with them.\n")
	return store.Mail{Kind: "escalation", To: manager.Email, Subject: "Overdue training: " + o.userName + ", " + o.courseName, Body: b.String()}
}

// AssignmentOverdueEvent is the payload of the assignment.overdue event.
type AssignmentOverdueEvent struct {
	AssignmentID string    `json:"id"`
	UserID       string    `json:"userId"`
	CourseID     string    `json:"courseId"`
	DueAt        time.Time `json:"dueAt"`
	DaysOverdue  int       `json:"daysOverdue"`
	Escalation   string    `json:"escalation"`
	ManagerID    *string   `json:"managerId,omitempty"`
}

// emitAssignmentOverdue writes the assignment.overdue webhook event in the transaction that
// escalates the assignment (or records that there is nobody to escalate to).
func emitAssignmentOverdue(t *store.Tx, e AssignmentOverdueEvent) error {
	return t.Emit(store.EventAssignmentOverdue, e)
}
