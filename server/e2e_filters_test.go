package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func e2eDay(month time.Month, d, h int) *time.Time {
	v := time.Date(2026, month, d, h, 0, 0, 0, time.UTC)
	return &v
}

// e2eLabels maps ids back to short labels so failures read as "[c5 c3 c1]".
type e2eLabels map[string]string

func (l e2eLabels) of(e2eIDs []string) []string {
	out := make([]string, len(e2eIDs))
	for i, id := range e2eIDs {
		if n, ok := l[id]; ok {
			out[i] = n
		} else {
			out[i] = id
		}
	}
	return out
}

// TestE2EFilters checks every list filter and order of both resources against exact,
// ordered result sets. Lists are walked with page_size 2 so the page tokens carry the
// filters across pages. A soft-deleted record and another tenant's record match most
// filters and must never appear.
func TestE2EFilters(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	mgr := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	other := e2eNewCaller(t, env, servertest.Caller{Tenant: "globex", Role: auth.RoleManager})
	lbl := e2eLabels{}
	grp := uuid.New()
	db := e2eOpenDB(t, env)
	e2eSeedRefs(t, db, "acme", "", []uuid.UUID{grp}, nil, nil)
	e2eSeedRefs(t, db, "globex", "", []uuid.UUID{grp}, nil, nil) // the same id in another tenant

	type cohortIn struct {
		label   string
		body    client.CohortCreate
		deleted bool
		other   bool
	}
	active, draft, completed := client.CohortStatusActive, client.CohortStatusDraft, client.CohortStatusCompleted
	cohortsIn := []cohortIn{
		{label: "c1", body: client.CohortCreate{Name: "Alpha Leadership", Status: &active, ProgramId: e2ePtr("prg-a"),
			Tags: &[]string{"emea", "leadership"}, StartDate: e2eDay(3, 1, 9), GroupId: e2ePtr("grp-" + grp.String())}},
		{label: "c2", body: client.CohortCreate{Name: "Beta leadership", Status: &draft, ProgramId: e2ePtr("prg-a"),
			Tags: &[]string{"emea"}, StartDate: e2eDay(4, 1, 9)}},
		{label: "c3", body: client.CohortCreate{Name: "Gamma", Status: &active, ProgramId: e2ePtr("prg-b"),
			Tags: &[]string{"leadership", "apac"}}},
		{label: "c4", body: client.CohortCreate{Name: "Delta 100% LEADERSHIP", Status: &completed, ProgramId: e2ePtr("prg-b"),
			Tags: &[]string{"apac", "emea", "leadership"}, StartDate: e2eDay(5, 1, 9)}},
		{label: "c5", body: client.CohortCreate{Name: "Epsilon_x", Status: &active, StartDate: e2eDay(3, 15, 9)}},
		{label: "deleted", deleted: true, body: client.CohortCreate{Name: "Alpha deleted leadership 100% x_", Status: &active,
			ProgramId: e2ePtr("prg-a"), Tags: &[]string{"emea", "leadership", "apac"}, StartDate: e2eDay(3, 20, 9), GroupId: e2ePtr("grp-" + grp.String())}},
		{label: "globex", other: true, body: client.CohortCreate{Name: "Alpha Leadership 100% x_", Status: &active,
			ProgramId: e2ePtr("prg-a"), Tags: &[]string{"emea", "leadership", "apac"}, StartDate: e2eDay(3, 20, 9), GroupId: e2ePtr("grp-" + grp.String())}},
	}
	co := map[string]*client.Cohort{}
	for _, in := range cohortsIn {
		who := mgr
		if in.other {
			who = other
		}
		c, err := who.Client.Learning.Cohorts.Create(ctx, nil, in.body)
		if err != nil {
			t.Fatalf("create %s: %v", in.label, err)
		}
		if in.deleted {
			if _, err := who.Client.Learning.Cohorts.Delete(ctx, c.Id, &client.DeleteCohortParams{IfMatch: e2eIfMatch(1)}); err != nil {
				t.Fatal(err)
			}
		}
		co[in.label] = c
		lbl[c.Id] = in.label
	}
	c1UUID, _ := typeid.Parse(typeid.Cohort, co["c1"].Id)

	type cohortCase struct {
		name string
		p    client.ListCohortsParams
		want []string
	}
	ob := func(o client.ListCohortsParamsOrderBy) *client.ListCohortsParamsOrderBy { return &o }
	archived := client.CohortStatusArchived
	cohortCases := []cohortCase{
		{"no filter", client.ListCohortsParams{}, []string{"c5", "c4", "c3", "c2", "c1"}},
		{"status active", client.ListCohortsParams{Status: &active}, []string{"c5", "c3", "c1"}},
		{"status completed", client.ListCohortsParams{Status: &completed}, []string{"c4"}},
		{"status archived", client.ListCohortsParams{Status: &archived}, nil},
		{"program prg-a", client.ListCohortsParams{ProgramId: e2ePtr("prg-a")}, []string{"c2", "c1"}},
		{"program prg-b", client.ListCohortsParams{ProgramId: e2ePtr("prg-b")}, []string{"c4", "c3"}},
		{"program unknown", client.ListCohortsParams{ProgramId: e2ePtr("prg")}, nil},
		{"group canonical", client.ListCohortsParams{GroupId: e2ePtr(typeid.Format(typeid.Group, grp))}, []string{"c1"}},
		{"group legacy form", client.ListCohortsParams{GroupId: e2ePtr("grp-" + grp.String())}, []string{"c1"}},
		{"tag leadership", client.ListCohortsParams{Tags: &[]string{"leadership"}}, []string{"c4", "c3", "c1"}},
		{"tags emea+leadership", client.ListCohortsParams{Tags: &[]string{"emea", "leadership"}}, []string{"c4", "c1"}},
		{"tags leadership+emea", client.ListCohortsParams{Tags: &[]string{"leadership", "emea"}}, []string{"c4", "c1"}},
		{"tags apac+emea+leadership", client.ListCohortsParams{Tags: &[]string{"apac", "emea", "leadership"}}, []string{"c4"}},
		{"tag unknown", client.ListCohortsParams{Tags: &[]string{"lead"}}, nil},
		{"q leadership", client.ListCohortsParams{Q: e2ePtr("leadership")}, []string{"c4", "c2", "c1"}},
		{"q LEADER", client.ListCohortsParams{Q: e2ePtr("LEADER")}, []string{"c4", "c2", "c1"}},
		{"q 'ha l'", client.ListCohortsParams{Q: e2ePtr("ha l")}, []string{"c1"}},
		{"q 100% (literal percent)", client.ListCohortsParams{Q: e2ePtr("100%")}, []string{"c4"}},
		{"q % (literal percent)", client.ListCohortsParams{Q: e2ePtr("%")}, []string{"c4"}},
		{"q _ (literal underscore)", client.ListCohortsParams{Q: e2ePtr("_")}, []string{"c5"}},
		{"q backslash", client.ListCohortsParams{Q: e2ePtr(`\`)}, nil},
		{"created_at [c2, c4)", client.ListCohortsParams{CreatedAtFrom: &co["c2"].CreatedAt, CreatedAtTo: &co["c4"].CreatedAt}, []string{"c3", "c2"}},
		{"created_at from c4", client.ListCohortsParams{CreatedAtFrom: &co["c4"].CreatedAt}, []string{"c5", "c4"}},
		{"created_at to c2", client.ListCohortsParams{CreatedAtTo: &co["c2"].CreatedAt}, []string{"c1"}},
		{"start_date [03-15, 05-01)", client.ListCohortsParams{StartDateFrom: e2eDay(3, 15, 9), StartDateTo: e2eDay(5, 1, 9)}, []string{"c5", "c2"}},
		{"start_date to 03-15", client.ListCohortsParams{StartDateTo: e2eDay(3, 15, 9)}, []string{"c1"}},
		{"start_date from 04-01", client.ListCohortsParams{StartDateFrom: e2eDay(4, 1, 9)}, []string{"c4", "c2"}},
		{"order name", client.ListCohortsParams{OrderBy: ob(client.ListCohortsParamsOrderByName)}, []string{"c1", "c2", "c4", "c5", "c3"}},
		{"order -name", client.ListCohortsParams{OrderBy: ob(client.ListCohortsParamsOrderByMinusName)}, []string{"c3", "c5", "c4", "c2", "c1"}},
		{"order created_at", client.ListCohortsParams{OrderBy: ob(client.ListCohortsParamsOrderByCreatedAt)}, []string{"c1", "c2", "c3", "c4", "c5"}},
		{"order start_date (nulls last)", client.ListCohortsParams{OrderBy: ob(client.ListCohortsParamsOrderByStartDate)}, []string{"c1", "c5", "c2", "c4", "c3"}},
		{"order -start_date", client.ListCohortsParams{OrderBy: ob(client.ListCohortsParamsOrderByMinusStartDate)}, []string{"c3", "c4", "c2", "c5", "c1"}},
		{"active + leadership + q alp", client.ListCohortsParams{Status: &active, Tags: &[]string{"leadership"}, Q: e2ePtr("alp")}, []string{"c1"}},
		{"active by name", client.ListCohortsParams{Status: &active, OrderBy: ob(client.ListCohortsParamsOrderByName)}, []string{"c1", "c5", "c3"}},
		{"prg-b + emea by -name", client.ListCohortsParams{ProgramId: e2ePtr("prg-b"), Tags: &[]string{"emea"}, OrderBy: ob(client.ListCohortsParamsOrderByMinusName)}, []string{"c4"}},
	}
	t.Run("cohorts", func(t *testing.T) {
		for _, tc := range cohortCases {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				p.PageSize = e2ePtr(2)
				var got []string
				for c, err := range mgr.Client.Learning.Cohorts.All(ctx, &p) {
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, c.Id)
				}
				if g := lbl.of(got); !e2eEqual(g, tc.want) {
					t.Errorf("got %v, want %v", g, tc.want)
				}
			})
		}
	})

	// Assessments.
	type asmIn struct {
		label   string
		body    client.AssessmentCreate
		deleted bool
	}
	learning, audit, skills := client.AssessmentKindLearning, client.AssessmentKindComplianceAudit, client.AssessmentKindSkills
	open, sched, adraft := client.AssessmentStatusOpen, client.AssessmentStatusScheduled, client.AssessmentStatusDraft
	c1, c2 := co["c1"].Id, co["c2"].Id
	asmsIn := []asmIn{
		{label: "a1", body: client.AssessmentCreate{Kind: learning, Name: "Module 1 check", TargetCohortId: &c1, DueDate: e2eDay(6, 1, 17), Status: &open, Tags: &[]string{"leadership"}}},
		{label: "a2", body: client.AssessmentCreate{Kind: learning, Name: "Module 2 check", TargetCohortId: &c2, DueDate: e2eDay(7, 1, 17), Status: &adraft}},
		{label: "a3", body: client.AssessmentCreate{Kind: audit, Name: "Audit of SOC 2", FrameworkIds: &[]string{"soc2"}, DueDate: e2eDay(6, 15, 17), Status: &sched, Tags: &[]string{"soc2"}}},
		{label: "a4", body: client.AssessmentCreate{Kind: skills, Name: "Skills matrix", Status: &open}},
		{label: "a5", body: client.AssessmentCreate{Kind: learning, Name: "Refresher: security", Description: e2ePtr("Annual PHISHING awareness check-in"),
			TargetCohortId: &c1, DueDate: e2eDay(5, 1, 17), Status: &open}},
		{label: "a-deleted", deleted: true, body: client.AssessmentCreate{Kind: learning, Name: "Module 3 check phishing", TargetCohortId: &c1,
			DueDate: e2eDay(6, 1, 17), Status: &open, Tags: &[]string{"leadership", "soc2"}}},
	}
	for _, in := range asmsIn {
		a, err := mgr.Client.Learning.Assessments.Create(ctx, nil, in.body)
		if err != nil {
			t.Fatalf("create %s: %v", in.label, err)
		}
		if in.deleted {
			if _, err := mgr.Client.Learning.Assessments.Delete(ctx, a.Id, &client.DeleteAssessmentParams{IfMatch: e2eIfMatch(1)}); err != nil {
				t.Fatal(err)
			}
		}
		lbl[a.Id] = in.label
	}
	// Another tenant's assessment on its own cohort.
	if _, err := other.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: learning, Name: "Module 1 check phishing",
		TargetCohortId: &co["globex"].Id, DueDate: e2eDay(6, 1, 17), Status: &open, Tags: &[]string{"leadership", "soc2"}}); err != nil {
		t.Fatal(err)
	}

	aob := func(o client.ListAssessmentsParamsOrderBy) *client.ListAssessmentsParamsOrderBy { return &o }
	general := client.AssessmentKindGeneral
	asmCases := []struct {
		name string
		p    client.ListAssessmentsParams
		want []string
	}{
		{"no filter", client.ListAssessmentsParams{}, []string{"a5", "a4", "a3", "a2", "a1"}},
		{"kind learning", client.ListAssessmentsParams{Kind: &learning}, []string{"a5", "a2", "a1"}},
		{"kind compliance_audit", client.ListAssessmentsParams{Kind: &audit}, []string{"a3"}},
		{"kind general", client.ListAssessmentsParams{Kind: &general}, nil},
		{"status open", client.ListAssessmentsParams{Status: &open}, []string{"a5", "a4", "a1"}},
		{"due_date [06-01, 07-01)", client.ListAssessmentsParams{DueDateFrom: e2eDay(6, 1, 17), DueDateTo: e2eDay(7, 1, 17)}, []string{"a3", "a1"}},
		{"due_date to 06-01", client.ListAssessmentsParams{DueDateTo: e2eDay(6, 1, 17)}, []string{"a5"}},
		{"due_date from 06-02", client.ListAssessmentsParams{DueDateFrom: e2eDay(6, 2, 0)}, []string{"a3", "a2"}},
		{"target cohort c1", client.ListAssessmentsParams{TargetCohortId: &c1}, []string{"a5", "a1"}},
		{"target cohort c1 legacy form", client.ListAssessmentsParams{TargetCohortId: e2ePtr("coh-" + c1UUID.String())}, []string{"a5", "a1"}},
		{"target cohort c3", client.ListAssessmentsParams{TargetCohortId: &co["c3"].Id}, nil},
		{"q phishing (description)", client.ListAssessmentsParams{Q: e2ePtr("phishing")}, []string{"a5"}},
		{"q check (name or description)", client.ListAssessmentsParams{Q: e2ePtr("check")}, []string{"a5", "a2", "a1"}},
		{"tag soc2", client.ListAssessmentsParams{Tags: &[]string{"soc2"}}, []string{"a3"}},
		{"order due_date (nulls last)", client.ListAssessmentsParams{OrderBy: aob(client.ListAssessmentsParamsOrderByDueDate)}, []string{"a5", "a1", "a3", "a2", "a4"}},
		{"order -due_date", client.ListAssessmentsParams{OrderBy: aob(client.ListAssessmentsParamsOrderByMinusDueDate)}, []string{"a4", "a2", "a3", "a1", "a5"}},
		{"order name", client.ListAssessmentsParams{OrderBy: aob(client.ListAssessmentsParamsOrderByName)}, []string{"a3", "a1", "a2", "a5", "a4"}},
		{"order -name", client.ListAssessmentsParams{OrderBy: aob(client.ListAssessmentsParamsOrderByMinusName)}, []string{"a4", "a5", "a2", "a1", "a3"}},
		{"learning + c1 + due from 05-15", client.ListAssessmentsParams{Kind: &learning, TargetCohortId: &c1, DueDateFrom: e2eDay(5, 15, 0)}, []string{"a1"}},
	}
	t.Run("assessments", func(t *testing.T) {
		for _, tc := range asmCases {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				p.PageSize = e2ePtr(2)
				got, err := e2eAssessmentIDs(ctx, mgr, &p)
				if err != nil {
					t.Fatal(err)
				}
				if g := lbl.of(got); !e2eEqual(g, tc.want) {
					t.Errorf("got %v, want %v", g, tc.want)
				}
			})
		}
	})
}

func e2eAssessmentIDs(ctx context.Context, who e2eCaller, p *client.ListAssessmentsParams) ([]string, error) {
	var out []string
	for a, err := range who.Client.Learning.Assessments.All(ctx, p) {
		if err != nil {
			return nil, err
		}
		out = append(out, a.Id)
	}
	return out, nil
}
