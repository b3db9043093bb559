package server_test

import (
	"net/http"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2ECoursesPublish: publishing needs an element and a question in every quiz (422
// with pointers, nothing changed), stamps publishedAt, and is a 409 when published;
// unpublish returns to draft (or archives) and clears publishedAt.
func TestE2ECoursesPublish(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	m := coursesUser(t, env, "acme", auth.RoleManager)

	empty := coursesCreate(t, ctx, m.C, "Empty")
	_, err := m.C.LMS.Courses.Publish(ctx, empty.Id, nil)
	e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "publish empty")
	if fs := coursesDeref(e.Problem.Errors); len(fs) != 1 || fs[0].Pointer == nil || *fs[0].Pointer != "/structure/sections" {
		t.Errorf("empty course errors = %+v", fs)
	}
	if _, err := m.C.LMS.Courses.CreateSection(ctx, empty.Id, nil, client.CourseSectionCreate{Title: "Nothing yet"}); err != nil {
		t.Fatal(err)
	}
	_, err = m.C.LMS.Courses.Publish(ctx, empty.Id, nil)
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "publish with an empty section")

	b := coursesBuild(t, ctx, m.C, "Publishable")
	q2, err := m.C.LMS.Courses.CreateElement(ctx, b.course.Id, nil, client.CourseElementCreate{SectionId: b.wrapUp, Kind: client.CourseElementKindQuiz, Title: "Empty quiz"})
	if err != nil {
		t.Fatal(err)
	}
	v := coursesVersion(t, db, b.course.Id)
	_, err = m.C.LMS.Courses.Publish(ctx, b.course.Id, nil)
	e = e2eSdkErr(t, err, http.StatusUnprocessableEntity, "publish with an empty quiz")
	if fs := coursesDeref(e.Problem.Errors); len(fs) != 1 || fs[0].Pointer == nil || *fs[0].Pointer != "/structure/sections/1/elements/1/questions" {
		t.Errorf("empty quiz errors = %+v", fs)
	}
	if got := coursesVersion(t, db, b.course.Id); got != v {
		t.Errorf("version after refused publish %d, want %d", got, v)
	}
	if _, err := m.C.LMS.Courses.CreateQuestion(ctx, b.course.Id, q2.Id, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindMultiple, Text: "Q",
		Options: client.QuizOptionsInput{{Text: "A", Correct: e2ePtr(true)}, {Text: "B"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = m.C.LMS.Courses.Publish(ctx, b.course.Id, &client.PublishCourseParams{IfMatch: e2eIfMatch(v)})
	e2eSdkErr(t, err, http.StatusPreconditionFailed, "publish with a stale If-Match")
	pub, err := m.C.LMS.Courses.Publish(ctx, b.course.Id, &client.PublishCourseParams{IfMatch: e2eIfMatch(v + 1)})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Status != client.CourseStatusPublished || pub.PublishedAt == nil || !e2eNear(*pub.PublishedAt, 60e9) || pub.Version != v+2 {
		t.Errorf("published = status %s publishedAt %v version %d", pub.Status, pub.PublishedAt, pub.Version)
	}
	a := coursesLastAudit(t, db, "acme", "course.publish", "course", b.course.Id, m.ID)
	if a.Before["status"] != "draft" || a.After["status"] != "published" || a.After["publishedAt"] == nil {
		t.Errorf("publish audit before %v after %v", a.Before, a.After)
	}
	_, err = m.C.LMS.Courses.Publish(ctx, b.course.Id, nil)
	e2eSdkErr(t, err, http.StatusConflict, "publish twice")

	un, err := m.C.LMS.Courses.Unpublish(ctx, b.course.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if un.Status != client.CourseStatusDraft || un.PublishedAt != nil {
		t.Errorf("unpublished = %s %v", un.Status, un.PublishedAt)
	}
	a = coursesLastAudit(t, db, "acme", "course.unpublish", "course", b.course.Id, m.ID)
	if a.Before["status"] != "published" || a.After["status"] != "draft" {
		t.Errorf("unpublish audit before %v after %v", a.Before, a.After)
	}
	_, err = m.C.LMS.Courses.Unpublish(ctx, b.course.Id, nil)
	e2eSdkErr(t, err, http.StatusConflict, "unpublish a draft")
	if _, err := m.C.LMS.Courses.Publish(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	ar, err := m.C.LMS.Courses.Unpublish(ctx, b.course.Id, &client.UnpublishCourseParams{Archive: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if ar.Status != client.CourseStatusArchived {
		t.Errorf("archived status = %s", ar.Status)
	}
	if again, err := m.C.LMS.Courses.Publish(ctx, b.course.Id, nil); err != nil || again.Status != client.CourseStatusPublished {
		t.Errorf("republish an archived course: %v %v", again, err)
	}
}
