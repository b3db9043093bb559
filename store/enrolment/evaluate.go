package enrolment

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/people"
)

// Why a matching person is not assigned a rule's course.
const (
	SkipAlreadyAssigned = "already_assigned"        // holds the course (open or completed)
	SkipAssignedBefore  = "assigned_before_by_rule" // the rule assigned it once; it was removed since
	SkipBanned          = "banned"
	SkipDeprovisioned   = "deprovisioned"
	SkipUnavailable     = "course_unavailable" // the course is no longer live and published
)

// maxReported bounds each list of a back-fill's report (the counts are complete).
const maxReported = 1000

// Outcome is what a rule did (or did not do, and why) for one person and course.
type Outcome struct {
	UserID   uuid.UUID
	UserName string
	CourseID uuid.UUID
	ChainID  *uuid.UUID
	Reason   string     // skipped: why
	DueAt    *time.Time // assigned: the deadline
}

// Backfill is what evaluating a rule for everyone did: the people who match, the
// assignments made and the ones skipped (each list at most 1000 long; the counts are
// complete and Truncated says a list was cut).
type Backfill struct {
	Matched       int
	Assigned      []Outcome
	Skipped       []Outcome
	AssignedCount int
	SkippedCount  int
	Truncated     bool
}

func (b *Backfill) add(o Outcome, assigned bool) {
	list, n := &b.Skipped, &b.SkippedCount
	if assigned {
		list, n = &b.Assigned, &b.AssignedCount
	}
	*n++
	if len(*list) < maxReported {
		*list = append(*list, o)
	} else {
		b.Truncated = true
	}
}

// MaxBackfill is how many assignments one evaluation of a rule may make (a back-fill runs
// in its request's transaction, a statement, an audit row and a notice mail each).
const MaxBackfill = 5000

// backfill evaluates rule for every user of the tenant.
func (r *Repo) backfill(t *store.Tx, rule *Rule) (Backfill, error) {
	var matched []people.Attributed
	err := people.New(r.st).Users().EachAttributed(t.Ctx(), nil, func(u people.Attributed) error {
		if Matches(rule.Conditions, u.Attributes) {
			u.Attributes = nil // matched: the attributes are not needed any more
			matched = append(matched, u)
		}
		return nil
	})
	if err != nil {
		return Backfill{}, err
	}
	return r.apply(t, rule, matched)
}

// apply assigns rule's courses to the matched users who may have them, records the grants
// and reports each (user, course).
func (r *Repo) apply(t *store.Tx, rule *Rule, matched []people.Attributed) (Backfill, error) {
	out := Backfill{Matched: len(matched), Assigned: []Outcome{}, Skipped: []Outcome{}}
	if len(matched) == 0 {
		return out, nil
	}
	courses, _, err := r.assignments.RuleCourses(t.Ctx(), rule.CourseIDs, rule.ChainIDs)
	if err != nil {
		return out, err
	}
	userIDs := make([]uuid.UUID, len(matched))
	for i, u := range matched {
		userIDs[i] = u.ID
	}
	courseIDs := make([]uuid.UUID, len(courses))
	for i, c := range courses {
		courseIDs[i] = c.CourseID
	}
	held, err := r.assignments.Held(t.Ctx(), userIDs, courseIDs)
	if err != nil {
		return out, err
	}
	granted, err := grantsOf(t, rule.ID, userIDs)
	if err != nil {
		return out, err
	}
	due := store.Now().AddDate(0, 0, rule.DueInDays).UTC()
	var items []assignments.RuleItem
	names := map[uuid.UUID]string{}
	for _, u := range matched {
		names[u.ID] = u.Name
		for _, c := range courses {
			o := Outcome{UserID: u.ID, UserName: u.Name, CourseID: c.CourseID, ChainID: c.ChainID}
			k := assignments.UserCourse{UserID: u.ID, CourseID: c.CourseID}
			switch {
			case u.Deprovisioned:
				o.Reason = SkipDeprovisioned
			case u.Banned:
				o.Reason = SkipBanned
			case !c.Exists || !c.Published:
				o.Reason = SkipUnavailable
			case granted[k]:
				o.Reason = SkipAssignedBefore
			case held[k]:
				o.Reason = SkipAlreadyAssigned
			default:
				items = append(items, assignments.RuleItem{UserID: u.ID, CourseID: c.CourseID, ChainID: c.ChainID, ChainPos: c.ChainPos})
				continue
			}
			out.add(o, false)
		}
	}
	if len(items) > MaxBackfill {
		v := &store.ValidationError{}
		v.Add("", "the rule would make %d assignments at once; at most %d in one request: narrow its conditions or targets, or split it", len(items), MaxBackfill)
		return out, v
	}
	made, err := r.assignments.AssignByRule(t.Ctx(), rule.ID, rule.Name, items, due)
	if err != nil {
		return out, err
	}
	if err := recordGrants(t, rule.ID, made); err != nil {
		return out, err
	}
	done := map[assignments.UserCourse]bool{}
	for _, a := range made {
		done[assignments.UserCourse{UserID: a.UserID, CourseID: a.CourseID}] = true
		out.add(Outcome{UserID: a.UserID, UserName: names[a.UserID], CourseID: a.CourseID, ChainID: a.ChainID, DueAt: &due}, true)
	}
	for _, it := range items { // assigned meanwhile by someone else
		if !done[assignments.UserCourse{UserID: it.UserID, CourseID: it.CourseID}] {
			out.add(Outcome{UserID: it.UserID, UserName: names[it.UserID], CourseID: it.CourseID, ChainID: it.ChainID, Reason: SkipAlreadyAssigned}, false)
		}
	}
	return out, nil
}

// grantsOf reads what rule assigned the users before.
func grantsOf(t *store.Tx, rule uuid.UUID, users []uuid.UUID) (map[assignments.UserCourse]bool, error) {
	rows, err := t.Query(`SELECT user_id, course_id FROM enrolment_grants WHERE tenant_id = learnd_tenant() AND rule_id = $1 AND user_id = ANY($2)`, rule, users)
	if err != nil {
		return nil, err
	}
	out := map[assignments.UserCourse]bool{}
	var k assignments.UserCourse
	_, err = pgx.ForEachRow(rows, []any{&k.UserID, &k.CourseID}, func() error {
		out[k] = true
		return nil
	})
	return out, err
}

// recordGrants remembers what rule assigned.
func recordGrants(t *store.Tx, rule uuid.UUID, made []assignments.RuleAssigned) error {
	if len(made) == 0 {
		return nil
	}
	users, courses, ids := make([]uuid.UUID, len(made)), make([]uuid.UUID, len(made)), make([]uuid.UUID, len(made))
	chains := make([]*uuid.UUID, len(made))
	for i, a := range made {
		users[i], courses[i], ids[i], chains[i] = a.UserID, a.CourseID, a.AssignmentID, a.ChainID
	}
	_, err := t.Exec(`INSERT INTO enrolment_grants (tenant_id, rule_id, user_id, course_id, chain_id, assignment_id, granted_at)
SELECT $1, $2, g.u, g.c, g.ch, g.a, $7 FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[]) AS g(u, c, ch, a)
ON CONFLICT DO NOTHING`, t.Caller().TenantID, rule, users, courses, chains, ids, store.Now())
	if err != nil {
		return fmt.Errorf("record grants: %w", err)
	}
	return nil
}

// UserChanged evaluates every enabled rule for a user just created or changed, in the
// transaction that made the change (the store's user hook: store.SetUserHook). Leaving a
// rule's scope changes nothing.
func (r *Repo) UserChanged(t *store.Tx, id uuid.UUID) error {
	var user *people.Attributed
	err := people.New(r.st).Users().EachAttributed(t.Ctx(), &id, func(u people.Attributed) error {
		user = &u
		return nil
	})
	if err != nil || user == nil || user.Banned || user.Deprovisioned {
		return err
	}
	rules, err := store.QuerySQL[Rule](t, `SELECT `+ruleCols+` FROM enrolment_rules WHERE tenant_id = learnd_tenant() AND enabled ORDER BY id`, nil, 0)
	if err != nil {
		return err
	}
	for i := range rules {
		if !Matches(rules[i].Conditions, user.Attributes) {
			continue
		}
		if _, err := r.apply(t, &rules[i], []people.Attributed{*user}); err != nil {
			return fmt.Errorf("enrolment rule %s: %w", rules[i].Name, err)
		}
	}
	return nil
}
