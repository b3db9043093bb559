package server_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// e2eV1LMSPerson is a fixture user with an SDK client acting as them.
type e2eV1LMSPerson struct {
	servertest.User
	UUID   uuid.UUID
	Client *sdk.Client
}

func e2eV1LMSUser(t *testing.T, env *servertest.Env, tenant string, role auth.Role, scopes ...string) e2eV1LMSPerson {
	t.Helper()
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: role, Scopes: scopes})
	id, err := typeid.Parse(typeid.Person, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := sdk.New(env.URL, sdk.WithToken(u.Token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return e2eV1LMSPerson{User: u, UUID: id, Client: cl}
}

// e2eV1LMSQuestions: max score 2 + 3 + 4 + 1 = 10.
func e2eV1LMSQuestions() *[]client.Question {
	return &[]client.Question{
		{Id: "q1", Text: "Pick one", Type: client.QuestionTypeSingleChoice, Options: &[]string{"a", "b"}, Weight: e2ePtr(2.0), Required: e2ePtr(true)},
		{Id: "q2", Text: "Agree?", Type: client.QuestionTypeBoolean, Weight: e2ePtr(3.0)},
		{Id: "q3", Text: "Stars", Type: client.QuestionTypeRating, Weight: e2ePtr(4.0)},
		{Id: "q4", Text: "Why?", Type: client.QuestionTypeText},
	}
}

func e2eV1LMSAnswers(kv ...any) client.AssessmentResponseSubmit {
	var b client.AssessmentResponseSubmit
	b.Answers = []client.AnswerInput{}
	for i := 0; i+1 < len(kv); i += 2 {
		b.Answers = append(b.Answers, client.AnswerInput{QuestionId: kv[i].(string), Value: kv[i+1]})
	}
	return b
}

// TestE2EV1LMSResponses drives responses to a cohort's learning assessment end to end:
// scoring by weight, replacement on resubmission, response_count and completion_pct
// (members of the cohort's group who responded ÷ members; an outsider's response counts
// but does not complete anything), listing with pagination and filters, who may see what,
// the audit entries, and the assessment's version left alone.
func TestE2EV1LMSResponses(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "rsp"
	db := env.DB(t)
	f := e2eV1LMSFixture{t: t, db: db, tenant: tenant}
	manager := e2eV1LMSUser(t, env, tenant, auth.RoleManager)
	l1, l2, l3 := e2eV1LMSUser(t, env, tenant, auth.RoleLearner), e2eV1LMSUser(t, env, tenant, auth.RoleLearner), e2eV1LMSUser(t, env, tenant, auth.RoleLearner)
	outsider := e2eV1LMSUser(t, env, tenant, auth.RoleLearner)
	g := f.group("Cohort group", l1.UUID, l2.UUID, l3.UUID)
	gID := typeid.Format(typeid.Group, g)

	coh, err := manager.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "Cohort", GroupId: &gID})
	if err != nil {
		t.Fatal(err)
	}
	asm, err := manager.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{
		Kind: client.AssessmentKindLearning, Name: "Check", TargetCohortId: &coh.Id,
		Status: e2ePtr(client.AssessmentStatusOpen), Questions: e2eV1LMSQuestions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	stats := func(what string, count int, pct float64) {
		t.Helper()
		a, err := manager.Client.Learning.Assessments.Get(ctx, asm.Id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.ResponseCount != count || a.CompletionPct != pct || a.Version != asm.Version {
			t.Errorf("%s: response_count %d completion_pct %v version %d, want %d %v %d", what, a.ResponseCount, a.CompletionPct, a.Version, count, pct, asm.Version)
		}
	}
	rs := func(p e2eV1LMSPerson) *sdk.LearningAssessmentResponses { return p.Client.Learning.AssessmentResponses }

	// l1: everything, best answers → 10 / 10.
	r1, err := rs(l1).Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "a", "q2", true, "q3", 5, "q4", "because"))
	if err != nil {
		t.Fatal(err)
	}
	if r1.RespondentId != l1.ID || r1.AssessmentId != asm.Id || r1.TenantId != tenant || r1.Version != 1 ||
		r1.Score != 10 || r1.MaxScore != 10 || r1.ScorePct != 100 || len(r1.Answers) != 4 {
		t.Fatalf("l1 response = %+v", r1)
	}
	for i, want := range []float64{2, 3, 4, 1} {
		if r1.Answers[i].Score != want {
			t.Errorf("l1 answer %d scored %v, want %v", i, r1.Answers[i].Score, want)
		}
	}
	stats("after l1", 1, 33.3)

	// l2: graded answers → 2 + 0 + 4×(3−1)/4 = 4 / 10.
	r2, err := rs(l2).Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "b", "q2", false, "q3", 3))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Score != 4 || r2.ScorePct != 40 {
		t.Errorf("l2 score %v (%v%%), want 4 (40%%)", r2.Score, r2.ScorePct)
	}
	stats("after l2", 2, 66.7)

	// An outsider's response is counted, but they are not expected: completion unchanged.
	r4, err := rs(outsider).Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "a"))
	if err != nil {
		t.Fatal(err)
	}
	stats("after outsider", 3, 66.7)

	// l1 again: replaces the response (same id, version 2), counted once.
	r1b, err := rs(l1).Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "a", "q2", false))
	if err != nil {
		t.Fatal(err)
	}
	if r1b.Id != r1.Id || r1b.Version != 2 || r1b.Score != 2 || !r1b.CreatedAt.Equal(r1.CreatedAt) || !r1b.SubmittedAt.After(r1.SubmittedAt) {
		t.Errorf("resubmission = id %s v%d score %v created %v submitted %v; want id %s v2 score 2, created kept",
			r1b.Id, r1b.Version, r1b.Score, r1b.CreatedAt, r1b.SubmittedAt, r1.Id)
	}
	stats("after resubmission", 3, 66.7)

	// Managers list, by score descending, two per page.
	var scores []float64
	for r, err := range rs(manager).All(ctx, asm.Id, &client.ListAssessmentResponsesParams{PageSize: e2ePtr(2), OrderBy: e2ePtr(client.ListAssessmentResponsesParamsOrderByMinusScore)}) {
		if err != nil {
			t.Fatal(err)
		}
		scores = append(scores, r.Score)
	}
	if len(scores) != 3 || scores[0] != 4 || scores[1] != 2 || scores[2] != 2 {
		t.Errorf("list by -score = %v, want [4 2 2]", scores)
	}
	page, err := rs(manager).List(ctx, asm.Id, &client.ListAssessmentResponsesParams{RespondentId: &outsider.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].Id != r4.Id || page.HasMore {
		t.Errorf("respondent filter = %d items, want the outsider's", len(page.Data))
	}

	// Learners: no list; their own response, never another's (404, not 403).
	_, err = rs(l1).List(ctx, asm.Id, nil)
	e2eSdkErr(t, err, 403, "learner list")
	if own, err := rs(l2).Get(ctx, asm.Id, r2.Id); err != nil || own.Score != 4 {
		t.Errorf("learner get own = %v, %v", own, err)
	}
	_, err = rs(l1).Get(ctx, asm.Id, r2.Id)
	e2eSdkErr(t, err, 404, "learner get another's")
	if got, err := rs(manager).Get(ctx, asm.Id, r2.Id); err != nil || got.RespondentId != l2.ID {
		t.Errorf("manager get = %v, %v", got, err)
	}

	// Audit: l1's create and update, with before/after; each with the actor.
	rows := e2eV1LMSAudit(t, db, tenant, r1.Id)
	if len(rows) != 2 || rows[0].Action != "assessment_response.create" || rows[1].Action != "assessment_response.update" {
		t.Fatalf("audit rows of l1's response = %+v", rows)
	}
	for _, r := range rows {
		if r.TargetType != "assessment_response" || r.ActorID == nil || *r.ActorID != l1.UUID.String() {
			t.Errorf("audit row %s: target type %s actor %v", r.Action, r.TargetType, r.ActorID)
		}
	}
	if rows[0].Before != nil || rows[0].After["score"] != 10.0 || rows[0].After["respondent_id"] != l1.ID || rows[0].After["assessment_id"] != asm.Id {
		t.Errorf("create audit before %v after %v", rows[0].Before, rows[0].After)
	}
	if rows[1].Before["score"] != 10.0 || rows[1].After["score"] != 2.0 || rows[1].After["version"] != 2.0 {
		t.Errorf("update audit before score %v after score %v version %v", rows[1].Before["score"], rows[1].After["score"], rows[1].After["version"])
	}
	if n := len(e2eV1LMSAudit(t, db, tenant, r2.Id)); n != 1 {
		t.Errorf("%d audit rows for l2's response, want 1", n)
	}
}

// TestE2EV1LMSResponsesRefused: what cannot be answered is refused before anything is
// stored — a closed or draft assessment (409), one without inline questions (409), bad
// answers (422), a read-only token (403), another tenant's or a deleted assessment (404).
func TestE2EV1LMSResponsesRefused(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "rsp-refused"
	db := env.DB(t)
	manager := e2eV1LMSUser(t, env, tenant, auth.RoleManager)
	learner := e2eV1LMSUser(t, env, tenant, auth.RoleLearner)
	readOnly := e2eV1LMSUser(t, env, tenant, auth.RoleLearner, auth.ScopeRead)
	foreign := e2eV1LMSUser(t, env, "rsp-elsewhere", auth.RoleAdmin)
	create := func(body client.AssessmentCreate) *client.Assessment {
		t.Helper()
		a, err := manager.Client.Learning.Assessments.Create(ctx, nil, body)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	open := create(client.AssessmentCreate{Kind: client.AssessmentKindSkills, Name: "open", Status: e2ePtr(client.AssessmentStatusOpen), Questions: e2eV1LMSQuestions()})
	draft := create(client.AssessmentCreate{Kind: client.AssessmentKindSkills, Name: "draft", Questions: e2eV1LMSQuestions()})
	closed := create(client.AssessmentCreate{Kind: client.AssessmentKindSkills, Name: "closed", Status: e2ePtr(client.AssessmentStatusClosed), Questions: e2eV1LMSQuestions()})
	bank := create(client.AssessmentCreate{Kind: client.AssessmentKindSkills, Name: "bank", Status: e2ePtr(client.AssessmentStatusOpen), QuestionBankId: e2ePtr("bank-7")})
	deleted := create(client.AssessmentCreate{Kind: client.AssessmentKindSkills, Name: "deleted", Status: e2ePtr(client.AssessmentStatusOpen), Questions: e2eV1LMSQuestions()})
	if _, err := manager.Client.Learning.Assessments.Delete(ctx, deleted.Id, &client.DeleteAssessmentParams{IfMatch: e2eIfMatch(deleted.Version)}); err != nil {
		t.Fatal(err)
	}
	good := e2eV1LMSAnswers("q1", "a")

	tests := []struct {
		name     string
		who      e2eV1LMSPerson
		asm      string
		body     client.AssessmentResponseSubmit
		status   int
		code     string
		pointers []string
	}{
		{name: "draft", who: learner, asm: draft.Id, body: good, status: 409, code: "assessment_not_open"},
		{name: "closed", who: learner, asm: closed.Id, body: good, status: 409, code: "assessment_not_open"},
		{name: "question bank", who: learner, asm: bank.Id, body: good, status: 409, code: "no_inline_questions"},
		{name: "required missing", who: learner, asm: open.Id, body: e2eV1LMSAnswers("q4", "text only"), status: 422, pointers: []string{"/answers"}},
		{name: "unknown question", who: learner, asm: open.Id, body: e2eV1LMSAnswers("q1", "a", "q9", "x"), status: 422, pointers: []string{"/answers/1/question_id"}},
		{name: "wrong values", who: learner, asm: open.Id, body: e2eV1LMSAnswers("q1", "c", "q2", "yes", "q3", 7, "q4", ""), status: 422,
			pointers: []string{"/answers/0/value", "/answers/1/value", "/answers/2/value", "/answers/3/value"}},
		{name: "read-only token", who: readOnly, asm: open.Id, body: good, status: 403},
		{name: "other tenant", who: foreign, asm: open.Id, body: good, status: 404},
		{name: "deleted", who: learner, asm: deleted.Id, body: good, status: 404},
		{name: "no such assessment", who: learner, asm: typeid.Format(typeid.Assessment, uuid.Must(uuid.NewV7())), body: good, status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.who.Client.Learning.AssessmentResponses.Submit(ctx, tt.asm, nil, tt.body)
			e := e2eSdkErr(t, err, tt.status, tt.name)
			if tt.code != "" && (e.Problem.Code == nil || *e.Problem.Code != tt.code) {
				t.Errorf("code %v, want %s", e.Problem.Code, tt.code)
			}
			if tt.pointers != nil {
				var got []string
				if e.Problem.Errors != nil {
					for _, fe := range *e.Problem.Errors {
						if fe.Pointer != nil {
							got = append(got, *fe.Pointer)
						}
					}
				}
				if len(got) != len(tt.pointers) {
					t.Fatalf("pointers %v, want %v", got, tt.pointers)
				}
				for i := range got {
					if got[i] != tt.pointers[i] {
						t.Errorf("pointer %d = %s, want %s", i, got[i], tt.pointers[i])
					}
				}
			}
		})
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM assessment_responses`); n != 0 {
		t.Errorf("%d responses stored, want 0", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE target_type = 'assessment_response'`); n != 0 {
		t.Errorf("%d response audit rows, want 0", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM assessments WHERE response_count <> 0 OR completion_pct <> 0`); n != 0 {
		t.Errorf("%d assessments with response figures, want 0", n)
	}

	// Reads: another tenant sees nothing (404), learners may not list (403), bad ids are 400.
	_, err := foreign.Client.Learning.AssessmentResponses.List(ctx, open.Id, nil)
	e2eSdkErr(t, err, 404, "foreign list")
	_, err = manager.Client.Learning.AssessmentResponses.List(ctx, deleted.Id, nil)
	e2eSdkErr(t, err, 404, "list of a deleted assessment")
	_, err = learner.Client.Learning.AssessmentResponses.List(ctx, typeid.Format(typeid.Assessment, uuid.Must(uuid.NewV7())), nil)
	e2eSdkErr(t, err, 403, "learner list (checked before the lookup)")
	mine, err := learner.Client.Learning.AssessmentResponses.Submit(ctx, open.Id, nil, good)
	if err != nil {
		t.Fatal(err)
	}
	_, err = foreign.Client.Learning.AssessmentResponses.Get(ctx, open.Id, mine.Id)
	e2eSdkErr(t, err, 404, "foreign get")
	_, err = manager.Client.Learning.AssessmentResponses.Get(ctx, draft.Id, mine.Id)
	e2eSdkErr(t, err, 404, "get through another assessment")
	raw := e2eDo(t, "GET", env.URL+"/api/v1/learning/assessments/"+open.Id+"/responses?respondent_id=nope", manager.Token, nil, nil)
	if raw.Status != 400 {
		t.Errorf("bad respondent_id: %d %s", raw.Status, raw.Body)
	}
}

// TestE2EV1LMSResponsesCompletion covers completion_pct without a cohort: through
// target_group_id (members who responded ÷ members), and with no target population at
// all (the mean score percentage of the responses).
func TestE2EV1LMSResponsesCompletion(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "rsp-completion"
	f := e2eV1LMSFixture{t: t, db: env.DB(t), tenant: tenant}
	manager := e2eV1LMSUser(t, env, tenant, auth.RoleManager)
	a, b := e2eV1LMSUser(t, env, tenant, auth.RoleLearner), e2eV1LMSUser(t, env, tenant, auth.RoleLearner)
	g := typeid.Format(typeid.Group, f.group("Four people", a.UUID, b.UUID, f.user("c"), f.user("d")))
	for _, tt := range []struct {
		name  string
		group *string
		want  float64
	}{
		{name: "target group", group: &g, want: 50},     // 2 of 4 members
		{name: "no population", group: nil, want: 70.0}, // mean of 100% and 40%
	} {
		t.Run(tt.name, func(t *testing.T) {
			asm, err := manager.Client.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindGeneral, Name: tt.name,
				TargetGroupId: tt.group, Status: e2ePtr(client.AssessmentStatusOpen), Questions: e2eV1LMSQuestions()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Client.Learning.AssessmentResponses.Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "a", "q2", true, "q3", 5, "q4", "x")); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Client.Learning.AssessmentResponses.Submit(ctx, asm.Id, nil, e2eV1LMSAnswers("q1", "b", "q2", false, "q3", 3)); err != nil {
				t.Fatal(err)
			}
			got, err := manager.Client.Learning.Assessments.Get(ctx, asm.Id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.ResponseCount != 2 || got.CompletionPct != tt.want {
				t.Errorf("response_count %d completion_pct %v, want 2 %v", got.ResponseCount, got.CompletionPct, tt.want)
			}
		})
	}
}
