package learning

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/learnd/learnd/store"
)

// CohortSchemaVersion is the schema version cohorts are written with.
const CohortSchemaVersion = 1

// CohortStatuses are the lifecycle statuses of a cohort.
var CohortStatuses = []string{"draft", "scheduled", "active", "completed", "archived"}

// Cohort is a group of learners in a program (seed 000).
type Cohort struct {
	Envelope
	GroupID               *uuid.UUID                 `gorm:"column:group_id;type:uuid"`
	ProgramID             *string                    `gorm:"column:program_id"`
	Name                  string                     `gorm:"column:name"`
	StartDate             *time.Time                 `gorm:"column:start_date"`
	EndDate               *time.Time                 `gorm:"column:end_date"`
	Status                string                     `gorm:"column:status"`
	SessionCount          *int                       `gorm:"column:session_count"`
	FacilitatorIDs        store.JSON[[]string]       `gorm:"column:facilitator_ids;type:jsonb"`         // canonical per_… ids
	AssignedAssessmentIDs store.JSON[[]string]       `gorm:"column:assigned_assessment_ids;type:jsonb"` // canonical asm_… ids
	CompletionRequiredPct *float64                   `gorm:"column:completion_required_pct"`
	CurrentCompletionPct  *float64                   `gorm:"column:current_completion_pct"`
	Metadata              store.JSON[map[string]any] `gorm:"column:metadata;type:jsonb"`
	Tags                  store.JSON[[]string]       `gorm:"column:tags;type:jsonb"`
}

var cohortTable = tableSpec[Cohort]{
	name:          "cohorts",
	schemaVersion: CohortSchemaVersion,
	computed:      []string{"current_completion_pct"},
	orders: merge(envelopeOrders[Cohort](), map[string]ordering[Cohort]{
		"name":       {expr: "name", cast: "text", key: func(c *Cohort) string { return c.Name }},
		"start_date": {expr: "start_key", cast: "timestamptz", key: func(c *Cohort) string { return optTimeKey(c.StartDate) }},
	}),
	refs:     cohortRefs,
	refsCond: cohortRefsCond,
	readJoin: completionJoin,
	computedKept: func(before, after *Cohort) bool {
		return (before.GroupID == nil) == (after.GroupID == nil) && (before.GroupID == nil || *before.GroupID == *after.GroupID)
	},
}

func (c *Cohort) validate() error {
	var v store.ValidationError
	if c.Name == "" {
		v.Add("/name", "must not be empty")
	}
	if c.Status == "" {
		c.Status = "draft"
	}
	if !contains(CohortStatuses, c.Status) {
		v.Add("/status", "must be one of %v", CohortStatuses)
	}
	if c.StartDate != nil && c.EndDate != nil && c.EndDate.Before(*c.StartDate) {
		v.Add("/end_date", "must not be before start_date")
	}
	pct("/completion_required_pct", c.CompletionRequiredPct, &v)
	if c.SessionCount != nil && *c.SessionCount < 0 {
		v.Add("/session_count", "must not be negative")
	}
	nonNil(&c.FacilitatorIDs.V)
	nonNil(&c.AssignedAssessmentIDs.V)
	nonNil(&c.Tags.V)
	if c.Metadata.V == nil {
		c.Metadata.V = map[string]any{}
	}
	return v.Err()
}

// CohortRepo stores cohorts. Reads and writes fill current_completion_pct from the
// cohort's group (cohort_completion.go).
type CohortRepo struct {
	repo[Cohort, *Cohort]
}

// CohortQuery filters a cohort list.
type CohortQuery struct {
	ListOptions
	Status    string
	ProgramID string
	GroupID   *uuid.UUID
	StartDate TimeRange
}

// List returns one page of cohorts.
func (r *CohortRepo) List(ctx context.Context, q CohortQuery) (Page[Cohort], error) {
	var cs []cond
	if q.Status != "" {
		cs = append(cs, cond{"status = ?", []any{q.Status}})
	}
	if q.ProgramID != "" {
		cs = append(cs, cond{"program_id = ?", []any{q.ProgramID}})
	}
	if q.GroupID != nil {
		cs = append(cs, cond{"group_id = ?", []any{*q.GroupID}})
	}
	cs = append(cs, rangeConds("start_date", q.StartDate)...)
	return r.list(ctx, q.ListOptions, []string{"name"}, cs)
}

func merge[T any](a, b map[string]ordering[T]) map[string]ordering[T] {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pct(pointer string, p *float64, v *store.ValidationError) {
	if p != nil && (*p < 0 || *p > 100) {
		v.Add(pointer, "must be between 0 and 100")
	}
}

func nonNil[E any](s *[]E) {
	if *s == nil {
		*s = []E{}
	}
}
