package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ERoundTripCohort creates a cohort with every writable field of seed 000 (ids in
// the seed's legacy forms), then checks the create response, Get and List field by field,
// and the envelope stamps, for a human token and for an application's token.
func TestE2ERoundTripCohort(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	for _, tc := range []struct{ name, appID string }{{"human token", ""}, {"app token", "app_hr_sync"}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager, AppID: tc.appID})
			grp, asm1, asm2, fac := uuid.New(), uuid.New(), uuid.New(), uuid.New()
			facCanon, facCanonID := typeid.New(typeid.Person)
			e2eSeedRefs(t, db, "acme", tc.appID, []uuid.UUID{grp}, []uuid.UUID{fac, facCanonID}, []uuid.UUID{asm1, asm2})
			start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			end := time.Date(2026, 6, 26, 17, 0, 0, 250000000, time.FixedZone("CEST", 2*3600))
			meta := client.Metadata{
				"cost_center": "CC-1042", "seats": 12.0, "billable": true, "none": nil,
				"nested": map[string]any{"list": []any{1.0, "two", map[string]any{"three": 3.5}}},
			}
			body := client.CohortCreate{
				Source:                e2ePtr("hr-sync"),
				SourceType:            e2ePtr(client.SourceTypeBackend),
				GroupId:               e2ePtr("grp-" + grp.String()),
				ProgramId:             e2ePtr("prg-leadership"),
				Name:                  "Spring 2026 Leadership Programme",
				StartDate:             &start,
				EndDate:               &end,
				Status:                e2ePtr(client.CohortStatusScheduled),
				SessionCount:          e2ePtr(12),
				FacilitatorIds:        &[]string{"per-" + fac.String(), facCanon},
				AssignedAssessmentIds: &[]string{"asm-" + asm1.String(), "asm-" + strings.ToUpper(asm2.String())},
				CompletionRequiredPct: e2ePtr(80.5),
				Metadata:              &meta,
				Tags:                  &[]string{"leadership", "emea"},
			}
			res, err := who.Client.Raw().CreateCohortWithResponse(ctx, nil, body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode() != http.StatusCreated || res.JSON201 == nil {
				t.Fatalf("create: %d %s", res.StatusCode(), res.Body)
			}
			created := *res.JSON201
			e2eCheckStamps(t, e2eCohortRec(&created), typeid.Cohort, "acme", who.Subject, tc.appID)
			if got := res.HTTPResponse.Header.Get("ETag"); got != `"1"` {
				t.Errorf("create ETag %q, want \"1\"", got)
			}
			if got := res.HTTPResponse.Header.Get("Location"); got != "/api/v1/learning/cohorts/"+created.Id {
				t.Errorf("create Location %q", got)
			}

			want := client.Cohort{
				Id: created.Id, TenantId: "acme", CreatedAt: created.CreatedAt, UpdatedAt: created.CreatedAt,
				CreatedBy: &who.Subject, UpdatedBy: &who.Subject,
				Source: "hr-sync", SourceType: client.SourceTypeBackend,
				IsDeleted: false, DeletedAt: nullable.NewNullNullable[time.Time](), DeletedBy: nullable.NewNullNullable[string](),
				SchemaVersion: 1, Version: 1,
				GroupId:               e2ePtr(typeid.Format(typeid.Group, grp)),
				ProgramId:             e2ePtr("prg-leadership"),
				Name:                  "Spring 2026 Leadership Programme",
				StartDate:             &start,
				EndDate:               &end,
				Status:                client.CohortStatusScheduled,
				SessionCount:          e2ePtr(12),
				FacilitatorIds:        []string{typeid.Format(typeid.Person, fac), facCanon},
				AssignedAssessmentIds: []string{typeid.Format(typeid.Assessment, asm1), typeid.Format(typeid.Assessment, asm2)},
				CompletionRequiredPct: e2ePtr(80.5),
				Metadata:              meta,
				Tags:                  []string{"leadership", "emea"},
			}
			if tc.appID != "" {
				want.AppId = e2ePtr(tc.appID)
			}
			e2eDiff(t, "create response", want, created)

			got, err := who.Client.Learning.Cohorts.Get(ctx, created.Id, nil)
			if err != nil {
				t.Fatal(err)
			}
			e2eDiff(t, "get", want, got)

			gr, err := who.Client.Raw().GetCohortWithResponse(ctx, created.Id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if et := gr.HTTPResponse.Header.Get("ETag"); et != `"1"` {
				t.Errorf("get ETag %q, want \"1\"", et)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(gr.Body, &raw); err != nil {
				t.Fatal(err)
			}
			if _, ok := raw["app_id"]; ok != (tc.appID != "") {
				t.Errorf("app_id member present=%v in %s, want present=%v", ok, gr.Body, tc.appID != "")
			}
			for _, k := range []string{"deleted_at", "deleted_by"} {
				if string(raw[k]) != "null" {
					t.Errorf("%s = %s, want explicit null", k, raw[k])
				}
			}

			var found *client.Cohort
			for item, err := range who.Client.Learning.Cohorts.All(ctx, nil) {
				if err != nil {
					t.Fatal(err)
				}
				if item.Id == created.Id {
					found = &item
				}
			}
			if found == nil {
				t.Fatalf("cohort %s not in List", created.Id)
			}
			e2eDiff(t, "list item", want, found)
		})
	}
}

// TestE2ERoundTripAssessment creates one assessment per targeting family (learning with a
// cohort and inline questions, compliance audit with frameworks and a question bank,
// customer kind with an account), together covering every writable field of seed 000,
// and compares create, Get and List member by member.
func TestE2ERoundTripAssessment(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	cohort, err := who.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "Target cohort"})
	if err != nil {
		t.Fatal(err)
	}
	cohortUUID, _ := typeid.Parse(typeid.Cohort, cohort.Id)
	resp, grp := uuid.New(), uuid.New()
	due := time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)
	sched := time.Date(2026, 9, 1, 8, 30, 0, 123456000, time.FixedZone("EDT", -4*3600))

	full := func(q []client.Question) client.AssessmentCreate {
		return client.AssessmentCreate{
			Source:            e2ePtr("lms"),
			SourceType:        e2ePtr(client.SourceTypeFrontend),
			Description:       e2ePtr("Checks the module's learning outcomes."),
			ResponsibleUserId: e2ePtr("per-" + resp.String()),
			TargetGroupId:     e2ePtr("grp-" + grp.String()),
			Frequency:         e2ePtr(client.AssessmentFrequencyQuarterly),
			DueDate:           &due,
			ScheduledStartAt:  &sched,
			Status:            e2ePtr(client.AssessmentStatusOpen),
			Questions:         &q,
			Findings: &[]client.Finding{
				{Title: "Phishing training overdue", Detail: e2ePtr("12% of staff"), Severity: e2ePtr(client.FindingSeverityHigh)},
				{Title: "Title only"},
			},
			Recommendations: &[]client.Recommendation{
				{Title: "Assign the refresher", Detail: e2ePtr("to the overdue group"), Priority: e2ePtr(client.RecommendationPriorityMedium)},
				{Title: "Title only"},
			},
			AssessmentTools:  &[]string{"learnd", "Nessus"},
			OutputDocumentId: e2ePtr("doc-42"),
			Tags:             &[]string{"leadership", "q3"},
		}
	}
	questions := []client.Question{
		{Id: "q1", Text: "Which behaviour builds trust fastest?", Type: client.QuestionTypeSingleChoice,
			Options: &[]string{"Consistency", "Charisma", "Seniority"}, Weight: e2ePtr(2.5), Required: e2ePtr(true)},
		{Id: "q2", Text: "Pick all that apply", Type: client.QuestionTypeMultipleChoice,
			Options: &[]string{"A", "B"}, Weight: e2ePtr(0.0), Required: e2ePtr(false)},
		{Id: "q3", Text: "Explain", Type: client.QuestionTypeText, Weight: e2ePtr(1.5), Required: e2ePtr(true)},
	}

	learning := full(questions)
	learning.Kind, learning.Name = client.AssessmentKindLearning, "Module 1 knowledge check"
	learning.TargetCohortId = e2ePtr("coh-" + cohortUUID.String())

	audit := full(nil)
	audit.Questions = nil
	audit.Kind, audit.Name = client.AssessmentKindComplianceAudit, "SOC 2 security-awareness audit"
	audit.FrameworkIds = &[]string{"soc2", "iso27001"}
	audit.ControlIds = &[]string{"CC1.4", "CC2.2"}
	audit.QuestionBankId = e2ePtr("qb-soc2")

	customer := full([]client.Question{{Id: "nps", Text: "How likely…", Type: client.QuestionTypeRating}})
	customer.Kind, customer.Name = client.AssessmentKindCustomerSatisfaction, "Q3 NPS"
	customer.TargetAccountId = e2ePtr("acct-4711")

	for _, tc := range []struct {
		name string
		body client.AssessmentCreate
	}{{"learning", learning}, {"compliance_audit", audit}, {"customer_satisfaction", customer}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := who.Client.Raw().CreateAssessmentWithResponse(ctx, nil, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode() != http.StatusCreated || res.JSON201 == nil {
				t.Fatalf("create: %d %s", res.StatusCode(), res.Body)
			}
			created := *res.JSON201
			e2eCheckStamps(t, e2eAssessmentRec(&created), typeid.Assessment, "acme", who.Subject, "")
			if got := res.HTTPResponse.Header.Get("Location"); got != "/api/v1/learning/assessments/"+created.Id {
				t.Errorf("create Location %q", got)
			}
			b := tc.body
			want := client.Assessment{
				Id: created.Id, TenantId: "acme", CreatedAt: created.CreatedAt, UpdatedAt: created.CreatedAt,
				CreatedBy: &who.Subject, UpdatedBy: &who.Subject,
				Source: "lms", SourceType: client.SourceTypeFrontend,
				DeletedAt: nullable.NewNullNullable[time.Time](), DeletedBy: nullable.NewNullNullable[string](),
				SchemaVersion: 1, Version: 1,
				Kind: b.Kind, Name: b.Name, Description: b.Description,
				ResponsibleUserId: e2ePtr(typeid.Format(typeid.Person, resp)),
				TargetGroupId:     e2ePtr(typeid.Format(typeid.Group, grp)),
				TargetAccountId:   b.TargetAccountId,
				FrameworkIds:      e2eOrEmpty(b.FrameworkIds), ControlIds: e2eOrEmpty(b.ControlIds),
				QuestionBankId: b.QuestionBankId,
				Frequency:      b.Frequency, DueDate: b.DueDate, ScheduledStartAt: b.ScheduledStartAt,
				Status: *b.Status, ResponseCount: 0, CompletionPct: 0,
				Findings: *b.Findings, Recommendations: *b.Recommendations,
				AssessmentTools: *b.AssessmentTools, OutputDocumentId: b.OutputDocumentId, Tags: *b.Tags,
				Questions: []client.Question{},
			}
			if b.TargetCohortId != nil {
				want.TargetCohortId = &cohort.Id
			}
			if b.Questions != nil {
				for _, q := range *b.Questions {
					if q.Weight == nil { // contract defaults: weight 1, required false
						q.Weight = e2ePtr(1.0)
					}
					if q.Required == nil {
						q.Required = e2ePtr(false)
					}
					want.Questions = append(want.Questions, q)
				}
			}
			e2eDiff(t, "create response", want, created)

			got, err := who.Client.Learning.Assessments.Get(ctx, created.Id, nil)
			if err != nil {
				t.Fatal(err)
			}
			e2eDiff(t, "get", want, got)

			var found *client.Assessment
			for item, err := range who.Client.Learning.Assessments.All(ctx, &client.ListAssessmentsParams{Kind: &b.Kind}) {
				if err != nil {
					t.Fatal(err)
				}
				if item.Id == created.Id {
					found = &item
				}
			}
			if found == nil {
				t.Fatalf("assessment %s not in List", created.Id)
			}
			e2eDiff(t, "list item", want, found)
		})
	}
}

func e2eOrEmpty(p *[]string) []string {
	if p == nil {
		return []string{}
	}
	return *p
}

// TestE2ESeedExampleShape sends the seed's own SDK example (server-stamped members with
// made-up values) plus the members the contract requires, with raw HTTP: 201, and every
// one of those values is replaced by the server's.
func TestE2ESeedExampleShape(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	seed := map[string]any{
		"id":         "rec_01HXEXAMPLE",
		"tenant_id":  "example tenant_id",
		"created_at": "2026-01-01T00:00:00Z",
		"updated_at": "2026-01-01T00:00:00Z",
		"app_id":     "example app_id",
		"created_by": "rec_01HXEXAMPLE",
	}
	for _, tc := range []struct {
		path, prefix string
		required     map[string]any
	}{
		{"/api/v1/learning/cohorts", typeid.Cohort, map[string]any{"name": "Seed example cohort"}},
		{"/api/v1/learning/assessments", typeid.Assessment, map[string]any{"name": "Seed example assessment", "kind": "general"}},
	} {
		for _, appID := range []string{"", "app_crm"} {
			t.Run(tc.prefix+"/app="+appID, func(t *testing.T) {
				who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager, AppID: appID})
				body := map[string]any{}
				for k, v := range seed {
					body[k] = v
				}
				for k, v := range tc.required {
					body[k] = v
				}
				r := e2eDo(t, http.MethodPost, env.URL+tc.path, who.Token, body, nil)
				if r.Status != http.StatusCreated {
					t.Fatalf("status %d, want 201: %s", r.Status, r.Body)
				}
				var got struct {
					ID        string    `json:"id"`
					TenantID  string    `json:"tenant_id"`
					CreatedAt time.Time `json:"created_at"`
					UpdatedAt time.Time `json:"updated_at"`
					AppID     *string   `json:"app_id"`
					CreatedBy string    `json:"created_by"`
					UpdatedBy string    `json:"updated_by"`
					Source    string    `json:"source"`
					SrcType   string    `json:"source_type"`
					Version   int       `json:"version"`
				}
				if err := json.Unmarshal(r.Body, &got); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(got.ID, tc.prefix+"_") {
					t.Errorf("id %q: want the server's %s_… id, not the body's", got.ID, tc.prefix)
				}
				if got.TenantID != "acme" {
					t.Errorf("tenant_id %q, want the token's acme", got.TenantID)
				}
				if !e2eNear(got.CreatedAt, time.Minute) || !e2eNear(got.UpdatedAt, time.Minute) {
					t.Errorf("created_at %s updated_at %s: want now, not the body's 2026-01-01", got.CreatedAt, got.UpdatedAt)
				}
				switch {
				case appID == "" && got.AppID != nil:
					t.Errorf("app_id %q for a human token, want absent", *got.AppID)
				case appID != "" && (got.AppID == nil || *got.AppID != appID):
					t.Errorf("app_id %v, want the token's %q", got.AppID, appID)
				}
				if got.CreatedBy != who.Subject || got.UpdatedBy != who.Subject {
					t.Errorf("created_by %q updated_by %q, want the token's sub %s", got.CreatedBy, got.UpdatedBy, who.Subject)
				}
				if got.Source != "edm" || got.SrcType != "api" || got.Version != 1 {
					t.Errorf("source %q source_type %q version %d, want edm api 1", got.Source, got.SrcType, got.Version)
				}
				// And it is stored that way.
				g := e2eDo(t, http.MethodGet, env.URL+tc.path+"/"+got.ID, who.Token, nil, nil)
				if g.Status != http.StatusOK {
					t.Fatalf("get: %d %s", g.Status, g.Body)
				}
				e2eDiff(t, "get after create", r.Body, g.Body)
			})
		}
	}
}

// TestE2ECreateResponseIsWhatIsStored: the 201 body (ETag "1") must be the representation
// Get returns for version 1. Instants finer than the database's microsecond are the probe.
func TestE2ECreateResponseIsWhatIsStored(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	who := e2eAdmin(t, env, "acme")
	start := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	created, err := who.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "Nanos", StartDate: &start})
	if err != nil {
		t.Fatal(err)
	}
	got, err := who.Client.Learning.Cohorts.Get(ctx, created.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	e2eDiff(t, "get vs create response", created, got)
}
