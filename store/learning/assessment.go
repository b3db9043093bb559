package learning

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// AssessmentSchemaVersion is the schema version assessments are written with.
const AssessmentSchemaVersion = 1

// Assessment enumerations.
var (
	AssessmentKinds     = []string{"learning", "grc_self_assessment", "compliance_audit", "customer_satisfaction", "customer_health_check", "customer_onboarding", "skills", "general"}
	AssessmentStatuses  = []string{"draft", "scheduled", "open", "closed", "archived"}
	QuestionTypes       = []string{"single_choice", "multiple_choice", "text", "rating", "boolean"}
	grcKinds            = []string{"grc_self_assessment", "compliance_audit"}
	customerKinds       = []string{"customer_satisfaction", "customer_health_check", "customer_onboarding"}
	choiceQuestionTypes = []string{"single_choice", "multiple_choice"}
)

// Question is an inline assessment question.
type Question struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Type     string   `json:"type"`
	Options  []string `json:"options,omitempty"`
	Weight   *float64 `json:"weight,omitempty"`
	Required bool     `json:"required"`
}

// Finding is a key finding of an assessment.
type Finding struct {
	Title    string  `json:"title"`
	Detail   *string `json:"detail,omitempty"`
	Severity *string `json:"severity,omitempty"`
}

// Recommendation arises from an assessment's findings.
type Recommendation struct {
	Title    string  `json:"title"`
	Detail   *string `json:"detail,omitempty"`
	Priority *string `json:"priority,omitempty"`
}

// Assessment is a test, quiz, or evaluation artifact (seed 000).
type Assessment struct {
	Envelope
	Kind              string                       `gorm:"column:kind"`
	Name              string                       `gorm:"column:name"`
	Description       *string                      `gorm:"column:description"`
	ResponsibleUserID *uuid.UUID                   `gorm:"column:responsible_user_id;type:uuid"`
	TargetCohortID    *uuid.UUID                   `gorm:"column:target_cohort_id;type:uuid"`
	TargetGroupID     *uuid.UUID                   `gorm:"column:target_group_id;type:uuid"`
	TargetAccountID   *string                      `gorm:"column:target_account_id"`
	FrameworkIDs      store.JSON[[]string]         `gorm:"column:framework_ids;type:jsonb"`
	ControlIDs        store.JSON[[]string]         `gorm:"column:control_ids;type:jsonb"`
	Questions         store.JSON[[]Question]       `gorm:"column:questions;type:jsonb"`
	QuestionBankID    *string                      `gorm:"column:question_bank_id"`
	Frequency         *string                      `gorm:"column:frequency"`
	DueDate           *time.Time                   `gorm:"column:due_date"`
	ScheduledStartAt  *time.Time                   `gorm:"column:scheduled_start_at"`
	Status            string                       `gorm:"column:status"`
	ResponseCount     int                          `gorm:"column:response_count"`
	CompletionPct     float64                      `gorm:"column:completion_pct"`
	Findings          store.JSON[[]Finding]        `gorm:"column:findings;type:jsonb"`
	Recommendations   store.JSON[[]Recommendation] `gorm:"column:recommendations;type:jsonb"`
	AssessmentTools   store.JSON[[]string]         `gorm:"column:assessment_tools;type:jsonb"`
	OutputDocumentID  *string                      `gorm:"column:output_document_id"`
	Tags              store.JSON[[]string]         `gorm:"column:tags;type:jsonb"`
}

var assessmentTable = tableSpec[Assessment]{
	name:          "assessments",
	schemaVersion: AssessmentSchemaVersion,
	computed:      []string{"response_count", "completion_pct"},
	orders: merge(envelopeOrders[Assessment](), map[string]ordering[Assessment]{
		"name":     {expr: "name", cast: "text", key: func(a *Assessment) string { return a.Name }},
		"due_date": {expr: "due_key", cast: "timestamptz", key: func(a *Assessment) string { return optTimeKey(a.DueDate) }},
	}),
	fkPointers: map[string]store.FieldError{
		"assessments_tenant_id_target_cohort_id_fkey": {Pointer: "/target_cohort_id", Detail: "no such cohort"},
	},
	refs: func(b *pgx.Batch, before, a *Assessment, verr *store.ValidationError) {
		if a.TargetCohortID == nil || (before != nil && before.TargetCohortID != nil && *before.TargetCohortID == *a.TargetCohortID) {
			return
		}
		b.Queue(`SELECT `+fmt.Sprintf(assessmentCohortFound, "$1"), *a.TargetCohortID).
			QueryRow(func(row pgx.Row) error {
				var ok bool
				if err := row.Scan(&ok); err != nil {
					return fmt.Errorf("assessment references: %w", err)
				}
				if !ok {
					verr.Add("/target_cohort_id", "no such cohort")
				}
				return nil
			})
	},
	refsCond: func(a *Assessment, args *store.Args, _ *store.ValidationError) string {
		if a.TargetCohortID == nil {
			return ""
		}
		return fmt.Sprintf(assessmentCohortFound, args.Add(*a.TargetCohortID)+"::uuid")
	},
}

// assessmentCohortFound holds when the cohort %s is one the caller can see (live, in the
// tenant): an assessment's reference (the foreign key sees past soft delete).
const assessmentCohortFound = `EXISTS (SELECT 1 FROM cohorts WHERE tenant_id = learnd_tenant() AND id = %s AND NOT is_deleted)`

func (a *Assessment) validate() error {
	var v store.ValidationError
	if a.Name == "" {
		v.Add("/name", "must not be empty")
	}
	if !contains(AssessmentKinds, a.Kind) {
		v.Add("/kind", "must be one of %v", AssessmentKinds)
	}
	if a.Status == "" {
		a.Status = "draft"
	}
	if !contains(AssessmentStatuses, a.Status) {
		v.Add("/status", "must be one of %v", AssessmentStatuses)
	}
	nonNil(&a.FrameworkIDs.V)
	nonNil(&a.ControlIDs.V)
	nonNil(&a.Questions.V)
	nonNil(&a.Findings.V)
	nonNil(&a.Recommendations.V)
	nonNil(&a.AssessmentTools.V)
	nonNil(&a.Tags.V)
	a.validateKind(&v)
	a.validateQuestions(&v)
	return v.Err()
}

// validateKind enforces which targeting fields each kind takes.
func (a *Assessment) validateKind(v *store.ValidationError) {
	grc, customer := contains(grcKinds, a.Kind), contains(customerKinds, a.Kind)
	if a.TargetCohortID != nil && a.Kind != "learning" {
		v.Add("/target_cohort_id", "is only used when kind is learning (kind is %s)", a.Kind)
	}
	if !grc {
		if len(a.FrameworkIDs.V) > 0 {
			v.Add("/framework_ids", "is only used when kind is grc_self_assessment or compliance_audit (kind is %s)", a.Kind)
		}
		if len(a.ControlIDs.V) > 0 {
			v.Add("/control_ids", "is only used when kind is grc_self_assessment or compliance_audit (kind is %s)", a.Kind)
		}
	} else if len(a.FrameworkIDs.V) == 0 {
		v.Add("/framework_ids", "needs at least one framework when kind is %s", a.Kind)
	}
	if customer && a.TargetAccountID == nil {
		v.Add("/target_account_id", "is required when kind is %s", a.Kind)
	}
	if !customer && a.TargetAccountID != nil {
		v.Add("/target_account_id", "is only used for customer kinds (kind is %s)", a.Kind)
	}
}

// validateQuestions enforces the question rules: unique ids, options for choice types
// only, and no inline questions next to a question bank.
func (a *Assessment) validateQuestions(v *store.ValidationError) {
	if a.QuestionBankID != nil && len(a.Questions.V) > 0 {
		v.Add("/question_bank_id", "questions and question_bank_id are mutually exclusive")
	}
	seen := map[string]bool{}
	for i, q := range a.Questions.V {
		p := "/questions/" + strconv.Itoa(i)
		if seen[q.ID] {
			v.Add(p+"/id", "duplicate question id %q", q.ID)
		}
		seen[q.ID] = true
		switch {
		case !contains(QuestionTypes, q.Type):
			v.Add(p+"/type", "must be one of %v", QuestionTypes)
		case contains(choiceQuestionTypes, q.Type) && len(q.Options) < 2:
			v.Add(p+"/options", "a %s question needs at least two options", q.Type)
		case (q.Type == "text" || q.Type == "boolean") && len(q.Options) > 0:
			v.Add(p+"/options", "a %s question takes no options", q.Type)
		}
		if q.Weight != nil && (*q.Weight < 0 || *q.Weight > 100) {
			v.Add(p+"/weight", "must be between 0 and 100")
		}
	}
}

// AssessmentRepo stores assessments.
type AssessmentRepo struct {
	repo[Assessment, *Assessment]
}

// AssessmentQuery filters an assessment list.
type AssessmentQuery struct {
	ListOptions
	Status         string
	Kind           string
	TargetCohortID *uuid.UUID
	DueDate        TimeRange
}

// List returns one page of assessments.
func (r *AssessmentRepo) List(ctx context.Context, q AssessmentQuery) (Page[Assessment], error) {
	var cs []cond
	if q.Status != "" {
		cs = append(cs, cond{"status = ?", []any{q.Status}})
	}
	if q.Kind != "" {
		cs = append(cs, cond{"kind = ?", []any{q.Kind}})
	}
	if q.TargetCohortID != nil {
		cs = append(cs, cond{"target_cohort_id = ?", []any{*q.TargetCohortID}})
	}
	cs = append(cs, rangeConds("due_date", q.DueDate)...)
	return r.list(ctx, q.ListOptions, []string{"name", "description"}, cs)
}
