package server_test

// Shared helpers of the AI authoring end-to-end tests (e2e_ai_*_test.go): callers on a
// tenant licensed for AI authoring, polling a generation job, reading a stored course's
// question sources, and a small deterministic Generator for the tests that exercise the
// API around the generator (quota, licence, refine, regenerate) rather than the generator.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// aiLicensed gives tenant the Business licence with AI authoring.
func aiLicensed(t *testing.T, env *servertest.Env, tenant string) {
	t.Helper()
	env.Licence(t, tenant, auth.TierBusiness, auth.MCPFull, true)
}

// aiPoll polls a generation job until it is completed or failed (or the test's deadline).
func aiPoll(t *testing.T, ctx context.Context, c *sdk.Client, jobID string, within time.Duration) *client.CourseGenerationJob {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		j, err := c.LMS.AI.GetCourseGeneration(ctx, jobID)
		if err != nil {
			t.Fatalf("poll %s: %v", jobID, err)
		}
		if j.Status == client.CourseGenerationStatusCompleted || j.Status == client.CourseGenerationStatusFailed {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after %s", jobID, j.Status, within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// aiGenerate queues a course and waits for it; it fails the test unless it completes.
func aiGenerate(t *testing.T, ctx context.Context, c *sdk.Client, body client.CourseGenerationRequest) *client.Course {
	t.Helper()
	course, _ := aiGenerateJob(t, ctx, c, body)
	return course
}

// aiGenerateJob is aiGenerate that also returns the completed job (its result's warnings).
func aiGenerateJob(t *testing.T, ctx context.Context, c *sdk.Client, body client.CourseGenerationRequest) (*client.Course, *client.CourseGenerationJob) {
	t.Helper()
	q, err := c.LMS.AI.GenerateCourse(ctx, nil, body)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	j := aiPoll(t, ctx, c, q.JobId, 45*time.Second)
	if j.Status != client.CourseGenerationStatusCompleted || j.Result == nil {
		t.Fatalf("job %s: status %s error %+v", q.JobId, j.Status, j.Error)
	}
	course, err := c.LMS.Courses.Get(ctx, j.Result.CourseId)
	if err != nil {
		t.Fatalf("get generated course: %v", err)
	}
	return course, j
}

// aiQuestionSources reads the source chunk of each question of a course (the API does not
// expose it): question id → chunk id (uuid.Nil when none).
func aiQuestionSources(t *testing.T, db *pgx.Conn, courseID string) map[string]uuid.UUID {
	t.Helper()
	cid, err := typeid.Parse(typeid.Course, courseID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(context.Background(), `SELECT id, source_chunk_id FROM quiz_questions WHERE course_id = $1`, cid)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uuid.UUID{}
	for rows.Next() {
		var id uuid.UUID
		var src *uuid.UUID
		if err := rows.Scan(&id, &src); err != nil {
			t.Fatal(err)
		}
		out[typeid.Format(typeid.Question, id)] = uuid.Nil
		if src != nil {
			out[typeid.Format(typeid.Question, id)] = *src
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// aiFinalQuiz is the last element of the last section (the final quiz of a generated course).
func aiFinalQuiz(c *client.Course) *client.CourseElement {
	s := c.Structure.Sections
	if len(s) == 0 || len(s[len(s)-1].Elements) == 0 {
		return nil
	}
	els := s[len(s)-1].Elements
	return &els[len(els)-1]
}

// aiFakeGen is a deterministic Generator for the tests of the API around the generator. It
// counts its calls; Course waits for release when it is set (a slow model).
type aiFakeGen struct {
	calls   atomic.Int64
	release chan struct{}
	// failFirst makes the first n Course calls fail (a model that is briefly down).
	failFirst atomic.Int64
}

var _ ai.Generator = (*aiFakeGen)(nil)

func aiFakeBrief(topic string) *ai.Brief {
	return &ai.Brief{Topic: topic, Title: topic, Description: "What " + strings.ToLower(topic) + " is about.",
		KeyPoints: []string{"The first point of " + topic, "The second point of " + topic}, TargetAudience: "Everyone"}
}

func aiFakeQuestion(topic string) ai.Question {
	return ai.Question{Kind: ai.QuestionSingle, Text: "Which is true of " + topic + "?", Options: []ai.Option{
		{Text: "The right answer about " + topic, Correct: true}, {Text: "A wrong answer"}, {Text: "Another wrong answer"}}}
}

func (g *aiFakeGen) Course(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	g.calls.Add(1)
	if g.failFirst.Add(-1) >= 0 {
		return ai.Course{}, errors.New("the model is overloaded")
	}
	if strings.Contains(req.Prompt, "INVALID") { // a course without a final quiz
		return ai.Course{Title: "Invalid", Sections: []ai.Section{{Title: "Only", Elements: []ai.Element{
			{Kind: ai.KindLesson, Title: "Lesson", Brief: aiFakeBrief("Only")}}}}}, nil
	}
	if g.release != nil {
		select {
		case <-g.release:
		case <-ctx.Done():
			return ai.Course{}, ctx.Err()
		}
	}
	n := req.Options.Modules
	if n == 0 {
		n = ai.DefaultModules
	}
	c := ai.Course{Title: "Course: " + req.Prompt, Annotation: "A course on " + req.Prompt + ".", Tags: []string{"fake"}}
	var quiz []ai.Question
	for i := range n {
		topic := fmt.Sprintf("Topic %d", i+1)
		c.Sections = append(c.Sections, ai.Section{Title: "Module " + topic, Elements: []ai.Element{
			{Kind: ai.KindLesson, Title: "Lesson on " + topic, Brief: aiFakeBrief(topic)}}})
		quiz = append(quiz, aiFakeQuestion(topic))
	}
	last := &c.Sections[n-1]
	last.Elements = append(last.Elements, ai.Element{Kind: ai.KindQuiz, Title: "Final quiz", Questions: quiz})
	return c, nil
}

func (g *aiFakeGen) Refine(_ context.Context, req ai.RefineRequest) ([]ai.Section, error) {
	g.calls.Add(1)
	topic := strings.TrimSuffix(req.Feedback, ".")
	return []ai.Section{{Title: "Added: " + topic, Elements: []ai.Element{
		{Kind: ai.KindLesson, Title: "Lesson: " + topic, Brief: aiFakeBrief(topic)},
		{Kind: ai.KindQuiz, Title: "Quiz: " + topic, Questions: []ai.Question{aiFakeQuestion(topic)}},
	}}}, nil
}

func (g *aiFakeGen) Question(_ context.Context, req ai.QuestionRequest) (ai.Question, error) {
	g.calls.Add(1)
	q := ai.Question{Kind: ai.QuestionSingle, Text: "Rewritten: " + req.Question.Text}
	for _, o := range req.Question.Options {
		q.Options = append(q.Options, ai.Option{Text: "Reworded: " + o.Text, Correct: o.Correct})
	}
	return q, nil
}

func (g *aiFakeGen) Brief(_ context.Context, req ai.BriefRequest) (ai.Brief, error) {
	g.calls.Add(1)
	b := req.Brief
	b.Description = "Rewritten (" + req.Feedback + "): " + b.Description
	b.KeyPoints = []string{"A clearer point about " + b.Topic}
	if b.TargetAudience == "" {
		b.TargetAudience = "Everyone"
	}
	if b.Description == "" {
		b.Description = "About " + b.Topic
	}
	return b, nil
}
