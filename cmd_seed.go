package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/demo"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

func seedCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "seed",
		Short: "Load demo data into the demo tenant (idempotent: skipped when present)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.Migrate(cmd.Context()); err != nil {
				return err
			}
			n, err := seed(cmd.Context(), st)
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "demo tenant %q already has data; nothing to do\n", demoTenant)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "seeded %d records into demo tenant %q\n", n, demoTenant)
			}
			return nil
		},
	}
}

// seed writes the demo tenant's cohorts and assessments through the repositories, as the
// demo manager, unless the tenant already has cohorts.
func seed(ctx context.Context, st *store.Store) (int, error) {
	people := make([]demo.Person, len(demoUsers))
	for i, u := range demoUsers {
		people[i] = demo.Person{ID: u.id, Name: u.name, Email: u.email, Role: u.role}
	}
	lms, err := demo.Seed(ctx, st, demo.LMS{Tenant: demoTenant, Name: "Acme (demo)", People: people, Now: time.Now()})
	if err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	n, err := seedLearning(ctx, st, lms.CohortGroups)
	return lms.Records + n, err
}

// seedLearning writes the demo tenant's cohorts and assessments through the repositories,
// as the demo manager, unless the tenant already has cohorts. The first two cohorts are
// backed by the LMS seed's cohort groups (when it just created them).
func seedLearning(ctx context.Context, st *store.Store, cohortGroups []uuid.UUID) (int, error) {
	manager := demoUsers[2]
	ctx = auth.WithPrincipal(ctx, manager.principal())
	l := learning.New(st)
	page, err := l.Cohorts.List(ctx, learning.CohortQuery{ListOptions: learning.ListOptions{PageSize: 1, IncludeDeleted: true}})
	if err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	if len(page.Items) > 0 {
		return 0, nil
	}
	day := func(d int) *time.Time {
		t := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		return &t
	}
	pct := func(f float64) *float64 { return &f }
	count := func(i int) *int { return &i }
	str := func(s string) *string { return &s }
	facilitators := store.JSON[[]string]{V: []string{demoUsers[2].personID()}}
	cohorts := []learning.Cohort{
		{Name: "Spring 2026 Leadership Programme", ProgramID: str("prg-leadership"), StartDate: day(56), EndDate: day(172), Status: "scheduled", SessionCount: count(12), CompletionRequiredPct: pct(80), FacilitatorIDs: facilitators, Tags: store.JSON[[]string]{V: []string{"leadership", "emea"}}},
		{Name: "New-hire onboarding — January", ProgramID: str("prg-onboarding"), StartDate: day(0), EndDate: day(30), Status: "active", SessionCount: count(6), CompletionRequiredPct: pct(100), FacilitatorIDs: facilitators, Tags: store.JSON[[]string]{V: []string{"onboarding"}}},
		{Name: "New-hire onboarding — February", ProgramID: str("prg-onboarding"), StartDate: day(31), EndDate: day(59), Status: "scheduled", SessionCount: count(6), CompletionRequiredPct: pct(100), Tags: store.JSON[[]string]{V: []string{"onboarding"}}},
		{Name: "Warehouse safety refresher", ProgramID: str("prg-safety"), StartDate: day(-60), EndDate: day(-30), Status: "completed", SessionCount: count(3), CompletionRequiredPct: pct(90), Tags: store.JSON[[]string]{V: []string{"safety", "compliance"}}},
		{Name: "Security awareness 2026", ProgramID: str("prg-security"), StartDate: day(14), EndDate: day(45), Status: "draft", SessionCount: count(4), CompletionRequiredPct: pct(95), Tags: store.JSON[[]string]{V: []string{"security", "soc2"}}},
		{Name: "Sales enablement — EMEA", ProgramID: str("prg-sales"), StartDate: day(-10), EndDate: day(80), Status: "active", SessionCount: count(8), Tags: store.JSON[[]string]{V: []string{"sales", "emea"}}, Metadata: store.JSON[map[string]any]{V: map[string]any{"region": "EMEA"}}},
	}
	for i := range cohortGroups {
		if i < 2 {
			g := cohortGroups[i]
			cohorts[i].GroupID = &g
		}
	}
	n := 0
	for i := range cohorts {
		if err := l.Cohorts.Create(ctx, &cohorts[i]); err != nil {
			return n, fmt.Errorf("seed: %w", err)
		}
		n++
	}
	leadership := cohorts[0].ID
	w := 2.0
	assessments := []learning.Assessment{
		{Kind: "learning", Name: "Leadership module 1 knowledge check", TargetCohortID: &leadership, Status: "scheduled", DueDate: day(70), Tags: store.JSON[[]string]{V: []string{"leadership"}},
			Questions: store.JSON[[]learning.Question]{V: []learning.Question{
				{ID: "q1", Text: "Which behaviour builds trust fastest?", Type: "single_choice", Options: []string{"Consistency", "Charisma", "Seniority"}, Weight: &w, Required: true},
				{ID: "q2", Text: "Describe a time you delegated well.", Type: "text", Required: false},
			}}},
		{Kind: "compliance_audit", Name: "SOC 2 security-awareness audit", Description: str("Annual check that security training controls operate."), FrameworkIDs: store.JSON[[]string]{V: []string{"soc2"}}, ControlIDs: store.JSON[[]string]{V: []string{"CC1.4", "CC2.2"}}, Frequency: str("annual"), DueDate: day(260), Status: "draft", Tags: store.JSON[[]string]{V: []string{"soc2", "security"}}},
		{Kind: "grc_self_assessment", Name: "ISO 27001 Annex A self-assessment", FrameworkIDs: store.JSON[[]string]{V: []string{"iso27001"}}, Frequency: str("quarterly"), Status: "open", DueDate: day(40)},
		{Kind: "customer_satisfaction", Name: "Acme Corp onboarding satisfaction", TargetAccountID: str("acct-acme"), Status: "open", QuestionBankID: str("qb-csat-standard"), DueDate: day(20)},
		{Kind: "skills", Name: "Forklift operator practical", Status: "closed", Tags: store.JSON[[]string]{V: []string{"safety"}}},
	}
	for i := range assessments {
		if err := l.Assessments.Create(ctx, &assessments[i]); err != nil {
			return n, fmt.Errorf("seed: %w", err)
		}
		n++
	}
	cohorts[0].AssignedAssessmentIDs = store.JSON[[]string]{V: []string{typeid.Format(typeid.Assessment, assessments[0].ID)}}
	if _, err := l.Cohorts.Update(ctx, leadership, cohorts[0].Version, func(c *learning.Cohort) error {
		c.AssignedAssessmentIDs = cohorts[0].AssignedAssessmentIDs
		return nil
	}); err != nil {
		return n, fmt.Errorf("seed: %w", err)
	}
	return n, nil
}
