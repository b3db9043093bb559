package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// Assignments (seed 003): a course assigned to a user, individually, through a group
// (group_course_assignments; members who join later get it from the group_members
// trigger) or as part of a course chain. One row per user and course: assigning again is a
// no-op (INSERT … ON CONFLICT DO NOTHING), which also makes concurrent assigns safe.
// Status is computed on read (asgStatusSQL / asgStatus), in the order scheduled,
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

// asgStatus is asgStatusSQL in Go.
func asgStatus(at time.Time, startAt, dueAt, startedAt, completedAt *time.Time) string {
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

// asgStatusSQL computes the status of the assignment aliased a at the instant @now.
const asgStatusSQL = `CASE WHEN a.start_at > @now THEN 'scheduled'
  WHEN a.completed_at IS NOT NULL THEN 'completed'
  WHEN a.due_at < @now THEN 'overdue'
  WHEN a.started_at IS NOT NULL THEN 'in_progress'
  ELSE 'assigned' END`

// asgLockedSQL: the assignment aliased a is a chain course (of a live chain) and the user
// holds an uncompleted assignment of a course before it in the chain's order.
const asgLockedSQL = `(a.chain_id IS NOT NULL AND a.completed_at IS NULL AND EXISTS (
  SELECT 1 FROM course_chains ch
    JOIN assignments p ON p.tenant_id = learnd_tenant() AND p.user_id = a.user_id AND p.completed_at IS NULL
     AND p.course_id = ANY (ch.course_ids[1:array_position(ch.course_ids, a.course_id) - 1])
   WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted))`

// asgProgressSQL: required elements the user completed, in percent (100 once completed).
const asgProgressSQL = `CASE WHEN a.completed_at IS NOT NULL THEN 100 ELSE coalesce((
  SELECT (100 * count(ep.completed_at) / nullif(count(*), 0))::int
    FROM course_elements e
    LEFT JOIN element_progress ep ON ep.tenant_id = learnd_tenant() AND ep.user_id = a.user_id AND ep.element_id = e.id
   WHERE e.tenant_id = learnd_tenant() AND e.course_id = a.course_id AND e.required), 0) END`

// asgSelectSQL reads assignments (aliased a) with their course, user and computed members.
// Assignments of deleted courses are left out.
const asgSelectSQL = `SELECT a.id, a.user_id, u.name AS user_name, a.course_id, c.name AS course_name, a.group_id, a.chain_id,
  CASE WHEN a.chain_id IS NULL THEN NULL ELSE coalesce((
    SELECT array_position(ch.course_ids, a.course_id) FROM course_chains ch
     WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted), a.chain_position) END AS chain_position,
  ` + asgLockedSQL + ` AS locked,
  ` + asgStatusSQL + ` AS status,
  a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, a.points_awarded,
  ` + asgProgressSQL + ` AS progress_pct
FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = a.user_id
WHERE a.tenant_id = learnd_tenant()`

// asgQuery runs asgSelectSQL with extra conditions (and a trailing ORDER/LIMIT).
func (t *tx) asgQuery(where string, args pgx.NamedArgs) ([]Assignment, error) {
	if args == nil {
		args = pgx.NamedArgs{}
	}
	if _, ok := args["now"]; !ok {
		args["now"] = now()
	}
	rows, err := t.pg.Query(t.ctx, asgSelectSQL+" "+where, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[Assignment])
}

// assignment reads one assignment by id.
func (t *tx) asgByID(id uuid.UUID) (Assignment, error) {
	out, err := t.asgQuery("AND a.id = @id", pgx.NamedArgs{"id": id})
	if err != nil {
		return Assignment{}, err
	}
	if len(out) == 0 {
		return Assignment{}, ErrNotFound
	}
	return out[0], nil
}

// asgAudit is an assignment's view in the audit log.
type asgAudit struct {
	ID            string     `json:"id"`
	UserID        string     `json:"userId"`
	CourseID      string     `json:"courseId"`
	GroupID       *string    `json:"groupId,omitempty"`
	ChainID       *string    `json:"chainId,omitempty"`
	ChainPosition *int       `json:"chainPosition,omitempty"`
	StartAt       *time.Time `json:"startAt,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
}

func asgOptID(prefix string, u *uuid.UUID) *string {
	if u == nil {
		return nil
	}
	s := typeid.Format(prefix, *u)
	return &s
}

// asgUTC is ts in UTC (audit views show instants in UTC whatever the session's zone).
func asgUTC(ts *time.Time) *time.Time {
	if ts == nil {
		return nil
	}
	u := ts.UTC()
	return &u
}

// asgNew is one assignment row just inserted.
type asgNew struct {
	id, user, course uuid.UUID
	group, chain     *uuid.UUID
	chainPos         *int
	startAt, dueAt   *time.Time
}

func (n asgNew) audit() asgAudit {
	return asgAudit{
		ID: typeid.Format(typeid.Assignment, n.id), UserID: typeid.Format(typeid.Person, n.user),
		CourseID: typeid.Format(typeid.Course, n.course), GroupID: asgOptID(typeid.Group, n.group),
		ChainID: asgOptID(typeid.Chain, n.chain), ChainPosition: n.chainPos, StartAt: asgUTC(n.startAt), DueAt: asgUTC(n.dueAt),
	}
}

// asgCourse is a course about to be assigned.
type asgCourse struct {
	ID     uuid.UUID
	Name   string
	Status string
}

// asgCourseToAssign reads a live course; unless published it is a validation error.
func (t *tx) asgCourseToAssign(id uuid.UUID) (asgCourse, error) {
	c := asgCourse{ID: id}
	err := t.pg.QueryRow(t.ctx, `SELECT name, status FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, id).
		Scan(&c.Name, &c.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, err
	}
	if c.Status != "published" {
		return c, &ValidationError{Fields: []FieldError{{Detail: "the course is " + c.Status + "; only published courses can be assigned"}}}
	}
	return c, nil
}

// asgUser is a user about to be assigned something.
type asgUser struct {
	ID     uuid.UUID
	Name   string
	Email  string
	Banned bool
}

// asgUsers reads the users with these ids (missing ones are absent from the map).
func (t *tx) asgUsers(ids []uuid.UUID) (map[uuid.UUID]asgUser, error) {
	rows, err := t.pg.Query(t.ctx, `SELECT id, name, email, status = 'banned' FROM users WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]asgUser{}
	var u asgUser
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Email, &u.Banned}, func() error {
		out[u.ID] = u
		return nil
	})
	return out, err
}

// asgCheckUsers records a field error per unknown or banned user.
func asgCheckUsers(v *ValidationError, found map[uuid.UUID]asgUser, ids []uuid.UUID, pointer func(i int) string) {
	for i, id := range ids {
		u, ok := found[id]
		switch {
		case !ok:
			v.add(pointer(i), "no such user")
		case u.Banned:
			v.add(pointer(i), "the user is banned")
		}
	}
}

// asgGroups reports which of ids are groups of the tenant.
func (t *tx) asgGroups(ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := t.pg.Query(t.ctx, `SELECT id FROM groups WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
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

// asgMailDate renders an instant for a mail body.
func asgMailDate(ts time.Time) string { return ts.UTC().Format("Mon 2 Jan 2006, 15:04 MST") }

// asgNoticeMail is the notice a learner gets for a new assignment.
func asgNoticeMail(u asgUser, course string, startAt, dueAt *time.Time) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYou have been assigned the course %q.\n", u.Name, course)
	if startAt != nil && startAt.After(now()) {
		fmt.Fprintf(&b, "It starts on %s; you can begin from then.\n", asgMailDate(*startAt))
	}
	if dueAt != nil {
		fmt.Fprintf(&b, "Please complete it by %s.\n", asgMailDate(*dueAt))
	}
	return Mail{Kind: "assignment", To: u.Email, Subject: "New training assigned: " + course, Body: b.String()}
}

// AssignInput assigns one course to one user.
type AssignInput struct {
	CourseID, UserID uuid.UUID
	DueAt, StartAt   *time.Time
}

func asgCheckDates(v *ValidationError, startAt, dueAt *time.Time) {
	if startAt != nil && dueAt != nil && !dueAt.After(*startAt) {
		v.add("/dueAt", "must be later than startAt")
	}
}

// AssignUser assigns a published course to an active user. Assigning again is a no-op that
// returns the existing assignment with created false. A new assignment is audited and
// mails the learner a notice.
func (s *Store) AssignUser(ctx context.Context, in AssignInput) (Assignment, bool, error) {
	var out Assignment
	created := false
	err := s.inTenant(ctx, func(t *tx) error {
		c, err := t.asgCourseToAssign(in.CourseID)
		if err != nil {
			return err
		}
		users, err := t.asgUsers([]uuid.UUID{in.UserID})
		if err != nil {
			return err
		}
		v := &ValidationError{}
		asgCheckUsers(v, users, []uuid.UUID{in.UserID}, func(int) string { return "/userId" })
		asgCheckDates(v, in.StartAt, in.DueAt)
		if err := v.err(); err != nil {
			return err
		}
		n := asgNew{id: uuid.Must(uuid.NewV7()), user: in.UserID, course: in.CourseID, startAt: in.StartAt, dueAt: in.DueAt}
		ts := now()
		tag, err := t.pg.Exec(t.ctx, `INSERT INTO assignments (tenant_id, id, user_id, course_id, due_at, start_at, assigned_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING`,
			t.p.TenantID, n.id, n.user, n.course, n.dueAt, n.startAt, t.asgActor(), ts)
		if err != nil {
			return err
		}
		if created = tag.RowsAffected() == 1; created {
			if err := t.audit("assignment.create", "assignment", typeid.Format(typeid.Assignment, n.id), nil, n.audit()); err != nil {
				return err
			}
			if err := t.enqueueMail(asgNoticeMail(users[in.UserID], c.Name, in.StartAt, in.DueAt)); err != nil {
				return err
			}
		}
		list, err := t.asgQuery("AND a.user_id = @user AND a.course_id = @course", pgx.NamedArgs{"user": in.UserID, "course": in.CourseID})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("assignment of %s to %s vanished", in.CourseID, in.UserID)
		}
		out = list[0]
		return nil
	})
	if err != nil {
		return Assignment{}, false, fmt.Errorf("assign user: %w", err)
	}
	return out, created, nil
}

// actor is the caller's person id for *_by columns (nil when unknown).
func (t *tx) asgActor() *uuid.UUID {
	if t.p.PersonID == uuid.Nil {
		return nil
	}
	id := t.p.PersonID
	return &id
}

// GroupAssignInput assigns one course to groups.
type GroupAssignInput struct {
	CourseID       uuid.UUID
	GroupIDs       []uuid.UUID
	DueAt, StartAt *time.Time
}

// GroupAssignCount is what a group assignment did for one group.
type GroupAssignCount struct {
	GroupID         uuid.UUID
	Members         int // members now
	Assigned        int // new assignments
	AlreadyAssigned int // active members who already held the course
	Skipped         int // banned members
}

// asgGroupCourseAudit is a group's course assignment in the audit log.
type asgGroupCourseAudit struct {
	GroupID       string     `json:"groupId"`
	CourseID      string     `json:"courseId"`
	ChainID       *string    `json:"chainId,omitempty"`
	ChainPosition *int       `json:"chainPosition,omitempty"`
	StartAt       *time.Time `json:"startAt,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
}

// asgUpsertGroupCourse records (or updates the dates and chain of) a group's course
// assignment, audited with before and after.
func (t *tx) asgUpsertGroupCourse(group, course uuid.UUID, chain *uuid.UUID, chainPos *int, startAt, dueAt *time.Time) error {
	var before *asgGroupCourseAudit
	var bChain *uuid.UUID
	var bPos *int
	var bStart, bDue *time.Time
	err := t.pg.QueryRow(t.ctx, `SELECT chain_id, chain_position, start_at, due_at FROM group_course_assignments
WHERE tenant_id = learnd_tenant() AND group_id = $1 AND course_id = $2 FOR UPDATE`, group, course).Scan(&bChain, &bPos, &bStart, &bDue)
	switch {
	case err == nil:
		before = &asgGroupCourseAudit{GroupID: typeid.Format(typeid.Group, group), CourseID: typeid.Format(typeid.Course, course),
			ChainID: asgOptID(typeid.Chain, bChain), ChainPosition: bPos, StartAt: asgUTC(bStart), DueAt: asgUTC(bDue)}
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if chain == nil && before != nil { // a plain group assignment keeps the chain it was part of
		chain, chainPos = bChain, bPos
	}
	_, err = t.pg.Exec(t.ctx, `INSERT INTO group_course_assignments (tenant_id, group_id, course_id, chain_id, chain_position, due_at, start_at, assigned_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (tenant_id, group_id, course_id) DO UPDATE SET chain_id = EXCLUDED.chain_id, chain_position = EXCLUDED.chain_position,
  due_at = EXCLUDED.due_at, start_at = EXCLUDED.start_at, assigned_by = EXCLUDED.assigned_by`,
		t.p.TenantID, group, course, chain, chainPos, dueAt, startAt, t.asgActor(), now())
	if err != nil {
		return err
	}
	after := asgGroupCourseAudit{GroupID: typeid.Format(typeid.Group, group), CourseID: typeid.Format(typeid.Course, course),
		ChainID: asgOptID(typeid.Chain, chain), ChainPosition: chainPos, StartAt: asgUTC(startAt), DueAt: asgUTC(dueAt)}
	var b any
	if before != nil {
		b = before
	}
	return t.audit("group.assign_course", "group", typeid.Format(typeid.Group, group), b, after)
}

// asgGroupMembers reads a group's members.
func (t *tx) asgGroupMembers(group uuid.UUID) ([]asgUser, error) {
	rows, err := t.pg.Query(t.ctx, `SELECT u.id, u.name, u.email, u.status = 'banned' FROM group_members gm
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = gm.user_id
WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = $1 ORDER BY u.id`, group)
	if err != nil {
		return nil, err
	}
	var out []asgUser
	var u asgUser
	_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Email, &u.Banned}, func() error {
		out = append(out, u)
		return nil
	})
	return out, err
}

// asgInsert assigns (course, chain position) pairs to users in one statement, ON
// CONFLICT DO NOTHING, auditing each new row; it returns the new rows.
func (t *tx) asgInsert(users []uuid.UUID, courses []uuid.UUID, group, chain *uuid.UUID, startAt, dueAt *time.Time) ([]asgNew, error) {
	if len(users) == 0 || len(courses) == 0 {
		return nil, nil
	}
	ts := now()
	rows, err := t.pg.Query(t.ctx, `INSERT INTO assignments (tenant_id, id, user_id, course_id, group_id, chain_id, chain_position, due_at, start_at, assigned_by, created_at, updated_at)
SELECT $1, learnd_uuidv7(), u.id, c.id, $4, $5, CASE WHEN $5::uuid IS NULL THEN NULL ELSE c.pos END, $6, $7, $8, $9, $9
  FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)
  CROSS JOIN unnest($3::uuid[]) WITH ORDINALITY AS c(id, pos)
 ORDER BY u.n, c.pos
ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING
RETURNING id, user_id, course_id, chain_position`,
		t.p.TenantID, users, courses, group, chain, dueAt, startAt, t.asgActor(), ts)
	if err != nil {
		return nil, err
	}
	var out []asgNew
	var n asgNew
	var pos *int
	_, err = pgx.ForEachRow(rows, []any{&n.id, &n.user, &n.course, &pos}, func() error {
		a := n
		a.group, a.chain, a.startAt, a.dueAt = group, chain, startAt, dueAt
		if pos != nil {
			p := *pos
			a.chainPos = &p
		}
		out = append(out, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		if err := t.audit("assignment.create", "assignment", typeid.Format(typeid.Assignment, a.id), nil, a.audit()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AssignGroups assigns a published course to every active member of each group and
// records the group assignment (members who join later get it through the trigger).
func (s *Store) AssignGroups(ctx context.Context, in GroupAssignInput) ([]GroupAssignCount, error) {
	var out []GroupAssignCount
	err := s.inTenant(ctx, func(t *tx) error {
		c, err := t.asgCourseToAssign(in.CourseID)
		if err != nil {
			return err
		}
		found, err := t.asgGroups(in.GroupIDs)
		if err != nil {
			return err
		}
		v := &ValidationError{}
		for i, g := range in.GroupIDs {
			if !found[g] {
				v.add("/groups/"+itoa(i), "no such group")
			}
		}
		asgCheckDates(v, in.StartAt, in.DueAt)
		if err := v.err(); err != nil {
			return err
		}
		for _, g := range in.GroupIDs {
			if err := t.asgUpsertGroupCourse(g, in.CourseID, nil, nil, in.StartAt, in.DueAt); err != nil {
				return err
			}
			members, err := t.asgGroupMembers(g)
			if err != nil {
				return err
			}
			cnt := GroupAssignCount{GroupID: g, Members: len(members)}
			active := make([]uuid.UUID, 0, len(members))
			byID := make(map[uuid.UUID]asgUser, len(members))
			for _, m := range members {
				if m.Banned {
					cnt.Skipped++
					continue
				}
				active = append(active, m.ID)
				byID[m.ID] = m
			}
			made, err := t.asgInsert(active, []uuid.UUID{in.CourseID}, &g, nil, in.StartAt, in.DueAt)
			if err != nil {
				return err
			}
			for _, a := range made {
				if err := t.enqueueMail(asgNoticeMail(byID[a.user], c.Name, in.StartAt, in.DueAt)); err != nil {
					return err
				}
			}
			cnt.Assigned = len(made)
			cnt.AlreadyAssigned = len(active) - len(made)
			out = append(out, cnt)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assign groups: %w", err)
	}
	return out, nil
}

// ChainAssignInput assigns a course chain to users and groups.
type ChainAssignInput struct {
	ChainID  uuid.UUID
	UserIDs  []uuid.UUID
	GroupIDs []uuid.UUID
	DueAt    *time.Time
}

// ChainAssignResult is what a chain assignment did.
type ChainAssignResult struct {
	ChainID         uuid.UUID
	CourseIDs       []uuid.UUID
	Users           []uuid.UUID // every user reached, in order: named users, then group members
	Assigned        int
	AlreadyAssigned int
}

// asgChainAudit is a chain assignment in the audit log.
type asgChainAudit struct {
	ChainID  string     `json:"chainId"`
	Users    []string   `json:"users"`
	Groups   []string   `json:"groups"`
	DueAt    *time.Time `json:"dueAt,omitempty"`
	Assigned int        `json:"assigned"`
}

// AssignChain assigns every course of a chain, in order, to the users and to the active
// members of the groups (recording each group's chain courses for later members). Only
// the chain's owner may do it (ErrNotChainOwner); every chain course must be published.
func (s *Store) AssignChain(ctx context.Context, in ChainAssignInput) (ChainAssignResult, error) {
	res := ChainAssignResult{ChainID: in.ChainID}
	err := s.inTenant(ctx, func(t *tx) error {
		var owner uuid.UUID
		var name string
		err := t.pg.QueryRow(t.ctx, `SELECT owner_id, name, course_ids FROM course_chains WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, in.ChainID).
			Scan(&owner, &name, &res.CourseIDs)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if owner != t.p.PersonID {
			return ErrNotChainOwner
		}
		v := &ValidationError{}
		names, err := t.asgChainCourses(v, res.CourseIDs)
		if err != nil {
			return err
		}
		users, err := t.asgUsers(in.UserIDs)
		if err != nil {
			return err
		}
		asgCheckUsers(v, users, in.UserIDs, func(i int) string { return "/users/" + itoa(i) })
		groups, err := t.asgGroups(in.GroupIDs)
		if err != nil {
			return err
		}
		for i, g := range in.GroupIDs {
			if !groups[g] {
				v.add("/groups/"+itoa(i), "no such group")
			}
		}
		if err := v.err(); err != nil {
			return err
		}

		reached := map[uuid.UUID]bool{}
		newFor := map[uuid.UUID]int{}
		count := func(ids []uuid.UUID, made []asgNew) {
			for _, id := range ids {
				if !reached[id] {
					reached[id] = true
					res.Users = append(res.Users, id)
				}
			}
			for _, a := range made {
				newFor[a.user]++
			}
			res.Assigned += len(made)
		}
		made, err := t.asgInsert(in.UserIDs, res.CourseIDs, nil, &in.ChainID, nil, in.DueAt)
		if err != nil {
			return err
		}
		count(in.UserIDs, made)
		for _, g := range in.GroupIDs {
			for i, c := range res.CourseIDs {
				pos := i + 1
				if err := t.asgUpsertGroupCourse(g, c, &in.ChainID, &pos, nil, in.DueAt); err != nil {
					return err
				}
			}
			members, err := t.asgGroupMembers(g)
			if err != nil {
				return err
			}
			var active []uuid.UUID
			for _, m := range members {
				if !m.Banned {
					active = append(active, m.ID)
					users[m.ID] = m
				}
			}
			made, err := t.asgInsert(active, res.CourseIDs, &g, &in.ChainID, nil, in.DueAt)
			if err != nil {
				return err
			}
			count(active, made)
		}
		res.AlreadyAssigned = len(res.Users)*len(res.CourseIDs) - res.Assigned
		for _, u := range res.Users {
			if newFor[u] > 0 {
				if err := t.enqueueMail(asgChainMail(users[u], name, names, in.DueAt)); err != nil {
					return err
				}
			}
		}
		after := asgChainAudit{ChainID: typeid.Format(typeid.Chain, in.ChainID), Users: asgFormatIDs(typeid.Person, in.UserIDs),
			Groups: asgFormatIDs(typeid.Group, in.GroupIDs), DueAt: asgUTC(in.DueAt), Assigned: res.Assigned}
		return t.audit("chain.assign", "course_chain", after.ChainID, nil, after)
	})
	if err != nil {
		return ChainAssignResult{}, fmt.Errorf("assign chain: %w", err)
	}
	return res, nil
}

// asgChainCourses records a field error per chain course that cannot be assigned and
// returns the course names in chain order.
func (t *tx) asgChainCourses(v *ValidationError, ids []uuid.UUID) ([]string, error) {
	rows, err := t.pg.Query(t.ctx, `SELECT id, name, status, is_deleted FROM courses WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	type course struct {
		name, status string
		deleted      bool
	}
	found := map[uuid.UUID]course{}
	var id uuid.UUID
	var c course
	if _, err := pgx.ForEachRow(rows, []any{&id, &c.name, &c.status, &c.deleted}, func() error {
		found[id] = c
		return nil
	}); err != nil {
		return nil, err
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		c, ok := found[id]
		switch {
		case !ok || c.deleted:
			v.add("", "chain course %s no longer exists", typeid.Format(typeid.Course, id))
		case c.status != "published":
			v.add("", "chain course %s is %s; only published courses can be assigned", typeid.Format(typeid.Course, id), c.status)
		}
		names[i] = c.name
	}
	return names, nil
}

func asgChainMail(u asgUser, chain string, courses []string, dueAt *time.Time) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYou have been assigned the learning path %q. Take its courses in this order:\n", u.Name, chain)
	for i, c := range courses {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, c)
	}
	if dueAt != nil {
		fmt.Fprintf(&b, "Please complete it by %s.\n", asgMailDate(*dueAt))
	}
	return Mail{Kind: "assignment", To: u.Email, Subject: "New learning path assigned: " + chain, Body: b.String()}
}

func asgFormatIDs(prefix string, ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = typeid.Format(prefix, id)
	}
	return out
}

// AssignmentFilter selects assignments to list: of one user or of one group (exactly one),
// optionally in one status; newest first, keyset-paginated by id.
type AssignmentFilter struct {
	UserID  *uuid.UUID
	GroupID *uuid.UUID
	Status  string
	Limit   int
	After   *uuid.UUID // the last id of the previous page
	// Self lists the caller's own assignments: no existence check of the user.
	Self bool
}

// ListAssignments lists the assignments of a user (all of them) or of a group (its
// current members' assignments of the courses assigned to the group). An unknown user or
// group is ErrNotFound. next is the last id of a full page when more follow.
func (s *Store) ListAssignments(ctx context.Context, f AssignmentFilter) (items []Assignment, next *uuid.UUID, err error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	err = s.inTenant(ctx, func(t *tx) error {
		args := pgx.NamedArgs{"limit": f.Limit + 1}
		var where strings.Builder
		switch {
		case f.UserID != nil:
			if !f.Self {
				if err := t.asgExists(`SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, *f.UserID); err != nil {
					return err
				}
			}
			where.WriteString(" AND a.user_id = @user")
			args["user"] = *f.UserID
		case f.GroupID != nil:
			if err := t.asgExists(`SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, *f.GroupID); err != nil {
				return err
			}
			where.WriteString(` AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = @group AND gm.user_id = a.user_id)
  AND (a.group_id = @group OR EXISTS (SELECT 1 FROM group_course_assignments g WHERE g.tenant_id = learnd_tenant() AND g.group_id = @group AND g.course_id = a.course_id))`)
			args["group"] = *f.GroupID
		default:
			return errors.New("list assignments: a user or a group is required")
		}
		if f.Status != "" {
			where.WriteString(" AND " + asgStatusSQL + " = @status")
			args["status"] = f.Status
		}
		if f.After != nil {
			where.WriteString(" AND a.id < @after")
			args["after"] = *f.After
		}
		where.WriteString(" ORDER BY a.id DESC LIMIT @limit")
		var err error
		items, err = t.asgQuery(where.String(), args)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list assignments: %w", err)
	}
	if len(items) > f.Limit {
		items = items[:f.Limit]
		id := items[len(items)-1].ID
		next = &id
	}
	return items, next, nil
}

// exists runs a query for one row; none is ErrNotFound.
func (t *tx) asgExists(sql string, args ...any) error {
	var one int
	err := t.pg.QueryRow(t.ctx, sql, args...).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// asgDeadlineAudit is a deadline change in the audit log.
type asgDeadlineAudit struct {
	DueAt *time.Time `json:"dueAt"`
}

// ExtendDeadline moves an assignment's deadline later: the new one must be later than the
// current one and in the future; an assignment without a deadline, or a completed one
// (ErrAssignmentCompleted), cannot be extended. Audited with the deadline before and after.
func (s *Store) ExtendDeadline(ctx context.Context, id uuid.UUID, dueAt time.Time) (Assignment, error) {
	var out Assignment
	err := s.inTenant(ctx, func(t *tx) error {
		var cur, completed *time.Time
		err := t.pg.QueryRow(t.ctx, `SELECT a.due_at, a.completed_at FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
WHERE a.tenant_id = learnd_tenant() AND a.id = $1 FOR UPDATE OF a`, id).Scan(&cur, &completed)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if completed != nil {
			return ErrAssignmentCompleted
		}
		ts := now()
		v := &ValidationError{}
		switch {
		case cur == nil:
			v.add("/dueAt", "the assignment has no deadline to extend")
		case !dueAt.After(*cur):
			v.add("/dueAt", "must be later than the current deadline, %s", cur.UTC().Format(time.RFC3339))
		case !dueAt.After(ts):
			v.add("/dueAt", "must be in the future")
		}
		if err := v.err(); err != nil {
			return err
		}
		if _, err := t.pg.Exec(t.ctx, `UPDATE assignments SET due_at = $2, updated_at = $3 WHERE tenant_id = learnd_tenant() AND id = $1`, id, dueAt, ts); err != nil {
			return err
		}
		if err := t.audit("assignment.extend_deadline", "assignment", typeid.Format(typeid.Assignment, id), asgDeadlineAudit{DueAt: asgUTC(cur)}, asgDeadlineAudit{DueAt: asgUTC(&dueAt)}); err != nil {
			return err
		}
		out, err = t.asgByID(id)
		return err
	})
	if err != nil {
		return Assignment{}, fmt.Errorf("extend deadline: %w", err)
	}
	return out, nil
}

// asgReminderAudit is a reminder in the audit log.
type asgReminderAudit struct {
	CourseID    string   `json:"courseId"`
	OverdueOnly bool     `json:"overdueOnly"`
	UserIDs     []string `json:"userIds"`
	Message     string   `json:"message,omitempty"`
}

// SendReminders mails a reminder about a course: with userIDs nil, to every active learner
// whose assignment is overdue; otherwise to exactly those users, each of whom must hold an
// uncompleted assignment of the course (a validation error names the others). It returns
// the users reminded, and is audited.
func (s *Store) SendReminders(ctx context.Context, courseID uuid.UUID, userIDs []uuid.UUID, message string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	err := s.inTenant(ctx, func(t *tx) error {
		var course string
		err := t.pg.QueryRow(t.ctx, `SELECT name FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, courseID).Scan(&course)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		type target struct {
			asgUser
			due       *time.Time
			completed bool
		}
		q := `SELECT u.id, u.name, u.email, u.status = 'banned', a.due_at, a.completed_at IS NOT NULL FROM assignments a
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = a.user_id
WHERE a.tenant_id = learnd_tenant() AND a.course_id = @course`
		args := pgx.NamedArgs{"course": courseID, "now": now()}
		if userIDs == nil {
			q += ` AND a.completed_at IS NULL AND a.due_at < @now AND NOT coalesce(a.start_at > @now, false) AND u.status = 'active' ORDER BY lower(u.name), u.id`
		} else {
			q += ` AND a.user_id = ANY(@users)`
			args["users"] = userIDs
		}
		rows, err := t.pg.Query(t.ctx, q, args)
		if err != nil {
			return err
		}
		var found []target
		var r target
		if _, err := pgx.ForEachRow(rows, []any{&r.ID, &r.Name, &r.Email, &r.Banned, &r.due, &r.completed}, func() error {
			found = append(found, r)
			return nil
		}); err != nil {
			return err
		}
		targets := found
		if userIDs != nil {
			byID := make(map[uuid.UUID]target, len(found))
			for _, f := range found {
				byID[f.ID] = f
			}
			v := &ValidationError{}
			targets = targets[:0:0]
			for i, id := range userIDs {
				f, ok := byID[id]
				switch {
				case !ok:
					v.add("/userIds/"+itoa(i), "the user is not assigned this course")
				case f.completed:
					v.add("/userIds/"+itoa(i), "the user has completed this course")
				case f.Banned:
					v.add("/userIds/"+itoa(i), "the user is banned")
				default:
					targets = append(targets, f)
				}
			}
			if err := v.err(); err != nil {
				return err
			}
		}
		for _, tg := range targets {
			if err := t.enqueueMail(asgReminderMail(tg.asgUser, course, tg.due, message)); err != nil {
				return err
			}
			out = append(out, tg.ID)
		}
		return t.audit("course.remind", "course", typeid.Format(typeid.Course, courseID), nil,
			asgReminderAudit{CourseID: typeid.Format(typeid.Course, courseID), OverdueOnly: userIDs == nil, UserIDs: asgFormatIDs(typeid.Person, out), Message: message})
	})
	if err != nil {
		return nil, fmt.Errorf("send reminders: %w", err)
	}
	return out, nil
}

func asgReminderMail(u asgUser, course string, dueAt *time.Time, message string) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nThis is a reminder to complete the course %q.\n", u.Name, course)
	if dueAt != nil {
		if dueAt.Before(now()) {
			fmt.Fprintf(&b, "It was due on %s.\n", asgMailDate(*dueAt))
		} else {
			fmt.Fprintf(&b, "It is due by %s.\n", asgMailDate(*dueAt))
		}
	}
	if message != "" {
		fmt.Fprintf(&b, "\n%s\n", message)
	}
	return Mail{Kind: "reminder", To: u.Email, Subject: "Reminder: " + course, Body: b.String()}
}
