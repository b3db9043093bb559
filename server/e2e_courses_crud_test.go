package server_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ECoursesFind: find_course is a case-insensitive substring search on the name,
// ordered by name, limited (default 20, max 50) and paged with signed tokens; status and
// tag filters narrow it; other tenants' and deleted courses never show; learners get 403.
func TestE2ECoursesFind(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	other := coursesUser(t, env, "globex", auth.RoleAdmin)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)

	names := []string{"Forklift Safety", "forklift basics", "OSHA Refresher", "Fire drill", "Advanced FORKLIFT handling"}
	ids := map[string]string{}
	for _, n := range names {
		c, err := m.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: n, Tags: &client.CourseTags{"safety"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[n] = c.Id
	}
	coursesCreate(t, ctx, other.C, "Forklift Safety (globex)")
	gone := coursesCreate(t, ctx, m.C, "Forklift retired")
	if err := m.C.LMS.Courses.Delete(ctx, gone.Id, nil); err != nil {
		t.Fatal(err)
	}

	find := func(p client.FindCoursesParams) []string {
		t.Helper()
		page, err := m.C.LMS.Courses.Find(ctx, &p)
		if err != nil {
			t.Fatalf("find %+v: %v", p, err)
		}
		var out []string
		for _, c := range page.Data {
			out = append(out, c.Name)
		}
		return out
	}
	if got, want := find(client.FindCoursesParams{Query: e2ePtr("FORKLIFT")}), []string{"Advanced FORKLIFT handling", "forklift basics", "Forklift Safety"}; !reflect.DeepEqual(got, want) {
		t.Errorf("find FORKLIFT = %q, want %q", got, want)
	}
	if got := find(client.FindCoursesParams{Query: e2ePtr("nothing like it")}); len(got) != 0 {
		t.Errorf("find nothing = %q", got)
	}
	if got := find(client.FindCoursesParams{}); len(got) != len(names) {
		t.Errorf("find all = %q, want the %d live acme courses", got, len(names))
	}
	// A LIKE wildcard is searched for literally.
	if got := find(client.FindCoursesParams{Query: e2ePtr("%")}); len(got) != 0 {
		t.Errorf("find %% = %q, want none", got)
	}

	// Summary fields.
	page, err := m.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("osha")})
	if err != nil || len(page.Data) != 1 {
		t.Fatalf("find osha: %v %v", page, err)
	}
	s := page.Data[0]
	if s.Id != ids["OSHA Refresher"] || s.Status != client.CourseStatusDraft || s.OwnerId != m.ID || !reflect.DeepEqual(s.Tags, []string{"safety"}) {
		t.Errorf("summary = %+v", s)
	}

	// Limit and pages.
	p1, err := m.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("forklift"), Limit: e2ePtr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Data) != 2 || !p1.HasMore || p1.NextPageToken == nil {
		t.Fatalf("page 1 = %d items, hasMore %v, token %v", len(p1.Data), p1.HasMore, p1.NextPageToken)
	}
	p2, err := m.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("forklift"), Limit: e2ePtr(2), PageToken: p1.NextPageToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Data) != 1 || p2.HasMore || p2.NextPageToken != nil || p2.Data[0].Name != "Forklift Safety" {
		t.Errorf("page 2 = %+v", p2)
	}
	var all []string
	for c, err := range m.C.LMS.Courses.FindAll(ctx, &client.FindCoursesParams{Limit: e2ePtr(1)}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c.Name)
	}
	if len(all) != len(names) || !slices.IsSortedFunc(all, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("FindAll = %q", all)
	}
	// A token is bound to its filters.
	_, err = m.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("osha"), PageToken: p1.NextPageToken})
	e2eSdkErr(t, err, http.StatusBadRequest, "token replayed with another query")
	_, err = m.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Limit: e2ePtr(51)})
	e2eSdkErr(t, err, http.StatusBadRequest, "limit 51")

	// Filters.
	if _, err := m.C.LMS.Courses.Update(ctx, ids["Fire drill"], nil, client.CoursePatch{Tags: &client.CourseTags{"fire"}}); err != nil {
		t.Fatal(err)
	}
	if got := find(client.FindCoursesParams{Tag: e2ePtr("fire")}); !reflect.DeepEqual(got, []string{"Fire drill"}) {
		t.Errorf("tag fire = %q", got)
	}
	b := coursesBuild(t, ctx, m.C, "Published one")
	if _, err := m.C.LMS.Courses.Publish(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	if got := find(client.FindCoursesParams{Status: e2ePtr(client.CourseStatusPublished)}); !reflect.DeepEqual(got, []string{"Published one"}) {
		t.Errorf("status published = %q", got)
	}

	// Learners hold no course_view.
	_, err = learner.C.LMS.Courses.Find(ctx, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "learner find")
}

// TestE2ECoursesCreateGetRoundTrip: a course created with settings and built up with
// sections, elements and questions reads back whole, in order, with transitions linking
// the appended elements; settings default; each write bumps the version and is audited.
func TestE2ECoursesCreateGetRoundTrip(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)

	plain := coursesCreate(t, ctx, m.C, "Defaults")
	if want := (client.CourseSettings{PassingScore: 70}); !reflect.DeepEqual(plain.Settings, want) {
		t.Errorf("default settings = %+v, want %+v", plain.Settings, want)
	}
	if plain.Status != client.CourseStatusDraft || plain.OwnerId != m.ID || plain.Version != 1 || plain.PublishedAt != nil ||
		len(plain.Shares) != 0 || len(plain.Structure.Sections) != 0 || len(plain.Tags) != 0 {
		t.Errorf("new course = %+v", plain)
	}

	c, err := m.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Forklift Safety", Annotation: e2ePtr("Driving forklifts safely."),
		Tags: &client.CourseTags{"safety", "warehouse"},
		Settings: &client.CourseSettingsInput{PassingScore: e2ePtr(80), CertificateOnCompletion: e2ePtr(true),
			CertificateValidityMonths: nullable.NewNullableWithValue(12), Points: e2ePtr(50)}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (client.CourseSettings{PassingScore: 80, CertificateOnCompletion: true, CertificateValidityMonths: e2ePtr(12), Points: 50}); !reflect.DeepEqual(c.Settings, want) {
		t.Errorf("settings = %+v, want %+v", c.Settings, want)
	}
	a := coursesLastAudit(t, db, "acme", "course.create", "course", c.Id, m.ID)
	if a.Before != nil || a.After["name"] != "Forklift Safety" || a.After["status"] != "draft" {
		t.Errorf("create audit = %+v", a)
	}

	s1, err := m.C.LMS.Courses.CreateSection(ctx, c.Id, nil, client.CourseSectionCreate{Title: "Driving"})
	if err != nil {
		t.Fatal(err)
	}
	s0, err := m.C.LMS.Courses.CreateSection(ctx, c.Id, nil, client.CourseSectionCreate{Title: "Before you drive", Position: e2ePtr(0)})
	if err != nil {
		t.Fatal(err)
	}
	if s0.Position != 0 {
		t.Errorf("section inserted at 0 has position %d", s0.Position)
	}
	lesson, err := m.C.LMS.Courses.CreateElement(ctx, c.Id, nil, client.CourseElementCreate{SectionId: s0.Id, Kind: client.CourseElementKindLesson, Title: "Inspection",
		Brief: &client.LessonBrief{Topic: e2ePtr("Forklifts"), Title: e2ePtr("Inspection"), Description: e2ePtr("What to check before a shift"),
			KeyPoints: &[]string{"Forks", "Hydraulics", "Brakes"}, TargetAudience: e2ePtr("Operators")},
		Pages: &client.LessonPages{{Title: "Checklist", Body: "Walk around the truck."}, {Title: "Faults", Body: "Report them."}}})
	if err != nil {
		t.Fatal(err)
	}
	quiz, err := m.C.LMS.Courses.CreateElement(ctx, c.Id, nil, client.CourseElementCreate{SectionId: s0.Id, Kind: client.CourseElementKindQuiz, Title: "Inspection quiz"})
	if err != nil {
		t.Fatal(err)
	}
	drive, err := m.C.LMS.Courses.CreateElement(ctx, c.Id, nil, client.CourseElementCreate{SectionId: s1.Id, Kind: client.CourseElementKindLesson, Title: "Driving", Required: e2ePtr(false)})
	if err != nil {
		t.Fatal(err)
	}
	q1, err := m.C.LMS.Courses.CreateQuestion(ctx, c.Id, quiz.Id, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "When?",
		Options: client.QuizOptionsInput{{Text: "Every shift", Correct: e2ePtr(true)}, {Text: "Monthly"}}})
	if err != nil {
		t.Fatal(err)
	}
	q0, err := m.C.LMS.Courses.CreateQuestion(ctx, c.Id, quiz.Id, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindMultiple, Text: "What?",
		Options: client.QuizOptionsInput{{Text: "Forks", Correct: e2ePtr(true)}, {Text: "Radio"}, {Text: "Brakes", Correct: e2ePtr(true)}}, Weight: e2ePtr(2.5), Position: e2ePtr(0)})
	if err != nil {
		t.Fatal(err)
	}

	got, err := m.C.LMS.Courses.Get(ctx, c.Id)
	if err != nil {
		t.Fatal(err)
	}
	// 1 create + 2 sections + 3 elements + 2 questions.
	if got.Version != 8 || coursesVersion(t, db, c.Id) != 8 {
		t.Errorf("version %d, want 8", got.Version)
	}
	if !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("updatedAt %s not after createdAt %s", got.UpdatedAt, got.CreatedAt)
	}
	want := client.CourseStructure{
		Sections: []client.CourseSection{
			{Id: s0.Id, Title: "Before you drive", Position: 0, Elements: []client.CourseElement{
				{Id: lesson.Id, SectionId: s0.Id, Kind: client.CourseElementKindLesson, Title: "Inspection", Position: 0, Required: true,
					Brief: &client.LessonBrief{Topic: e2ePtr("Forklifts"), Title: e2ePtr("Inspection"), Description: e2ePtr("What to check before a shift"),
						KeyPoints: &[]string{"Forks", "Hydraulics", "Brakes"}, TargetAudience: e2ePtr("Operators")},
					Pages:     []client.LessonPage{{Title: "Checklist", Body: "Walk around the truck."}, {Title: "Faults", Body: "Report them."}},
					Questions: []client.QuizQuestion{}},
				{Id: quiz.Id, SectionId: s0.Id, Kind: client.CourseElementKindQuiz, Title: "Inspection quiz", Position: 1, Required: true,
					Pages: []client.LessonPage{}, Questions: []client.QuizQuestion{
						{Id: q0.Id, ElementId: quiz.Id, Kind: client.QuizQuestionKindMultiple, Text: "What?", Weight: 2.5, Position: 0, Options: []client.QuizOption{
							{Id: "o1", Text: "Forks", Correct: e2ePtr(true)}, {Id: "o2", Text: "Radio", Correct: e2ePtr(false)}, {Id: "o3", Text: "Brakes", Correct: e2ePtr(true)}}},
						{Id: q1.Id, ElementId: quiz.Id, Kind: client.QuizQuestionKindSingle, Text: "When?", Weight: 1, Position: 1, Options: []client.QuizOption{
							{Id: "o1", Text: "Every shift", Correct: e2ePtr(true)}, {Id: "o2", Text: "Monthly", Correct: e2ePtr(false)}}},
					}},
			}},
			{Id: s1.Id, Title: "Driving", Position: 1, Elements: []client.CourseElement{
				{Id: drive.Id, SectionId: s1.Id, Kind: client.CourseElementKindLesson, Title: "Driving", Position: 0, Required: false,
					Pages: []client.LessonPage{}, Questions: []client.QuizQuestion{}},
			}},
		},
	}
	e2eDiff(t, "structure.sections", map[string]any{"s": want.Sections}, map[string]any{"s": got.Structure.Sections})
	names := map[string]string{lesson.Id: "lesson", quiz.Id: "quiz", drive.Id: "drive"}
	// drive was appended while it came last (after the lesson in course order: the quiz
	// was not there yet), then the quiz was spliced between lesson and drive.
	if edges, want := coursesEdges(got.Structure.Transitions, names), map[string]bool{"lesson>quiz": true, "quiz>drive": true}; !reflect.DeepEqual(edges, want) {
		t.Errorf("transitions = %v, want %v", edges, want)
	}
	// Raw: the ETag and the learner-hidden flags are there for course_view.
	raw := e2eDo(t, http.MethodGet, env.URL+"/api/v2/courses/"+c.Id, m.Token, nil, nil)
	if raw.Status != http.StatusOK || raw.Header.Get("ETag") != `"8"` {
		t.Errorf("GET: %d ETag %q", raw.Status, raw.Header.Get("ETag"))
	}
	// The legacy id form reads the same course.
	legacy := typeid.Course + "-" + coursesUUID(t, typeid.Course, c.Id).String()
	if again, err := m.C.LMS.Courses.Get(ctx, legacy); err != nil || again.Id != c.Id {
		t.Errorf("get by %s: %v %v", legacy, again, err)
	}
	_, err = m.C.LMS.Courses.Get(ctx, "crs_01jd8x4k2m3n5p6q7r8s9t0v1w")
	e2eSdkErr(t, err, http.StatusNotFound, "get unknown")
}

// TestE2ECoursesUpdateDelete: PATCH merges name, annotation (null clears), tags and
// settings member by member, with an optional If-Match (stale: 412, nothing changed);
// DELETE soft-deletes, keeps assignments and removes group assignment rules.
func TestE2ECoursesUpdateDelete(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	c, err := m.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Fire safety", Annotation: e2ePtr("Old"),
		Settings: &client.CourseSettingsInput{CertificateValidityMonths: nullable.NewNullableWithValue(24), Points: e2ePtr(5)}})
	if err != nil {
		t.Fatal(err)
	}

	up, err := m.C.LMS.Courses.Update(ctx, c.Id, &client.UpdateCourseParams{IfMatch: e2eIfMatch(1)}, client.CoursePatch{
		Name: e2ePtr("Fire safety 2026"), Annotation: nullable.NewNullNullable[string](), Tags: &client.CourseTags{"fire"},
		Settings: &client.CourseSettingsInput{PassingScore: e2ePtr(90), CertificateValidityMonths: nullable.NewNullNullable[int]()}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "Fire safety 2026" || up.Annotation != nil || !reflect.DeepEqual(up.Tags, []string{"fire"}) || up.Version != 2 ||
		!reflect.DeepEqual(up.Settings, client.CourseSettings{PassingScore: 90, Points: 5}) {
		t.Errorf("updated = %+v", up)
	}
	a := coursesLastAudit(t, db, "acme", "course.update", "course", c.Id, m.ID)
	if a.Before["name"] != "Fire safety" || a.After["name"] != "Fire safety 2026" || a.Before["annotation"] != "Old" || a.After["annotation"] != nil {
		t.Errorf("update audit before %v after %v", a.Before, a.After)
	}

	_, err = m.C.LMS.Courses.Update(ctx, c.Id, &client.UpdateCourseParams{IfMatch: e2eIfMatch(1)}, client.CoursePatch{Name: e2ePtr("Stale")})
	e2e := e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale If-Match")
	if e2e.Problem.CurrentVersion == nil || *e2e.Problem.CurrentVersion != 2 {
		t.Errorf("412 current_version %v, want 2", e2e.Problem.CurrentVersion)
	}
	_, err = m.C.LMS.Courses.Update(ctx, c.Id, nil, client.CoursePatch{Settings: &client.CourseSettingsInput{PassingScore: e2ePtr(101)}})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "passing score 101")
	raw := e2eDo(t, http.MethodPatch, env.URL+"/api/v2/courses/"+c.Id, m.Token, map[string]any{"status": "published"}, map[string]string{"Content-Type": "application/merge-patch+json"})
	if raw.Status != http.StatusUnprocessableEntity {
		t.Errorf("patch of status: %d %s, want 422 (not a patchable member)", raw.Status, raw.Body)
	}
	if v := coursesVersion(t, db, c.Id); v != 2 {
		t.Errorf("version after refused patches = %d, want 2", v)
	}

	// Delete: assignments stay, group rules go.
	learner := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleLearner})
	cid := coursesUUID(t, typeid.Course, c.Id)
	gid := uuid.New()
	if _, err := db.Exec(context.Background(), `INSERT INTO groups (tenant_id, id, name, created_at, updated_at) VALUES ('acme', $1, 'Floor', now(), now())`, gid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO group_course_assignments (tenant_id, group_id, course_id) VALUES ('acme', $1, $2)`, gid, cid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO assignments (tenant_id, user_id, course_id) VALUES ('acme', $1, $2)`, coursesUUID(t, typeid.Person, learner.ID), cid); err != nil {
		t.Fatal(err)
	}
	err = m.C.LMS.Courses.Delete(ctx, c.Id, &client.DeleteCourseParams{IfMatch: e2eIfMatch(1)})
	e2eSdkErr(t, err, http.StatusPreconditionFailed, "stale delete")
	if err := m.C.LMS.Courses.Delete(ctx, c.Id, &client.DeleteCourseParams{IfMatch: e2eIfMatch(2)}); err != nil {
		t.Fatal(err)
	}
	_, err = m.C.LMS.Courses.Get(ctx, c.Id)
	e2eSdkErr(t, err, http.StatusNotFound, "get deleted")
	_, err = m.C.LMS.Courses.Update(ctx, c.Id, nil, client.CoursePatch{Name: e2ePtr("again")})
	e2eSdkErr(t, err, http.StatusNotFound, "patch deleted")
	err = m.C.LMS.Courses.Delete(ctx, c.Id, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "delete twice")
	if n := e2eCount(t, db, `SELECT count(*) FROM courses WHERE id = $1 AND is_deleted AND deleted_at IS NOT NULL AND deleted_by IS NOT NULL`, cid); n != 1 {
		t.Errorf("soft-deleted rows = %d", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM assignments WHERE course_id = $1`, cid); n != 1 {
		t.Errorf("assignments after delete = %d, want 1 (kept)", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM group_course_assignments WHERE course_id = $1`, cid); n != 0 {
		t.Errorf("group rules after delete = %d, want 0", n)
	}
	a = coursesLastAudit(t, db, "acme", "course.delete", "course", c.Id, m.ID)
	if a.Before["deleted"] != nil || a.After["deleted"] != true {
		t.Errorf("delete audit before %v after %v", a.Before, a.After)
	}
}
