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

// Assignments (seed 003): a course assigned to a user, individually, through a group
// (group_course_assignments; members who join later get it from the group_members
// trigger) or as part of a course chain. One row per user and course: assigning again is a
// no-op (INSERT … ON CONFLICT DO NOTHING), which also makes concurrent assigns safe.
// Status is computed on read (statusSQL / assignmentStatus), in the order scheduled,
// completed, overdue, in_progress, assigned. A chain course is locked while the user holds
// an uncompleted assignment of a course before it in the chain's current order.

// ErrNotChainOwner means the caller does not own the course chain it tried to assign.
var ErrNotChainOwner = errors.New("only the chain's owner may assign it")

// ErrAssignmentCompleted means a change was asked of a completed assignment.
var ErrAssignmentCompleted = errors.New("the assignment is completed")

// Assignment statuses.
const (
	AssignmentScheduled  = "scheduled"
	AssignmentAssigned   = "assigned"
	AssignmentInProgress = "in_progress"
	AssignmentCompleted  = "completed"
	AssignmentOverdue    = "overdue"
)

// Assignment is an assignment as the API shows it.
type Assignment struct {
	ID            uuid.UUID  `db:"id"`
	UserID        uuid.UUID  `db:"user_id"`
	UserName      string     `db:"user_name"`
	CourseID      uuid.UUID  `db:"course_id"`
	CourseName    string     `db:"course_name"`
	GroupID       *uuid.UUID `db:"group_id"`
	ChainID       *uuid.UUID `db:"chain_id"`
	ChainPosition *int       `db:"chain_position"` // from 1, in the chain's current order
	Locked        bool       `db:"locked"`
	Status        string     `db:"status"`
	AssignedAt    time.Time  `db:"created_at"`
	StartAt       *time.Time `db:"start_at"`
	DueAt         *time.Time `db:"due_at"`
	StartedAt     *time.Time `db:"started_at"`
	CompletedAt   *time.Time `db:"completed_at"`
	Score         *float64   `db:"score"`
	PointsAwarded int        `db:"points_awarded"`
	ProgressPct   int        `db:"progress_pct"`
}

// assignmentStatus is statusSQL in Go.
func assignmentStatus(at time.Time, startAt, dueAt, startedAt, completedAt *time.Time) string {
	switch {
	case startAt != nil && startAt.After(at):
		return AssignmentScheduled
	case completedAt != nil:
		return AssignmentCompleted
	case dueAt != nil && dueAt.Before(at):
		return AssignmentOverdue
	case startedAt != nil:
		return AssignmentInProgress
	}
	return AssignmentAssigned
}

// statusSQL computes the status of the assignment aliased a at the instant @now.
const statusSQL = `CASE WHEN a.start_at > @now THEN 'scheduled'
  WHEN a.completed_at IS NOT NULL THEN 'completed'
  WHEN a.due_at < @now THEN 'overdue'
  WHEN a.started_at IS NOT NULL THEN 'in_progress'
  ELSE 'assigned' END`

// lockedSQL: the assignment aliased a is a chain course (of a live chain) and the user
// holds an uncompleted assignment of a course before it in the chain's order.
const lockedSQL = `(a.chain_id IS NOT NULL AND a.completed_at IS NULL AND EXISTS (
  SELECT 1 FROM course_chains ch
    JOIN assignments p ON p.tenant_id = learnd_tenant() AND p.user_id = a.user_id AND p.completed_at IS NULL
     AND p.course_id = ANY (ch.course_ids[1:array_position(ch.course_ids, a.course_id) - 1])
   WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted))`

// progressSQL: required elements the user completed, in percent (100 once completed).
const progressSQL = `CASE WHEN a.completed_at IS NOT NULL THEN 100 ELSE coalesce((
  SELECT (100 * count(ep.completed_at) / nullif(count(*), 0))::int
    FROM course_elements e
    LEFT JOIN element_progress ep ON ep.tenant_id = learnd_tenant() AND ep.user_id = a.user_id AND ep.element_id = e.id
   WHERE e.tenant_id = learnd_tenant() AND e.course_id = a.course_id AND e.required), 0) END`

// selectSQL reads assignments (aliased a) with their course, user and computed members.
// Assignments of deleted courses are left out.
const selectSQL = `SELECT a.id, a.user_id, u.name AS user_name, a.course_id, c.name AS course_name, a.group_id, a.chain_id,
  CASE WHEN a.chain_id IS NULL THEN NULL ELSE coalesce((
    SELECT array_position(ch.course_ids, a.course_id) FROM course_chains ch
     WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted), a.chain_position) END AS chain_position,
  ` + lockedSQL + ` AS locked,
  ` + statusSQL + ` AS status,
  a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, a.points_awarded,
  ` + progressSQL + ` AS progress_pct
FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = a.user_id
WHERE a.tenant_id = learnd_tenant()`

// queryAssignments runs selectSQL with extra conditions (and a trailing ORDER/LIMIT).
func queryAssignments(t *store.Tx, where string, args pgx.NamedArgs) ([]Assignment, error) {
	if args == nil {
		args = pgx.NamedArgs{}
	}
	if _, ok := args["now"]; !ok {
		args["now"] = store.Now()
	}
	rows, err := t.Query(selectSQL+" "+where, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Assignment])
}

// assignment reads one assignment by id.
func assignmentByID(t *store.Tx, id uuid.UUID) (Assignment, error) {
	out, err := queryAssignments(t, "AND a.id = @id", pgx.NamedArgs{"id": id})
	if err != nil {
		return Assignment{}, err
	}
	if len(out) == 0 {
		return Assignment{}, store.ErrNotFound
	}
	return out[0], nil
}

// auditView is an assignment's view in the audit log.
type auditView struct {
	ID            string     `json:"id"`
	UserID        string     `json:"userId"`
	CourseID      string     `json:"courseId"`
	GroupID       *string    `json:"groupId,omitempty"`
	ChainID       *string    `json:"chainId,omitempty"`
	ChainPosition *int       `json:"chainPosition,omitempty"`
	StartAt       *time.Time `json:"startAt,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
	// By names what made the assignment when it was not the actor's own act: "enrolment
	// rule <name> (erl_…)".
	By string `json:"by,omitempty"`
}

func optID(prefix string, u *uuid.UUID) *string {
	if u == nil {
		return nil
	}
	s := typeid.Format(prefix, *u)
	return &s
}

// inUTC is ts in UTC (audit views show instants in UTC whatever the session's zone).
func inUTC(ts *time.Time) *time.Time {
	if ts == nil {
		return nil
	}
	u := ts.UTC()
	return &u
}

// newAssignment is one assignment row just inserted.
type newAssignment struct {
	id, user, course uuid.UUID
	group, chain     *uuid.UUID
	chainPos         *int
	startAt, dueAt   *time.Time
}

func (n newAssignment) audit() auditView {
	return auditView{
		ID: typeid.Format(typeid.Assignment, n.id), UserID: typeid.Format(typeid.Person, n.user),
		CourseID: typeid.Format(typeid.Course, n.course), GroupID: optID(typeid.Group, n.group),
		ChainID: optID(typeid.Chain, n.chain), ChainPosition: n.chainPos, StartAt: inUTC(n.startAt), DueAt: inUTC(n.dueAt),
	}
}

// courseToAssignRow is a course about to be assigned.
type courseToAssignRow struct {
	ID     uuid.UUID
	Name   string
	Status string
}

// courseToAssign reads a live course; unless published it is a validation error.
func courseToAssign(t *store.Tx, id uuid.UUID) (courseToAssignRow, error) {
	c := courseToAssignRow{ID: id}
	err := t.QueryRow(`SELECT name, status FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, id).
		Scan(&c.Name, &c.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, err
	}
	if c.Status != "published" {
		return c, &store.ValidationError{Fields: []store.FieldError{{Detail: "the course is " + c.Status + "; only published courses can be assigned"}}}
	}
	return c, nil
}

// learnerRow is a user about to be assigned something.
type learnerRow struct {
	ID     uuid.UUID
	Name   string
	Email  string
	Banned bool
}

// learnerRows reads the users with these ids (missing ones are absent from the map).
func learnerRows(t *store.Tx, ids []uuid.UUID) (map[uuid.UUID]learnerRow, error) {
	rows, err := t.Query(`SELECT id, name, email, status = 'banned' FROM users WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]learnerRow{}
	var u learnerRow
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Email, &u.Banned}, func() error {
		out[u.ID] = u
		return nil
	})
	return out, err
}

// checkUsers records a field error per unknown or banned user.
func checkUsers(v *store.ValidationError, found map[uuid.UUID]learnerRow, ids []uuid.UUID, pointer func(i int) string) {
	for i, id := range ids {
		u, ok := found[id]
		switch {
		case !ok:
			v.Add(pointer(i), "no such user")
		case u.Banned:
			v.Add(pointer(i), "the user is banned")
		}
	}
}

// liveGroups reports which of ids are groups of the tenant.
func liveGroups(t *store.Tx, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := t.Query(`SELECT id FROM groups WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]bool{}
	var id uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		out[id] = true
		return nil
	})
	return out, err
}

// mailDate renders an instant for a mail body.
func mailDate(ts time.Time) string { return ts.UTC().Format("Mon 2 Jan 2006, 15:04 MST") }

// noticeMail is the notice a learner gets for a new assignment.
func noticeMail(u learnerRow, course string, startAt, dueAt *time.Time) store.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYou have been assigned the course %q.\n", u.Name, course)
	if startAt != nil && startAt.After(store.Now()) {
		fmt.Fprintf(&b, "It starts on %s; you can begin from then.\n", mailDate(*startAt))
	}
	if dueAt != nil {
		fmt.Fprintf(&b, "Please complete it by %s.\n", mailDate(*dueAt))
	}
	return store.Mail{Kind: "assignment", To: u.Email, Subject: "New training assigned: " + course, Body: b.String()}
}
