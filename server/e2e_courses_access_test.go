package server_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ECoursesEditAccess: course_edit on one course is its owner, a share holder or an
// admin/owner: manager B cannot change manager A's course (403, nothing changed) until A
// shares it; B cannot share it on; shares go only to roles that grant course_edit;
// learners and read-only keys are refused before anything is looked up.
func TestE2ECoursesEditAccess(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	a := coursesUser(t, env, "acme", auth.RoleManager)
	b := coursesUser(t, env, "acme", auth.RoleManager)
	admin := coursesUser(t, env, "acme", auth.RoleAdmin)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)
	ro := coursesUser(t, env, "acme", auth.RoleManager, "read")
	built := coursesBuild(t, ctx, a.C, "A's course")
	id := built.course.Id

	// Every course write, as one table.
	writes := []struct {
		name string
		call func(c *sdk.Client) error
	}{
		{"update", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.Update(ctx, id, nil, client.CoursePatch{Name: e2ePtr("Taken over")})
			return err
		}},
		{"publish", func(c *sdk.Client) error { _, err := c.LMS.Courses.Publish(ctx, id, nil); return err }},
		{"create section", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.CreateSection(ctx, id, nil, client.CourseSectionCreate{Title: "B's"})
			return err
		}},
		{"update section", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.UpdateSection(ctx, id, built.basics, nil, client.CourseSectionPatch{Title: e2ePtr("B's")})
			return err
		}},
		{"create element", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: built.basics, Kind: client.CourseElementKindLesson, Title: "B's"})
			return err
		}},
		{"update element", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.UpdateElement(ctx, id, built.lesson, nil, client.CourseElementPatch{Title: e2ePtr("B's")})
			return err
		}},
		{"create transition", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: built.lesson, ToElementId: built.survey})
			return err
		}},
		{"delete element", func(c *sdk.Client) error { return c.LMS.Courses.DeleteElement(ctx, id, built.survey, nil) }},
		{"create question", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.CreateQuestion(ctx, id, built.quiz, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "B?",
				Options: client.QuizOptionsInput{{Text: "Y", Correct: e2ePtr(true)}, {Text: "N"}}})
			return err
		}},
		{"update question", func(c *sdk.Client) error {
			_, err := c.LMS.Courses.UpdateQuestion(ctx, id, built.question, nil, client.QuizQuestionPatch{Text: e2ePtr("B?")})
			return err
		}},
		{"delete section", func(c *sdk.Client) error { return c.LMS.Courses.DeleteSection(ctx, id, built.wrapUp, nil) }},
		{"delete", func(c *sdk.Client) error { return c.LMS.Courses.Delete(ctx, id, nil) }},
	}
	version := coursesVersion(t, db, id)
	for _, w := range writes {
		for _, who := range []struct {
			name string
			c    coursesCaller
		}{{"other manager", b}, {"learner", learner}, {"read-only key", ro}} {
			err := w.call(who.c.C)
			e2eSdkErr(t, err, http.StatusForbidden, who.name+" "+w.name)
		}
	}
	if got := coursesVersion(t, db, id); got != version {
		t.Fatalf("version after refused writes = %d, want %d", got, version)
	}
	// Only the owner (or an admin) shares.
	_, err := b.C.LMS.Courses.Share(ctx, id, b.ID, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "B shares A's course with themselves")

	sh, err := a.C.LMS.Courses.Share(ctx, id, b.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sh.UserId != b.ID || sh.CreatedBy == nil || *sh.CreatedBy != a.ID || !e2eNear(sh.CreatedAt, time.Minute) {
		t.Errorf("share = %+v", sh)
	}
	audit := coursesLastAudit(t, db, "acme", "course.share", "course", id, a.ID)
	if audit.Before != nil || audit.After["userId"] != b.ID {
		t.Errorf("share audit %+v", audit)
	}
	again, err := a.C.LMS.Courses.Share(ctx, id, b.ID, nil)
	if err != nil || !again.CreatedAt.Equal(sh.CreatedAt) {
		t.Errorf("re-share: %v %v", again, err)
	}
	if n := len(coursesAudit(t, db, "acme", "course.share", id)); n != 1 {
		t.Errorf("share audit entries after a re-share = %d, want 1 (a no-op)", n)
	}
	got, err := b.C.LMS.Courses.Get(ctx, id)
	if err != nil || len(got.Shares) != 1 || got.Shares[0].UserId != b.ID {
		t.Fatalf("shares: %v %v", got, err)
	}
	// With the share, B edits; B still cannot manage shares.
	for _, w := range writes[:len(writes)-1] {
		if w.name == "publish" {
			continue // the built course has a quiz with a question: publishable, tried below
		}
		if err := w.call(b.C); err != nil {
			t.Errorf("shared manager %s: %v", w.name, err)
		}
	}
	if _, err := b.C.LMS.Courses.Publish(ctx, id, nil); err != nil {
		t.Errorf("shared manager publishes: %v", err)
	}
	_, err = b.C.LMS.Courses.Share(ctx, id, admin.ID, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "share holder shares on")
	err = b.C.LMS.Courses.Unshare(ctx, id, b.ID, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "share holder unshares")

	// Share rules.
	_, err = a.C.LMS.Courses.Share(ctx, id, learner.ID, nil)
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "share with a learner")
	_, err = admin.C.LMS.Courses.Share(ctx, id, a.ID, nil)
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "share with the owner")
	_, err = a.C.LMS.Courses.Share(ctx, id, "per_01jd8x4k2m3n5p6q7r8s9t0v1w", nil)
	e2eSdkErr(t, err, http.StatusNotFound, "share with an unknown user")
	stranger := coursesUser(t, env, "globex", auth.RoleManager)
	_, err = a.C.LMS.Courses.Share(ctx, id, stranger.ID, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "share with another tenant's user")

	// An admin edits any course; unsharing takes B's rights away again.
	if _, err := admin.C.LMS.Courses.Update(ctx, id, nil, client.CoursePatch{Name: e2ePtr("Admin's edit")}); err != nil {
		t.Errorf("admin update: %v", err)
	}
	if err := admin.C.LMS.Courses.Unshare(ctx, id, b.ID, nil); err != nil {
		t.Fatal(err)
	}
	audit = coursesLastAudit(t, db, "acme", "course.unshare", "course", id, admin.ID)
	if audit.Before["userId"] != b.ID || audit.After != nil {
		t.Errorf("unshare audit %+v", audit)
	}
	err = admin.C.LMS.Courses.Unshare(ctx, id, b.ID, nil)
	e2eSdkErr(t, err, http.StatusNotFound, "unshare twice")
	_, err = b.C.LMS.Courses.Update(ctx, id, nil, client.CoursePatch{Name: e2ePtr("B again")})
	e2eSdkErr(t, err, http.StatusForbidden, "B after unshare")
	// Managers read any course and create their own.
	if _, err := b.C.LMS.Courses.Get(ctx, id); err != nil {
		t.Errorf("manager reads another's course: %v", err)
	}
	_, err = learner.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Learner's"})
	e2eSdkErr(t, err, http.StatusForbidden, "learner create")
	_, err = ro.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Read-only"})
	e2eSdkErr(t, err, http.StatusForbidden, "read-only create")
}

// TestE2ECoursesLearner: a learner gets a course only when it is published and assigned
// to them (and the assignment has started), without the correct flags; any other course
// is a 404, as is an unpublished or deleted one; find is a 403.
func TestE2ECoursesLearner(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)
	peer := coursesUser(t, env, "acme", auth.RoleLearner)
	b := coursesBuild(t, ctx, m.C, "Assigned")
	unassigned := coursesBuild(t, ctx, m.C, "Not assigned")
	scheduled := coursesBuild(t, ctx, m.C, "Scheduled")
	for _, c := range []string{b.course.Id, unassigned.course.Id, scheduled.course.Id} {
		if _, err := m.C.LMS.Courses.Publish(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	assign := func(course string, startAt *time.Time) {
		t.Helper()
		if _, err := db.Exec(context.Background(), `INSERT INTO assignments (tenant_id, user_id, course_id, start_at) VALUES ('acme', $1, $2, $3)`,
			coursesUUID(t, typeid.Person, learner.ID), coursesUUID(t, typeid.Course, course), startAt); err != nil {
			t.Fatal(err)
		}
	}
	assign(b.course.Id, nil)
	future := time.Now().Add(48 * time.Hour)
	assign(scheduled.course.Id, &future)

	got, err := learner.C.LMS.Courses.Get(ctx, b.course.Id)
	if err != nil {
		t.Fatalf("learner get assigned: %v", err)
	}
	if got.Name != "Assigned" || len(got.Structure.Sections) != 2 {
		t.Errorf("learner view = %+v", got)
	}
	q := got.Structure.Sections[0].Elements[1].Questions[0]
	if len(q.Options) != 2 || q.Options[0].Text != "Every shift" {
		t.Errorf("learner question = %+v", q)
	}
	for _, o := range q.Options {
		if o.Correct != nil {
			t.Errorf("learner sees correct flag on %s", o.Id)
		}
	}
	raw := e2eDo(t, http.MethodGet, env.URL+"/api/v2/courses/"+b.course.Id, learner.Token, nil, nil)
	if raw.Status != http.StatusOK || bytes.Contains(raw.Body, []byte(`"correct"`)) {
		t.Errorf("learner raw body %d carries correct flags: %s", raw.Status, raw.Body)
	}
	// The manager still sees them.
	full, err := m.C.LMS.Courses.Get(ctx, b.course.Id)
	if err != nil || full.Structure.Sections[0].Elements[1].Questions[0].Options[0].Correct == nil {
		t.Errorf("manager view lacks correct flags: %v", err)
	}

	for _, tc := range []struct {
		name string
		who  coursesCaller
		id   string
	}{
		{"unassigned course", learner, unassigned.course.Id},
		{"scheduled assignment", learner, scheduled.course.Id},
		{"someone else's assignment", peer, b.course.Id},
		{"unknown course", learner, "crs_01jd8x4k2m3n5p6q7r8s9t0v1w"},
	} {
		_, err := tc.who.C.LMS.Courses.Get(ctx, tc.id)
		e2eSdkErr(t, err, http.StatusNotFound, tc.name)
	}
	// Unpublished, the assigned course is hidden; published again, it is back.
	if _, err := m.C.LMS.Courses.Unpublish(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	_, err = learner.C.LMS.Courses.Get(ctx, b.course.Id)
	e2eSdkErr(t, err, http.StatusNotFound, "assigned but unpublished")
	if _, err := m.C.LMS.Courses.Publish(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := learner.C.LMS.Courses.Get(ctx, b.course.Id); err != nil {
		t.Errorf("republished: %v", err)
	}
	if err := m.C.LMS.Courses.Delete(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	_, err = learner.C.LMS.Courses.Get(ctx, b.course.Id)
	e2eSdkErr(t, err, http.StatusNotFound, "assigned but deleted")

	_, err = learner.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("Assigned")})
	e2eSdkErr(t, err, http.StatusForbidden, "learner find")
	_, err = learner.C.LMS.Chains.Find(ctx, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "learner find chains")
}

// TestE2ECoursesTenancy: another tenant's owner gets 404 for every course operation on
// this tenant's course and its parts, and nothing changes.
func TestE2ECoursesTenancy(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)
	x := coursesUser(t, env, "globex", auth.RoleOwner)
	xPeer := coursesUser(t, env, "globex", auth.RoleManager)
	b := coursesBuild(t, ctx, m.C, "Acme only")
	id := b.course.Id
	version := coursesVersion(t, db, id)
	calls := []struct {
		name string
		call func() error
	}{
		{"get", func() error { _, err := x.C.LMS.Courses.Get(ctx, id); return err }},
		{"update", func() error {
			_, err := x.C.LMS.Courses.Update(ctx, id, nil, client.CoursePatch{Name: e2ePtr("x")})
			return err
		}},
		{"delete", func() error { return x.C.LMS.Courses.Delete(ctx, id, nil) }},
		{"publish", func() error { _, err := x.C.LMS.Courses.Publish(ctx, id, nil); return err }},
		{"unpublish", func() error { _, err := x.C.LMS.Courses.Unpublish(ctx, id, nil); return err }},
		{"clone", func() error {
			_, err := x.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: id})
			return err
		}},
		{"share", func() error { _, err := x.C.LMS.Courses.Share(ctx, id, xPeer.ID, nil); return err }},
		{"unshare", func() error { return x.C.LMS.Courses.Unshare(ctx, id, xPeer.ID, nil) }},
		{"create section", func() error {
			_, err := x.C.LMS.Courses.CreateSection(ctx, id, nil, client.CourseSectionCreate{Title: "x"})
			return err
		}},
		{"update section", func() error {
			_, err := x.C.LMS.Courses.UpdateSection(ctx, id, b.basics, nil, client.CourseSectionPatch{Title: e2ePtr("x")})
			return err
		}},
		{"delete section", func() error { return x.C.LMS.Courses.DeleteSection(ctx, id, b.basics, nil) }},
		{"create element", func() error {
			_, err := x.C.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: b.basics, Kind: client.CourseElementKindLesson, Title: "x"})
			return err
		}},
		{"update element", func() error {
			_, err := x.C.LMS.Courses.UpdateElement(ctx, id, b.lesson, nil, client.CourseElementPatch{Title: e2ePtr("x")})
			return err
		}},
		{"delete element", func() error { return x.C.LMS.Courses.DeleteElement(ctx, id, b.lesson, nil) }},
		{"create transition", func() error {
			_, err := x.C.LMS.Courses.CreateTransition(ctx, id, nil, client.CourseTransition{FromElementId: b.lesson, ToElementId: b.survey})
			return err
		}},
		{"delete transition", func() error {
			return x.C.LMS.Courses.DeleteTransition(ctx, id, &client.DeleteCourseTransitionParams{FromElementId: b.lesson, ToElementId: b.quiz})
		}},
		{"create question", func() error {
			_, err := x.C.LMS.Courses.CreateQuestion(ctx, id, b.quiz, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "x",
				Options: client.QuizOptionsInput{{Text: "a", Correct: e2ePtr(true)}, {Text: "b"}}})
			return err
		}},
		{"update question", func() error {
			_, err := x.C.LMS.Courses.UpdateQuestion(ctx, id, b.question, nil, client.QuizQuestionPatch{Text: e2ePtr("x")})
			return err
		}},
		{"delete question", func() error { return x.C.LMS.Courses.DeleteQuestion(ctx, id, b.question, nil) }},
	}
	for _, c := range calls {
		e2eSdkErr(t, c.call(), http.StatusNotFound, "other tenant "+c.name)
	}
	if got := coursesVersion(t, db, id); got != version {
		t.Errorf("version after the other tenant's calls = %d, want %d", got, version)
	}
	page, err := x.C.LMS.Courses.Find(ctx, &client.FindCoursesParams{Query: e2ePtr("Acme")})
	if err != nil || len(page.Data) != 0 {
		t.Errorf("other tenant finds %v (%v)", page, err)
	}
}
