package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAssignProgressCompletion: a lesson, a weighted quiz (weights 1 and 3, passing
// score 70) and an optional survey. A failing attempt (25%) is recorded but does not
// complete the quiz; a passing one (75%) does, which completes the course: completedAt,
// score (the quiz's best), the course's points, and a certificate expiring
// certificateValidityMonths after issue. Every write is in the audit log with before and
// after.
func TestE2EAssignProgressCompletion(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	c := f.course(mgr, asgCourseSpec{
		Name:     "Confined Spaces",
		Settings: map[string]any{"passingScore": 70, "points": 50, "certificateOnCompletion": true, "certificateValidityMonths": 12},
		Elements: []asgElement{
			{Kind: "lesson"},
			{Kind: "quiz", Questions: []asgQuestion{
				{Correct: []int{2}, Weight: 1},
				{Kind: "multiple", Options: 4, Correct: []int{1, 3}, Weight: 3},
			}},
			{Kind: "survey", Optional: true},
		},
	})
	lesson, quiz, survey := c.Elements[0], c.Elements[1], c.Elements[2]
	q1, q2 := c.Questions[1][0], c.Questions[1][1]
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID})

	p, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != client.AssignmentStatusInProgress || p.CompletedElements != 1 || p.RequiredElements != 2 || p.ProgressPct != 50 ||
		p.StartedAt == nil || p.CompletedAt != nil || p.LastAttempt != nil || len(p.Elements) != 3 {
		t.Errorf("after the lesson: %+v", p)
	}
	start := f.auditFor("assignment.start", mustAssignmentID(t, f, learner, c))
	if start.Before["startedAt"] != nil || start.After["startedAt"] == nil {
		t.Errorf("start audit = %+v", start)
	}

	// q1 right (weight 1), q2 wrong: 25%, failed.
	p, err = learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{
		{QuestionId: q1, OptionIds: []string{"o2"}},
		{QuestionId: q2, OptionIds: []string{"o1"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.LastAttempt == nil || p.LastAttempt.Score != 25 || p.LastAttempt.Passed || p.LastAttempt.ElementId != quiz ||
		p.Status != client.AssignmentStatusInProgress || p.CompletedElements != 1 || p.CompletedAt != nil {
		t.Errorf("after the failing attempt: %+v (last %+v)", p, p.LastAttempt)
	}
	if e := asgElementOf(p, quiz); e.Completed || e.Attempts != 1 || e.BestScore == nil || *e.BestScore != 25 {
		t.Errorf("quiz after the failing attempt: %+v", e)
	}
	if n := f.count(`SELECT count(*) FROM certificates`); n != 0 {
		t.Fatalf("%d certificates before completion", n)
	}

	// q2 right (weight 3), q1 unanswered: 75%, passed — the course completes.
	p, err = learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{
		{QuestionId: q2, OptionIds: []string{"o3", "o1"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.LastAttempt == nil || p.LastAttempt.Score != 75 || !p.LastAttempt.Passed {
		t.Errorf("passing attempt = %+v", p.LastAttempt)
	}
	if p.Status != client.AssignmentStatusCompleted || p.CompletedAt == nil || p.ProgressPct != 100 || p.CompletedElements != 2 ||
		p.Score == nil || *p.Score != 75 || p.PointsAwarded != 50 {
		t.Errorf("after completion: %+v", p)
	}
	if e := asgElementOf(p, survey); e.Completed || e.Required {
		t.Errorf("the optional survey: %+v", e)
	}
	cert := p.Certificate
	if cert == nil {
		t.Fatal("no certificate issued")
	}
	if !strings.HasPrefix(cert.Id, "cer_") || cert.Number == "" || cert.CourseId != c.ID || cert.CourseName != "Confined Spaces" ||
		cert.Expired || !cert.IssuedAt.Equal(*p.CompletedAt) || cert.ExpiresAt == nil || !cert.ExpiresAt.Equal(cert.IssuedAt.AddDate(0, 12, 0)) {
		t.Errorf("certificate = %+v (completed %s)", cert, p.CompletedAt)
	}
	var attempts int
	var best float64
	if err := f.db.QueryRow(ctx, `SELECT attempts, best_score FROM element_progress WHERE user_id = $1 AND element_id = $2`,
		learner.UUID, typeidUUID(t, typeid.Element, quiz)).Scan(&attempts, &best); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || best != 75 {
		t.Errorf("stored quiz progress: %d attempts, best %v", attempts, best)
	}

	// A worse retake after completion keeps the best score and changes nothing else.
	p, err = learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{}})
	if err != nil {
		t.Fatal(err)
	}
	if p.LastAttempt.Score != 0 || *p.Score != 75 || asgElementOf(p, quiz).Attempts != 3 || *asgElementOf(p, quiz).BestScore != 75 {
		t.Errorf("after a worse retake: %+v", p)
	}
	if n := f.count(`SELECT count(*) FROM certificates`); n != 1 {
		t.Errorf("%d certificates, want 1", n)
	}

	// The audit trail: each element record, the completion and the certificate.
	asgID := mustAssignmentID(t, f, learner, c)
	done := f.auditFor("assignment.complete", asgID)
	if done.Before["completedAt"] != nil || done.After["completedAt"] == nil || done.After["pointsAwarded"] != float64(50) || done.After["score"] != float64(75) {
		t.Errorf("completion audit = %+v", done)
	}
	issued := f.auditFor("certificate.issue", cert.Id)
	if issued.Before != nil || issued.After["number"] != cert.Number || issued.After["userId"] != learner.ID {
		t.Errorf("certificate audit = %+v", issued)
	}
	recs := f.audits("progress.record")
	if len(recs) != 4 {
		t.Fatalf("%d progress.record audits, want 4", len(recs))
	}
	if recs[0].Before != nil || recs[0].After["completedAt"] == nil {
		t.Errorf("lesson audit = %+v", recs[0])
	}
	if recs[2].Before["bestScore"] != float64(25) || recs[2].After["bestScore"] != float64(75) || recs[2].After["attempts"] != float64(2) {
		t.Errorf("passing attempt audit before %v after %v", recs[2].Before, recs[2].After)
	}

	// Others' reads: a manager may read the learner's progress; another learner may not.
	got, err := mgr.Client.LMS.Progress.Get(ctx, c.ID, &client.GetProgressParams{UserId: &learner.ID})
	if err != nil || got.Status != client.AssignmentStatusCompleted || got.Certificate == nil || got.Certificate.Id != cert.Id {
		t.Errorf("manager reading progress: %v %+v", err, got)
	}
	_, err = f.user(auth.RoleLearner).Client.LMS.Progress.Get(ctx, c.ID, &client.GetProgressParams{UserId: &learner.ID})
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner reading another's progress")
	own, err := learner.Client.LMS.Progress.Get(ctx, c.ID, nil)
	if err != nil || own.PointsAwarded != 50 || own.LastAttempt != nil {
		t.Errorf("own progress: %v %+v", err, own)
	}
	certs, err := learner.Client.LMS.Certificates.List(ctx, learner.ID, nil)
	if err != nil || len(certs.Data) != 1 || certs.Data[0].Id != cert.Id {
		t.Errorf("own certificates: %v %+v", err, certs)
	}
}

// TestE2EAssignQuizScoring: the score is the share of the quiz's total weight earned by
// questions answered with exactly their correct options; the default passing score is 70.
func TestE2EAssignQuizScoring(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	c := f.course(mgr, asgCourseSpec{Elements: []asgElement{{Kind: "quiz", Questions: []asgQuestion{
		{Correct: []int{1}, Weight: 2},
		{Kind: "multiple", Correct: []int{1, 2}, Weight: 1},
		{Correct: []int{3}, Weight: 1},
	}}}})
	quiz, qs := c.Elements[0], c.Questions[0]
	ctx := e2eCtx(t)
	cases := []struct {
		name    string
		answers []client.QuizAnswer
		score   float64
		passed  bool
	}{
		{"all right", []client.QuizAnswer{{QuestionId: qs[0], OptionIds: []string{"o1"}}, {QuestionId: qs[1], OptionIds: []string{"o2", "o1"}}, {QuestionId: qs[2], OptionIds: []string{"o3"}}}, 100, true},
		{"heavy one right", []client.QuizAnswer{{QuestionId: qs[0], OptionIds: []string{"o1"}}}, 50, false},
		{"subset of a multiple", []client.QuizAnswer{{QuestionId: qs[0], OptionIds: []string{"o1"}}, {QuestionId: qs[1], OptionIds: []string{"o1"}}, {QuestionId: qs[2], OptionIds: []string{"o3"}}}, 75, true},
		{"superset of a multiple", []client.QuizAnswer{{QuestionId: qs[1], OptionIds: []string{"o1", "o2", "o3"}}, {QuestionId: qs[2], OptionIds: []string{"o3"}}}, 25, false},
		{"none right", []client.QuizAnswer{{QuestionId: qs[0], OptionIds: []string{"o2"}}}, 0, false},
	}
	for _, tc := range cases {
		learner := f.user(auth.RoleLearner)
		asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID})
		p, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &tc.answers})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p.LastAttempt == nil || p.LastAttempt.Score != tc.score || p.LastAttempt.Passed != tc.passed {
			t.Errorf("%s: attempt %+v, want score %v passed %v", tc.name, p.LastAttempt, tc.score, tc.passed)
		}
		wantStatus := client.AssignmentStatusInProgress
		if tc.passed {
			wantStatus = client.AssignmentStatusCompleted
		}
		if p.Status != wantStatus {
			t.Errorf("%s: status %s, want %s", tc.name, p.Status, wantStatus)
		}
	}
}

// TestE2EAssignProgressRefused: progress needs an assignment (404 otherwise, also across
// tenants), the write scope (403), an element of the course and the right shape for its
// kind (422), with nothing recorded.
func TestE2EAssignProgressRefused(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	c := f.course(mgr, asgCourseSpec{Elements: []asgElement{{Kind: "lesson"}, {Kind: "quiz", Questions: []asgQuestion{{Correct: []int{1}}}}}})
	other := f.course(mgr, asgCourseSpec{Elements: []asgElement{{Kind: "quiz", Questions: []asgQuestion{{Correct: []int{1}}}}}})
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID})
	lesson, quiz := c.Elements[0], c.Elements[1]
	ctx := e2eCtx(t)
	roLearner := f.wrap(f.env.User(t, servertest.UserSpec{Tenant: "acme", Scopes: []string{auth.ScopeRead}}))
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: roLearner.ID})

	cases := []struct {
		name     string
		caller   asgUser
		course   string
		body     client.ProgressRecord
		status   int
		pointers []string
	}{
		{"not assigned", f.user(auth.RoleLearner), c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(true)}, http.StatusNotFound, nil},
		{"other tenant", g.user(auth.RoleLearner), c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(true)}, http.StatusNotFound, nil},
		{"read scope", roLearner, c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(true)}, http.StatusForbidden, nil},
		{"element of another course", learner, c.ID, client.ProgressRecord{ElementId: other.Elements[0], Completed: e2ePtr(true)}, http.StatusUnprocessableEntity, []string{"/elementId"}},
		{"lesson with answers", learner, c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(true), Answers: &[]client.QuizAnswer{}}, http.StatusUnprocessableEntity, []string{"/answers"}},
		{"lesson completed false", learner, c.ID, client.ProgressRecord{ElementId: lesson, Completed: e2ePtr(false)}, http.StatusUnprocessableEntity, []string{"/completed"}},
		{"quiz without answers", learner, c.ID, client.ProgressRecord{ElementId: quiz, Completed: e2ePtr(true)}, http.StatusUnprocessableEntity, []string{"/completed", "/answers"}},
		{"question of another quiz", learner, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{{QuestionId: other.Questions[0][0], OptionIds: []string{"o1"}}}}, http.StatusUnprocessableEntity, []string{"/answers/0/questionId"}},
		{"unknown option", learner, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{{QuestionId: c.Questions[1][0], OptionIds: []string{"o9"}}}}, http.StatusUnprocessableEntity, []string{"/answers/0/optionIds/0"}},
		{"two options on a single choice", learner, c.ID, client.ProgressRecord{ElementId: quiz, Answers: &[]client.QuizAnswer{{QuestionId: c.Questions[1][0], OptionIds: []string{"o1", "o2"}}}}, http.StatusUnprocessableEntity, []string{"/answers/0/optionIds"}},
	}
	for _, tc := range cases {
		_, err := tc.caller.Client.LMS.Progress.Record(ctx, tc.course, tc.body)
		e := asgStatus(t, err, tc.status, "", tc.name)
		if tc.pointers != nil && !slices.Equal(asgPointers(e.Problem), tc.pointers) {
			t.Errorf("%s: pointers %v, want %v", tc.name, asgPointers(e.Problem), tc.pointers)
		}
	}
	if n := f.count(`SELECT count(*) FROM element_progress`) + f.count(`SELECT count(*) FROM assignments WHERE started_at IS NOT NULL`); n != 0 {
		t.Errorf("%d progress writes after refusals", n)
	}
	if n := f.count(`SELECT count(*) FROM audit_log WHERE action <> 'assignment.create'`); n != 0 {
		t.Errorf("%d audit rows after refusals", n)
	}
}

// TestE2EAssignCertificatesExpiring: expiringWithin keeps the certificates that expire
// within that many days and have not expired; without it every certificate is listed,
// with expired ones flagged. Holders of user_view may list anyone's; learners only their
// own.
func TestE2EAssignCertificatesExpiring(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	now := time.Now().UTC().Truncate(time.Second)
	certs := map[string]*time.Time{
		"soon":    e2ePtr(now.AddDate(0, 0, 30)),
		"later":   e2ePtr(now.AddDate(0, 0, 200)),
		"expired": e2ePtr(now.AddDate(0, 0, -3)),
		"never":   nil,
	}
	ids := map[string]string{}
	i := 0
	for name, exp := range certs {
		c := f.course(mgr, asgCourseSpec{Name: name})
		id, u := typeid.New(typeid.Certificate)
		ids[name] = id
		f.exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ('acme', $1, $2, $3, $4, $5, $6)`,
			u, learner.UUID, c.UUID, "T-"+name, now.AddDate(-1, 0, i), exp)
		i++
	}

	soon, err := mgr.Client.LMS.Certificates.List(ctx, learner.ID, &client.ListUserCertificatesParams{ExpiringWithin: e2ePtr(90)})
	if err != nil {
		t.Fatal(err)
	}
	if len(soon.Data) != 1 || soon.Data[0].Id != ids["soon"] || soon.Data[0].CourseName != "soon" || soon.Data[0].Expired ||
		!soon.Data[0].ExpiresAt.Equal(*certs["soon"]) {
		t.Errorf("expiringWithin=90 = %+v", soon.Data)
	}
	wide, err := learner.Client.LMS.Certificates.List(ctx, learner.ID, &client.ListUserCertificatesParams{ExpiringWithin: e2ePtr(365)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range wide.Data {
		names = append(names, c.CourseName)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"later", "soon"}) {
		t.Errorf("expiringWithin=365 = %v, want [later soon]", names)
	}
	all, err := learner.Client.LMS.Certificates.List(ctx, learner.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Data) != 4 {
		t.Fatalf("all certificates: %d, want 4", len(all.Data))
	}
	for _, c := range all.Data {
		wantExpired := c.CourseName == "expired"
		if c.Expired != wantExpired || (c.CourseName == "never") != (c.ExpiresAt == nil) || c.Number != "T-"+c.CourseName {
			t.Errorf("certificate %+v", c)
		}
	}
	_, err = learner.Client.LMS.Certificates.List(ctx, mgr.ID, nil)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner listing another's")
	_, err = mgr.Client.LMS.Certificates.List(ctx, "per_01jd8x4k2m3n5p6q7r8s9t0v1w", nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "unknown user")
	r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/"+learner.ID+"/certificates?expiringWithin=0", mgr.Token, nil, nil)
	if r.Status != http.StatusBadRequest {
		t.Errorf("expiringWithin=0: %d, want 400", r.Status)
	}
}

func asgElementOf(p *client.CourseProgress, id string) client.ElementProgress {
	for _, e := range p.Elements {
		if e.ElementId == id {
			return e
		}
	}
	return client.ElementProgress{}
}

func mustAssignmentID(t *testing.T, f *asgFix, u asgUser, c asgCourse) string {
	t.Helper()
	var id [16]byte
	if err := f.db.QueryRow(e2eCtx(t), `SELECT id FROM assignments WHERE user_id = $1 AND course_id = $2`, u.UUID, c.UUID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return typeid.Format(typeid.Assignment, id)
}

func typeidUUID(t *testing.T, prefix, id string) [16]byte {
	t.Helper()
	u, err := typeid.Parse(prefix, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
