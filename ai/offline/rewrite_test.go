package offline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai"
)

// testCourse generates the course the refine and rewrite tests start from.
func testCourse(t *testing.T) ai.Course {
	t.Helper()
	c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "Course on confined spaces for technicians", Options: ai.Options{Modules: 4}, Chunks: testChunks()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfflineRefine(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	course := testCourse(t)
	cases := []struct {
		name      string
		feedback  string
		retrieve  bool
		check     func(t *testing.T, secs []ai.Section)
		grounded  bool
		wantError bool
	}{
		{name: "section grounded in retrieved chunks", feedback: "Add a section on emergency rescue procedures with 2 lessons and a quiz", retrieve: true, grounded: true,
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || secs[0].Title != "Emergency rescue procedures" {
					t.Fatalf("sections %+v", secs)
				}
				kinds := elementKinds(secs[0])
				if !slices.Equal(kinds, []string{"lesson", "lesson", "quiz"}) {
					t.Errorf("elements %q, want 2 lessons and a quiz", kinds)
				}
				text := normalizedText(chunks)
				for _, e := range secs[0].Elements[:2] {
					for _, k := range e.Brief.KeyPoints {
						if !strings.Contains(text, k) {
							t.Errorf("key point %q not from the retrieved text", k)
						}
					}
				}
			}},
		{name: "seed example with a position", feedback: "For course 248, add a section on confined-space rescue procedures after the current safety lesson — 2 lessons + a quiz.", retrieve: true, grounded: true,
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || secs[0].Title != "Confined-space rescue procedures" {
					t.Fatalf("sections %+v", secs)
				}
				if kinds := elementKinds(secs[0]); !slices.Equal(kinds, []string{"lesson", "lesson", "quiz"}) {
					t.Errorf("elements %q", kinds)
				}
			}},
		{name: "section without retrieval", feedback: "Add a section on emergency procedures",
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || secs[0].Title != "Emergency procedures" {
					t.Fatalf("sections %+v", secs)
				}
				if kinds := elementKinds(secs[0]); !slices.Equal(kinds, []string{"lesson", "lesson"}) {
					t.Errorf("elements %q, want two lessons", kinds)
				}
				if b := secs[0].Elements[0].Brief; b.TargetAudience != "technicians" || len(b.KeyPoints) < 3 {
					t.Errorf("brief %+v: want the course's audience and key points", b)
				}
			}},
		{name: "practice quizzes", feedback: "Add two more practice quizzes after lesson 3", retrieve: true, grounded: true,
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || secs[0].Title != "Practice" {
					t.Fatalf("sections %+v", secs)
				}
				if kinds := elementKinds(secs[0]); !slices.Equal(kinds, []string{"quiz", "quiz"}) {
					t.Errorf("elements %q, want two quizzes", kinds)
				}
			}},
		{name: "practice without retrieval", feedback: "Add more practice",
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || len(questionsOf(secs)) == 0 {
					t.Fatalf("sections %+v", secs)
				}
			}},
		{name: "survey", feedback: "Add a final survey for course feedback",
			check: func(t *testing.T, secs []ai.Section) {
				if len(secs) != 1 || secs[0].Title != "Course feedback" || !slices.Equal(elementKinds(secs[0]), []string{"survey"}) {
					t.Fatalf("sections %+v", secs)
				}
			}},
		{name: "empty feedback", feedback: "  ", wantError: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := ai.RefineRequest{Course: course, Feedback: tc.feedback}
			if tc.retrieve {
				req.Retrieve = (&fakeRetriever{chunks: chunks}).retrieve
			}
			secs, err := New().Refine(context.Background(), req)
			if tc.wantError {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := ai.ValidateSections(secs); err != nil {
				t.Fatal(err)
			}
			tc.check(t, secs)
			// Nothing repeats the course.
			existing := existingTexts(course)
			for _, s := range secs {
				if existing[strings.ToLower(s.Title)] {
					t.Errorf("section %q exists already", s.Title)
				}
			}
			for _, q := range questionsOf(secs) {
				if existing[strings.ToLower(q.Text)] {
					t.Errorf("question %q exists already", q.Text)
				}
			}
			if tc.grounded {
				qs := questionsOf(secs)
				if len(qs) == 0 {
					t.Fatal("no questions")
				}
				var cited []ai.Question
				for _, q := range qs {
					if q.SourceChunkID != nil {
						cited = append(cited, q)
					}
				}
				if len(cited) == 0 {
					t.Error("no question grounded in the retrieved chunks")
				}
				if share := checkGrounded(t, cited, chunks); share != 1 {
					t.Errorf("groundedness %.2f", share)
				}
			}
		})
	}
}

func elementKinds(s ai.Section) []string {
	var out []string
	for _, e := range s.Elements {
		out = append(out, e.Kind)
	}
	return out
}

func TestOfflineQuestion(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	course := testCourse(t)
	qs := questionsOf(course.Sections)
	// A numeric question and a term question from the generated quiz.
	var numeric, term *ai.Question
	for i := range qs {
		ans := correctOf(qs[i])
		switch {
		case numeric == nil && strings.HasSuffix(ans, "percent"):
			numeric = &qs[i]
		case term == nil && !strings.ContainsAny(ans, "0123456789"):
			term = &qs[i]
		}
	}
	if numeric == nil || term == nil {
		t.Fatalf("the quiz lacks a percent or a term question: %+v", qs)
	}
	contextOf := func(q *ai.Question) []ai.Chunk {
		for _, c := range chunks {
			if c.ID == *q.SourceChunkID {
				return []ai.Chunk{c}
			}
		}
		return nil
	}
	cases := []struct {
		name        string
		q           *ai.Question
		feedback    string
		context     []ai.Chunk
		wantOptions int // 0: as many as before
	}{
		{name: "clearer", q: term, feedback: ""},
		{name: "reword", q: numeric, feedback: "Reword for clarity"},
		{name: "harder with context", q: term, feedback: "Make it harder", context: chunks, wantOptions: 5},
		{name: "obvious distractors", q: term, feedback: "The distractors are too obvious", context: contextOf(term), wantOptions: 5},
		// The text has only four percentages: harder adds a fifth of the same unit.
		{name: "harder, all numbers used", q: numeric, feedback: "Make it harder", context: chunks, wantOptions: 5},
		{name: "easier", q: numeric, feedback: "Make it easier", context: chunks, wantOptions: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			old := *tc.q
			got, err := New().Question(context.Background(), ai.QuestionRequest{CourseTitle: course.Title, LessonTitle: "Final quiz", Question: old, Feedback: tc.feedback, Context: tc.context})
			if err != nil {
				t.Fatal(err)
			}
			if err := ai.ValidateQuestion(got); err != nil || got.Kind != ai.QuestionSingle {
				t.Fatalf("invalid rewrite %+v: %v", got, err)
			}
			statements := got.Text == label("en", lWhichStatement)
			switch {
			case statements && !strings.Contains(correctOf(got), correctOf(old)):
				t.Errorf("correct statement %q does not state the concept %q", correctOf(got), correctOf(old))
			case !statements && correctOf(got) != correctOf(old):
				t.Errorf("correct answer %q, want the same concept %q", correctOf(got), correctOf(old))
			}
			// With the whole text as context, "harder" asks for whole statements that differ in
			// the term only; without "harder" the question stays a completion.
			if harder := tc.feedback == "Make it harder" || tc.feedback == "The distractors are too obvious"; tc.q == term && (harder && tc.name == "harder with context" && !statements || !harder && statements) {
				t.Errorf("harder: %v, but the rewrite asks %q", statements, got.Text)
			}
			if got.Text == old.Text {
				t.Errorf("text not reworded: %q", got.Text)
			}
			if !strings.Contains(got.Text, "_____") && !statements {
				t.Errorf("the statement is lost: %q", got.Text)
			}
			want := tc.wantOptions
			if want == 0 {
				want = len(old.Options)
			}
			if len(got.Options) != want {
				t.Errorf("%d options, want %d", len(got.Options), want)
			}
			if got.SourceChunkID == nil || *got.SourceChunkID != *old.SourceChunkID {
				t.Errorf("source chunk %v, want %v kept", got.SourceChunkID, old.SourceChunkID)
			}
			if share := checkGrounded(t, []ai.Question{got}, chunks); share != 1 {
				t.Error("the rewrite is not grounded")
			}
			if tc.q == term && tc.context != nil {
				fresh := 0
				for _, o := range got.Options {
					if !slices.ContainsFunc(old.Options, func(x ai.Option) bool { return x.Text == o.Text }) {
						fresh++
					}
				}
				if fresh == 0 {
					t.Error("no distractor refreshed")
				}
			}
		})
	}
	t.Run("multiple choice refused", func(t *testing.T) {
		t.Parallel()
		q := ai.Question{Kind: ai.QuestionMultiple, Text: "Pick", Options: []ai.Option{{Text: "a", Correct: true}, {Text: "b", Correct: true}}}
		if _, err := New().Question(context.Background(), ai.QuestionRequest{Question: q}); !errors.Is(err, ai.ErrNotSingleChoice) {
			t.Errorf("error %v, want ErrNotSingleChoice", err)
		}
	})
	t.Run("any question without context", func(t *testing.T) {
		t.Parallel()
		q := ai.Question{Kind: ai.QuestionSingle, Text: "What colour is the sky on a clear day?", Options: []ai.Option{{Text: "Blue", Correct: true}, {Text: "Green"}, {Text: "Red"}}}
		got, err := New().Question(context.Background(), ai.QuestionRequest{Question: q})
		if err != nil {
			t.Fatal(err)
		}
		if got.Text == q.Text || !strings.Contains(got.Text, "What colour is the sky") || correctOf(got) != "Blue" || len(got.Options) != 3 {
			t.Errorf("rewrite %+v", got)
		}
	})
}

func correctOf(q ai.Question) string {
	for _, o := range q.Options {
		if o.Correct {
			return o.Text
		}
	}
	return ""
}

func TestOfflineBrief(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	base := ai.Brief{Topic: "Atmospheric testing", Title: "Testing the air", Description: "How learners test the air before entry.",
		KeyPoints:      []string{"Test for oxygen first.", "Then test for flammable gases.", "Then test for toxic gases.", "Record every reading.", "Retest after breaks."},
		TargetAudience: "learners"}
	cases := []struct {
		name     string
		brief    ai.Brief
		feedback string
		context  []ai.Chunk
		check    func(t *testing.T, b ai.Brief)
	}{
		{name: "reduce key points", brief: base, feedback: "Reduce to 3 key points", check: func(t *testing.T, b ai.Brief) {
			if !slices.Equal(b.KeyPoints, base.KeyPoints[:3]) {
				t.Errorf("key points %q", b.KeyPoints)
			}
		}},
		{name: "target audience", brief: base, feedback: "Target supervisors, not learners", check: func(t *testing.T, b ai.Brief) {
			if b.TargetAudience != "Supervisors" || !strings.Contains(b.Description, "supervisors") || strings.Contains(b.Description, "learners") {
				t.Errorf("brief %+v", b)
			}
			// Written for supervisors: the lead says what they check and enforce, and the
			// duty ("Record every reading.") comes first.
			if !strings.HasPrefix(b.Description, "For supervisors: what to check, enforce and record") || b.KeyPoints[0] != "Record every reading." {
				t.Errorf("brief not written for supervisors: %+v", b)
			}
		}},
		{name: "supervisors with the source", brief: base, feedback: "Rewrite for site supervisors", context: chunks, check: func(t *testing.T, b ai.Brief) {
			if !strings.HasPrefix(b.Description, "For site supervisors:") || !audienceSentence("lead", b.KeyPoints[0]) || !strings.Contains(normalizedText(chunks), b.KeyPoints[0]) {
				t.Errorf("brief not written for supervisors from the source: %+v", b)
			}
		}},
		{name: "add a section", brief: base, feedback: "Add a section on the LEL", context: chunks[2:4], check: func(t *testing.T, b ai.Brief) {
			if len(b.KeyPoints) != 6 || !strings.Contains(b.KeyPoints[5], "LEL") {
				t.Errorf("key points %q", b.KeyPoints)
			}
			if !strings.Contains(normalizedText(chunks), b.KeyPoints[5]) {
				t.Errorf("added key point %q is not from the context", b.KeyPoints[5])
			}
		}},
		{name: "add without context", brief: base, feedback: "Add a section on the regulatory context", check: func(t *testing.T, b ai.Brief) {
			if len(b.KeyPoints) != 6 || b.KeyPoints[5] != "Regulatory context" {
				t.Errorf("key points %q", b.KeyPoints)
			}
		}},
		{name: "practical", brief: base, feedback: "Lesson 312's brief is too theoretical — make it practical with concrete examples.", context: chunks[2:4], check: func(t *testing.T, b ai.Brief) {
			if len(b.KeyPoints) <= len(base.KeyPoints) || !strings.Contains(b.Description, "practical") {
				t.Fatalf("brief %+v", b)
			}
			added := b.KeyPoints[len(base.KeyPoints):]
			for _, k := range added {
				if !strings.ContainsAny(k, "0123456789") {
					t.Errorf("example %q has no concrete figure", k)
				}
			}
		}},
		{name: "more key points from context", brief: ai.Brief{Topic: "Ventilation", Title: "Ventilation", Description: "Air.", KeyPoints: []string{"Fresh air."}, TargetAudience: "Entrants"},
			feedback: "Use 4 key points", context: chunks[4:6], check: func(t *testing.T, b ai.Brief) {
				if len(b.KeyPoints) != 4 {
					t.Errorf("key points %q", b.KeyPoints)
				}
			}},
		{name: "clarity pass", brief: ai.Brief{Topic: " ventilation ", Title: "", Description: "fresh  air   in", KeyPoints: []string{"blowers", "blowers", " ", "ducts"}, TargetAudience: ""},
			check: func(t *testing.T, b ai.Brief) {
				want := ai.Brief{Topic: "Ventilation", Title: "Ventilation", Description: "Fresh air in.", KeyPoints: []string{"Blowers", "Ducts"}, TargetAudience: "All learners"}
				if b.Topic != want.Topic || b.Title != want.Title || b.Description != want.Description || !slices.Equal(b.KeyPoints, want.KeyPoints) || b.TargetAudience != want.TargetAudience {
					t.Errorf("brief %+v, want %+v", b, want)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := New().Brief(context.Background(), ai.BriefRequest{CourseTitle: "Confined spaces", Brief: tc.brief, Feedback: tc.feedback, Context: tc.context})
			if err != nil {
				t.Fatal(err)
			}
			if err := ai.ValidateBrief(b); err != nil {
				t.Fatal(err)
			}
			tc.check(t, b)
		})
	}
}
