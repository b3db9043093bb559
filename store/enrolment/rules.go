// Package enrolment is enrolment rules: conditions on people's HR attributes that assign
// courses and chains, due some days after a person matches. Rules are evaluated for a
// user when the user is created or changed (UserChanged, the store's user hook) and for
// everyone when a rule is created, enabled or changed (the back-fill). The assignments
// themselves are the assignments domain's (assignments.Repo.AssignByRule); this package
// owns the rules, their conditions and the grants that remember what a rule assigned.
package enrolment

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// MaxRules is how many enrolment rules a tenant may hold (each user change evaluates them all).
const MaxRules = 200

// Rule is an enrolment rule.
type Rule struct {
	ID         uuid.UUID   `gorm:"column:id"`
	Name       string      `gorm:"column:name"`
	Conditions []Condition `gorm:"column:conditions"`
	CourseIDs  []uuid.UUID `gorm:"column:course_ids"`
	ChainIDs   []uuid.UUID `gorm:"column:chain_ids"`
	DueInDays  int         `gorm:"column:due_in_days"`
	Enabled    bool        `gorm:"column:enabled"`
	CreatedAt  time.Time   `gorm:"column:created_at"`
	UpdatedAt  time.Time   `gorm:"column:updated_at"`
	Version    int         `gorm:"column:version"`
}

// RuleInput is what creating (or replacing) a rule takes.
type RuleInput struct {
	Name       string
	Conditions []Condition
	CourseIDs  []uuid.UUID
	ChainIDs   []uuid.UUID
	DueInDays  int
	Enabled    bool
}

// Repo is the enrolment domain over one store.
type Repo struct {
	st          *store.Store
	assignments *assignments.Repo
}

// New returns the enrolment domain of st.
func New(st *store.Store) *Repo { return &Repo{st: st, assignments: assignments.New(st)} }

const ruleCols = "id, name, conditions, course_ids, chain_ids, due_in_days, enabled, created_at, updated_at, version"

// ruleAudit is a rule as the audit log records it.
type ruleAudit struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Conditions []Condition `json:"conditions"`
	CourseIDs  []string    `json:"courseIds"`
	ChainIDs   []string    `json:"chainIds"`
	DueInDays  int         `json:"dueInDays"`
	Enabled    bool        `json:"enabled"`
	Version    int         `json:"version"`
}

func auditRule(r *Rule) ruleAudit {
	a := ruleAudit{ID: typeid.Format(typeid.EnrolmentRule, r.ID), Name: r.Name, Conditions: r.Conditions,
		DueInDays: r.DueInDays, Enabled: r.Enabled, Version: r.Version, CourseIDs: []string{}, ChainIDs: []string{}}
	for _, id := range r.CourseIDs {
		a.CourseIDs = append(a.CourseIDs, typeid.Format(typeid.Course, id))
	}
	for _, id := range r.ChainIDs {
		a.ChainIDs = append(a.ChainIDs, typeid.Format(typeid.Chain, id))
	}
	return a
}

func getRule(t *store.Tx, id uuid.UUID, lock bool) (*Rule, error) {
	sql := `SELECT ` + ruleCols + ` FROM enrolment_rules WHERE tenant_id = learnd_tenant() AND id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var r Rule
	if err := store.QueryOne(t, sql, []any{id}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Created is a rule just written and what its back-fill did (or, in a dry run, would do).
type Created struct {
	Rule     *Rule
	Backfill Backfill
}

// Create validates and stores a rule and, when it is enabled, back-fills it: everyone who
// matches now is assigned its courses and chains. In a dry run (store.DryRun) the answer is
// the same and nothing stays.
func (r *Repo) Create(ctx context.Context, in RuleInput) (Created, error) {
	var out Created
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := r.check(t, &in); err != nil {
			return err
		}
		var n int
		if err := t.QueryRow(`SELECT count(*) FROM enrolment_rules WHERE tenant_id = learnd_tenant()`).Scan(&n); err != nil {
			return err
		}
		if n >= MaxRules {
			v := &store.ValidationError{}
			v.Add("", "a tenant has at most %d enrolment rules", MaxRules)
			return v
		}
		id, ts := uuid.Must(uuid.NewV7()), store.Now()
		by := actorOf(t)
		_, err := t.Exec(`INSERT INTO enrolment_rules (tenant_id, id, name, conditions, course_ids, chain_ids, due_in_days, enabled, created_at, updated_at, created_by, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $10)`,
			t.Caller().TenantID, id, in.Name, in.Conditions, in.CourseIDs, in.ChainIDs, in.DueInDays, in.Enabled, ts, by)
		if err != nil {
			return err
		}
		rule, err := getRule(t, id, false)
		if err != nil {
			return err
		}
		if err := t.Audit("enrolment_rule.create", "enrolment_rule", typeid.Format(typeid.EnrolmentRule, id), nil, auditRule(rule)); err != nil {
			return err
		}
		out.Rule = rule
		if rule.Enabled {
			out.Backfill, err = r.backfill(t, rule)
		}
		return err
	})
	if err != nil {
		return Created{}, fmt.Errorf("create enrolment rule: %w", err)
	}
	return out, nil
}

// Replace replaces a rule (expected, when set, is the version the caller read) and, when
// it is enabled, back-fills it as Create does. People who matched before and no longer do
// keep what the rule assigned them.
func (r *Repo) Replace(ctx context.Context, id uuid.UUID, expected *int, in RuleInput) (Created, error) {
	var out Created
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getRule(t, id, true)
		if err != nil {
			return err
		}
		if expected != nil && *expected != cur.Version {
			return &store.VersionMismatchError{Expected: *expected, Current: cur.Version}
		}
		if err := r.check(t, &in); err != nil {
			return err
		}
		_, err = t.Exec(`UPDATE enrolment_rules SET name = $2, conditions = $3, course_ids = $4, chain_ids = $5, due_in_days = $6, enabled = $7,
  updated_at = $8, updated_by = $9, version = version + 1 WHERE tenant_id = learnd_tenant() AND id = $1`,
			id, in.Name, in.Conditions, in.CourseIDs, in.ChainIDs, in.DueInDays, in.Enabled, store.Now(), actorOf(t))
		if err != nil {
			return err
		}
		rule, err := getRule(t, id, false)
		if err != nil {
			return err
		}
		if err := t.Audit("enrolment_rule.update", "enrolment_rule", typeid.Format(typeid.EnrolmentRule, id), auditRule(cur), auditRule(rule)); err != nil {
			return err
		}
		out.Rule = rule
		if rule.Enabled {
			out.Backfill, err = r.backfill(t, rule)
		}
		return err
	})
	if err != nil {
		return Created{}, fmt.Errorf("replace enrolment rule: %w", err)
	}
	return out, nil
}

// Delete removes a rule; what it assigned stays, and so do its grants.
func (r *Repo) Delete(ctx context.Context, id uuid.UUID) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getRule(t, id, true)
		if err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM enrolment_rules WHERE tenant_id = learnd_tenant() AND id = $1`, id); err != nil {
			return err
		}
		return t.Audit("enrolment_rule.delete", "enrolment_rule", typeid.Format(typeid.EnrolmentRule, id), auditRule(cur), nil)
	})
	if err != nil {
		return fmt.Errorf("delete enrolment rule: %w", err)
	}
	return nil
}

// Get returns one rule.
func (r *Repo) Get(ctx context.Context, id uuid.UUID) (*Rule, error) {
	var out *Rule
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		out, err = getRule(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get enrolment rule: %w", err)
	}
	return out, nil
}

// Query selects a page of rules, by name.
type Query struct {
	Limit int
	After *store.NameCursor
}

// Page is one page of rules; Next is nil on the last page.
type Page struct {
	Items []Rule
	Next  *store.NameCursor
}

type ruleRow struct {
	Rule
	SortKey string `gorm:"column:sort_key"`
}

func (r *ruleRow) position() store.NameCursor { return store.NameCursor{Name: r.SortKey, ID: r.ID} }

// Find lists the tenant's rules by name.
func (r *Repo) Find(ctx context.Context, q Query) (Page, error) {
	var page Page
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var args store.Args
		sql := `SELECT ` + ruleCols + `, lower(name) AS sort_key FROM enrolment_rules WHERE tenant_id = learnd_tenant()` + args.ByName("", q.After, q.Limit)
		rows, next, err := store.KeysetRecords(t, q.Limit, sql, args, (*ruleRow).position)
		if err != nil {
			return err
		}
		page.Next = next
		page.Items = make([]Rule, len(rows))
		for i := range rows {
			page.Items[i] = rows[i].Rule
		}
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("find enrolment rules: %w", err)
	}
	return page, nil
}

// actorOf is the caller's person id for *_by columns (nil when unknown).
func actorOf(t *store.Tx) *uuid.UUID {
	if t.Caller().PersonID == uuid.Nil {
		return nil
	}
	id := t.Caller().PersonID
	return &id
}
