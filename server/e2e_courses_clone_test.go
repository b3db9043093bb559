package server_test

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2ECoursesClone: a clone is a draft owned by the caller (another manager here) with
// the whole structure under new ids and transitions remapped; the source is unchanged;
// any visible course can be cloned, other tenants' are 404, learners 403.
func TestE2ECoursesClone(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	ctx := e2eCtx(t)
	owner := coursesUser(t, env, "acme", auth.RoleManager)
	other := coursesUser(t, env, "acme", auth.RoleManager)
	learner := coursesUser(t, env, "acme", auth.RoleLearner)
	stranger := coursesUser(t, env, "globex", auth.RoleOwner)

	b := coursesBuild(t, ctx, owner.C, "Forklift Safety")
	if _, err := owner.C.LMS.Courses.Update(ctx, b.course.Id, nil, client.CoursePatch{Annotation: nullable.NewNullableWithValue("Forks"), Tags: &client.CourseTags{"safety"},
		Settings: &client.CourseSettingsInput{Points: e2ePtr(30), CertificateOnCompletion: e2ePtr(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.C.LMS.Courses.Publish(ctx, b.course.Id, nil); err != nil {
		t.Fatal(err)
	}
	src, err := owner.C.LMS.Courses.Get(ctx, b.course.Id)
	if err != nil {
		t.Fatal(err)
	}

	cp, err := other.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: b.course.Id})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Id == src.Id || cp.Name != "Forklift Safety (copy)" || cp.Status != client.CourseStatusDraft || cp.PublishedAt != nil ||
		cp.OwnerId != other.ID || cp.Version != 1 || len(cp.Shares) != 0 {
		t.Errorf("clone = id %s name %q status %s owner %s version %d", cp.Id, cp.Name, cp.Status, cp.OwnerId, cp.Version)
	}
	if cp.Annotation == nil || *cp.Annotation != "Forks" || !reflect.DeepEqual(cp.Tags, src.Tags) || !reflect.DeepEqual(cp.Settings, src.Settings) {
		t.Errorf("clone content: annotation %v tags %v settings %+v", cp.Annotation, cp.Tags, cp.Settings)
	}
	// Same structure once ids are replaced by their positions.
	shape := func(c *client.Course) string {
		ids := map[string]string{}
		var sb strings.Builder
		for si, s := range c.Structure.Sections {
			ids[s.Id] = "S" + strconv.Itoa(si)
			sb.WriteString("S:" + s.Title + "|")
			for ei, e := range s.Elements {
				ids[e.Id] = "E" + strconv.Itoa(si) + "." + strconv.Itoa(ei)
				sb.WriteString("E:" + string(e.Kind) + ":" + e.Title + ":" + e2eJSON(e.Brief) + e2eJSON(e.Pages) + e2eJSON(e.Required) + "|")
				for _, q := range e.Questions {
					sb.WriteString("Q:" + q.Text + e2eJSON(q.Options) + e2eJSON(q.Weight) + "|")
				}
			}
		}
		for _, tr := range c.Structure.Transitions {
			sb.WriteString("T:" + ids[tr.FromElementId] + ">" + ids[tr.ToElementId] + "|")
		}
		return sb.String()
	}
	if got, want := shape(cp), shape(src); got != want || !strings.Contains(want, "T:E0.0>E0.1") {
		t.Errorf("clone structure\n got %s\nwant %s", got, want)
	}
	srcIDs := map[string]bool{}
	for _, id := range coursesElementIDs(src) {
		srcIDs[id] = true
	}
	for _, id := range coursesElementIDs(cp) {
		if srcIDs[id] {
			t.Errorf("clone reuses element id %s", id)
		}
	}
	if len(cp.Structure.Sections) != 2 || cp.Structure.Sections[0].Id == src.Structure.Sections[0].Id ||
		cp.Structure.Sections[0].Elements[1].Questions[0].Id == src.Structure.Sections[0].Elements[1].Questions[0].Id {
		t.Errorf("clone sections or questions keep their ids")
	}
	for _, tr := range cp.Structure.Transitions {
		if srcIDs[tr.FromElementId] || srcIDs[tr.ToElementId] {
			t.Errorf("clone transition %+v points into the source", tr)
		}
	}
	a := coursesLastAudit(t, db, "acme", "course.clone", "course", cp.Id, other.ID)
	if a.Before != nil || a.After["clonedFrom"] != src.Id || a.After["ownerId"] != other.ID || a.After["elements"] != 3.0 {
		t.Errorf("clone audit %+v", a)
	}
	// The copy is the caller's: they may edit it.
	if _, err := other.C.LMS.Courses.Update(ctx, cp.Id, nil, client.CoursePatch{Name: e2ePtr("Phoenix forklift safety")}); err != nil {
		t.Errorf("owner of the copy edits it: %v", err)
	}
	// The source is unchanged.
	if after, err := owner.C.LMS.Courses.Get(ctx, src.Id); err != nil || after.Version != src.Version || after.Status != client.CourseStatusPublished {
		t.Errorf("source after clone: %v %v", after, err)
	}
	named, err := owner.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: src.Id, Name: e2ePtr("Phoenix")})
	if err != nil || named.Name != "Phoenix" {
		t.Errorf("clone with a name: %v %v", named, err)
	}
	long := strings.Repeat("n", 200)
	lc, err := owner.C.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: long})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := owner.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: lc.Id}); err != nil || len([]rune(c.Name)) != 200 || !strings.HasSuffix(c.Name, " (copy)") {
		t.Errorf("clone of a 200-character name: %v %v", c, err)
	}

	_, err = stranger.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: src.Id})
	e2eSdkErr(t, err, http.StatusNotFound, "clone another tenant's course")
	_, err = learner.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: src.Id})
	e2eSdkErr(t, err, http.StatusForbidden, "learner clone")
	ro := coursesUser(t, env, "acme", auth.RoleManager, "read")
	_, err = ro.C.LMS.Courses.Clone(ctx, nil, client.CourseClone{CourseId: src.Id})
	e2eSdkErr(t, err, http.StatusForbidden, "read-scope clone")
}
