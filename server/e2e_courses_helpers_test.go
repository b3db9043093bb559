package server_test

// Helpers of the course and course chain end-to-end tests (e2e_courses_*_test.go):
// callers with SDK clients, a course built with structure, and reads of the audit log and
// of stored rows.

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// coursesCaller is a user row of a tenant with an SDK client acting as it.
type coursesCaller struct {
	servertest.User
	C *sdk.Client
}

func coursesUser(t *testing.T, env *servertest.Env, tenant string, role auth.Role, scopes ...string) coursesCaller {
	t.Helper()
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: role, Scopes: scopes})
	c, err := sdk.New(env.URL, sdk.WithToken(u.Token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return coursesCaller{User: u, C: c}
}

func coursesUUID(t *testing.T, prefix, id string) uuid.UUID {
	t.Helper()
	u, err := typeid.Parse(prefix, id)
	if err != nil {
		t.Fatalf("parse %s: %v", id, err)
	}
	return u
}

// coursesCreate creates a course with default settings.
func coursesCreate(t *testing.T, ctx context.Context, c *sdk.Client, name string) *client.Course {
	t.Helper()
	out, err := c.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: name})
	if err != nil {
		t.Fatalf("create course %q: %v", name, err)
	}
	return out
}

// coursesBuilt names the parts coursesBuild made.
type coursesBuilt struct {
	course               *client.Course
	basics, wrapUp       string // sections
	lesson, quiz, survey string // elements, in course order
	question             string
}

// coursesBuild makes a course with two sections: Basics (a lesson with a brief and a
// page, then a quiz with one single-choice question) and Wrap-up (a survey); appending
// links the three elements in order.
func coursesBuild(t *testing.T, ctx context.Context, c *sdk.Client, name string) coursesBuilt {
	t.Helper()
	b := coursesBuilt{course: coursesCreate(t, ctx, c, name)}
	id := b.course.Id
	s1, err := c.LMS.Courses.CreateSection(ctx, id, nil, client.CourseSectionCreate{Title: "Basics"})
	if err != nil {
		t.Fatalf("section: %v", err)
	}
	s2, err := c.LMS.Courses.CreateSection(ctx, id, nil, client.CourseSectionCreate{Title: "Wrap-up"})
	if err != nil {
		t.Fatalf("section: %v", err)
	}
	b.basics, b.wrapUp = s1.Id, s2.Id
	l, err := c.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: s1.Id, Kind: client.CourseElementKindLesson, Title: "Inspection",
		Brief: &client.LessonBrief{Topic: e2ePtr("Forklifts"), Title: e2ePtr("Inspection"), Description: e2ePtr("What to check"),
			KeyPoints: &[]string{"Forks", "Brakes"}, TargetAudience: e2ePtr("Operators")},
		Pages: &client.LessonPages{{Title: "Checklist", Body: "Check the forks."}}})
	if err != nil {
		t.Fatalf("lesson: %v", err)
	}
	q, err := c.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: s1.Id, Kind: client.CourseElementKindQuiz, Title: "Quiz"})
	if err != nil {
		t.Fatalf("quiz: %v", err)
	}
	sv, err := c.LMS.Courses.CreateElement(ctx, id, nil, client.CourseElementCreate{SectionId: s2.Id, Kind: client.CourseElementKindSurvey, Title: "Feedback", Required: e2ePtr(false)})
	if err != nil {
		t.Fatalf("survey: %v", err)
	}
	qq, err := c.LMS.Courses.CreateQuestion(ctx, id, q.Id, nil, client.QuizQuestionCreate{Kind: client.QuizQuestionKindSingle, Text: "When do you inspect?",
		Options: client.QuizOptionsInput{{Text: "Every shift", Correct: e2ePtr(true)}, {Text: "Monthly"}}})
	if err != nil {
		t.Fatalf("question: %v", err)
	}
	b.lesson, b.quiz, b.survey, b.question = l.Id, q.Id, sv.Id, qq.Id
	return b
}

// coursesAuditRow is one audit log entry.
type coursesAuditRow struct {
	Action, TargetType, TargetID string
	ActorID                      *uuid.UUID
	Before, After                map[string]any
}

// coursesAudit returns the audit entries of tenant with action and target, oldest first.
func coursesAudit(t *testing.T, db *pgx.Conn, tenant, action, target string) []coursesAuditRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action, target_type, coalesce(target_id, ''), actor_id, before, after FROM audit_log
WHERE tenant_id = $1 AND action = $2 AND target_id = $3 ORDER BY created_at, id`, tenant, action, target)
	if err != nil {
		t.Fatalf("read audit: %v", err)
	}
	defer rows.Close()
	var out []coursesAuditRow
	for rows.Next() {
		var r coursesAuditRow
		var before, after []byte
		if err := rows.Scan(&r.Action, &r.TargetType, &r.TargetID, &r.ActorID, &before, &after); err != nil {
			t.Fatalf("scan audit: %v", err)
		}
		if before != nil {
			if err := json.Unmarshal(before, &r.Before); err != nil {
				t.Fatalf("audit before: %v", err)
			}
		}
		if after != nil {
			if err := json.Unmarshal(after, &r.After); err != nil {
				t.Fatalf("audit after: %v", err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read audit: %v", err)
	}
	return out
}

// coursesLastAudit is the latest audit entry of action on target, which must exist, made
// by actor (a per_… id) with the target type given.
func coursesLastAudit(t *testing.T, db *pgx.Conn, tenant, action, targetType, target, actor string) coursesAuditRow {
	t.Helper()
	rows := coursesAudit(t, db, tenant, action, target)
	if len(rows) == 0 {
		t.Fatalf("no audit entry %s on %s", action, target)
	}
	r := rows[len(rows)-1]
	if r.TargetType != targetType {
		t.Errorf("audit %s: target type %q, want %q", action, r.TargetType, targetType)
	}
	if want := coursesUUID(t, typeid.Person, actor); r.ActorID == nil || *r.ActorID != want {
		t.Errorf("audit %s: actor %v, want %s", action, r.ActorID, want)
	}
	return r
}

// coursesVersion is a course's stored version, whatever its tenant.
func coursesVersion(t *testing.T, db *pgx.Conn, id string) int {
	t.Helper()
	var v int
	if err := db.QueryRow(context.Background(), `SELECT version FROM courses WHERE id = $1`, coursesUUID(t, typeid.Course, id)).Scan(&v); err != nil {
		t.Fatalf("course version: %v", err)
	}
	return v
}

// coursesElementIDs lists a course's element ids in course order.
func coursesElementIDs(c *client.Course) []string {
	var out []string
	for _, s := range c.Structure.Sections {
		for _, e := range s.Elements {
			out = append(out, e.Id)
		}
	}
	return out
}

// coursesEdges renders transitions as "from>to" over names given by ids.
func coursesEdges(trs []client.CourseTransition, names map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, tr := range trs {
		out[names[tr.FromElementId]+">"+names[tr.ToElementId]] = true
	}
	return out
}
