package assignments

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// What enrolment rules (store/enrolment) ask of assignments: the courses a rule's targets
// stand for, which of them people hold already, and the assignments themselves, audited
// with the rule's name.

// RuleCourse is one course a rule's targets stand for: a course of its own or a course of
// one of its chains (with the chain and the course's position in it, from 1).
type RuleCourse struct {
	CourseID  uuid.UUID
	Name      string
	ChainID   *uuid.UUID
	ChainPos  *int
	Exists    bool // a live course of the tenant
	Published bool
}

// RuleChain is a chain a rule targets: Exists false when it is not a live chain of the tenant.
type RuleChain struct {
	ChainID uuid.UUID
	Name    string
	Exists  bool
}

// RuleCourses expands a rule's targets into courses, in order: the courses, then each
// live chain's courses in the chain's order (a course in both counts once, as the course).
func (s *Repo) RuleCourses(ctx context.Context, courseIDs, chainIDs []uuid.UUID) ([]RuleCourse, []RuleChain, error) {
	var out []RuleCourse
	var chains []RuleChain
	err := s.st.Read(ctx, func(t *store.Tx) error {
		seen := map[uuid.UUID]bool{}
		for _, id := range courseIDs {
			if !seen[id] {
				seen[id] = true
				out = append(out, RuleCourse{CourseID: id})
			}
		}
		if len(chainIDs) > 0 {
			rows, err := t.Query(`SELECT id, name, course_ids FROM course_chains WHERE tenant_id = learnd_tenant() AND id = ANY($1) AND NOT is_deleted`, chainIDs)
			if err != nil {
				return err
			}
			type chain struct {
				name    string
				courses []uuid.UUID
			}
			found := map[uuid.UUID]chain{}
			var id uuid.UUID
			var c chain
			if _, err := pgx.ForEachRow(rows, []any{&id, &c.name, &c.courses}, func() error {
				found[id] = c
				return nil
			}); err != nil {
				return err
			}
			for _, ch := range chainIDs {
				c, ok := found[ch]
				chains = append(chains, RuleChain{ChainID: ch, Name: c.name, Exists: ok})
				for i, cid := range c.courses {
					if seen[cid] {
						continue
					}
					seen[cid] = true
					chain, pos := ch, i+1
					out = append(out, RuleCourse{CourseID: cid, ChainID: &chain, ChainPos: &pos})
				}
			}
		}
		ids := make([]uuid.UUID, len(out))
		for i, c := range out {
			ids[i] = c.CourseID
		}
		rows, err := t.Query(`SELECT id, name, status = 'published' FROM courses WHERE tenant_id = learnd_tenant() AND id = ANY($1) AND NOT is_deleted`, ids)
		if err != nil {
			return err
		}
		type course struct {
			name      string
			published bool
		}
		found := map[uuid.UUID]course{}
		var id uuid.UUID
		var c course
		if _, err := pgx.ForEachRow(rows, []any{&id, &c.name, &c.published}, func() error {
			found[id] = c
			return nil
		}); err != nil {
			return err
		}
		for i := range out {
			c, ok := found[out[i].CourseID]
			out[i].Exists, out[i].Name, out[i].Published = ok, c.name, c.published
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rule courses: %w", err)
	}
	return out, chains, nil
}

// UserCourse is one (user, course) pair.
type UserCourse struct{ UserID, CourseID uuid.UUID }

// Held reports which of the users hold an assignment (open or completed) of which of the courses.
func (s *Repo) Held(ctx context.Context, users, courses []uuid.UUID) (map[UserCourse]bool, error) {
	out := map[UserCourse]bool{}
	if len(users) == 0 || len(courses) == 0 {
		return out, nil
	}
	err := s.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT user_id, course_id FROM assignments WHERE tenant_id = learnd_tenant() AND user_id = ANY($1) AND course_id = ANY($2)`, users, courses)
		if err != nil {
			return err
		}
		var k UserCourse
		_, err = pgx.ForEachRow(rows, []any{&k.UserID, &k.CourseID}, func() error {
			out[k] = true
			return nil
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("held assignments: %w", err)
	}
	return out, nil
}

// RuleItem is one assignment a rule makes.
type RuleItem struct {
	UserID   uuid.UUID
	CourseID uuid.UUID
	ChainID  *uuid.UUID
	ChainPos *int
}

// RuleAssigned is an assignment a rule made.
type RuleAssigned struct {
	RuleItem
	AssignmentID uuid.UUID
}

// AssignByRule makes the items' assignments, due at dueAt, for the enrolment rule named
// by (ruleID, ruleName): a (user, course) held already is left alone (ON CONFLICT DO
// NOTHING). Each new assignment is audited with the rule in its entry; each user who got
// one is mailed a notice per course. It returns what it made.
func (s *Repo) AssignByRule(ctx context.Context, ruleID uuid.UUID, ruleName string, items []RuleItem, dueAt time.Time) ([]RuleAssigned, error) {
	var out []RuleAssigned
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		users := make([]uuid.UUID, 0, len(items))
		for _, it := range items {
			users = append(users, it.UserID)
		}
		learners, err := learnerRows(t, users)
		if err != nil {
			return err
		}
		by := fmt.Sprintf("enrolment rule %s (%s)", ruleName, typeid.Format(typeid.EnrolmentRule, ruleID))
		ts, names := store.Now(), map[uuid.UUID]string{}
		for _, it := range items {
			n := newAssignment{id: uuid.Must(uuid.NewV7()), user: it.UserID, course: it.CourseID, chain: it.ChainID, chainPos: it.ChainPos, dueAt: &dueAt}
			tag, err := t.Exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, chain_id, chain_position, due_at, assigned_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING`,
				t.Caller().TenantID, n.id, n.user, n.course, n.chain, n.chainPos, n.dueAt, actorOf(t), ts)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			view := n.audit()
			view.By = by
			if err := t.Audit("assignment.create", "assignment", view.ID, nil, view); err != nil {
				return err
			}
			if err := t.Emit(store.EventAssignmentCreated, n.audit()); err != nil {
				return err
			}
			name, ok := names[it.CourseID]
			if !ok {
				if err := t.QueryRow(`SELECT name FROM courses WHERE tenant_id = learnd_tenant() AND id = $1`, it.CourseID).Scan(&name); err != nil {
					return err
				}
				names[it.CourseID] = name
			}
			if err := t.EnqueueMail(noticeMail(learners[it.UserID], name, nil, &dueAt)); err != nil {
				return err
			}
			out = append(out, RuleAssigned{RuleItem: it, AssignmentID: n.id})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assign by rule: %w", err)
	}
	return out, nil
}
