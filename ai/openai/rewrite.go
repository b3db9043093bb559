package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Additions to and rewrites of an existing course: Refine, Question, Brief. Each writes in
// the request's language, else in the course's.

// Refine returns new sections to append to a course.
func (c *Client) Refine(ctx context.Context, req ai.RefineRequest) ([]ai.Section, error) {
	var u strings.Builder
	u.WriteString("The course as it is now:\n")
	u.WriteString(courseOutline(req.Course, c.budget.prompt()/3))
	fmt.Fprintf(&u, "\nFeedback — what to add: %s\n\n", req.Feedback)
	u.WriteString("Return only the NEW sections to append at the end of the course, as {\"sections\": [...]}. " +
		"The course keeps everything it has: never repeat, modify or remove existing sections, lessons or questions, and give new sections new titles.\n")
	lang := languageRule(req.Language, langOfCourse)
	system := systemPrompt(schemaSections, lang, true, c.budget.replyChars())
	var chunks []ai.Chunk
	if req.Retrieve != nil {
		found, err := req.Retrieve(ctx, req.Feedback, 12)
		if err != nil {
			return nil, fmt.Errorf("openai generator: retrieve chunks: %w", err)
		}
		chunks = fit(found, c.budget.room(system, u.String()))
	}
	if len(chunks) == 0 {
		system = systemPrompt(schemaSections, lang, false, c.budget.replyChars())
	}
	writeChunks(&u, chunks)
	existing := map[string]bool{}
	for _, s := range req.Course.Sections {
		existing[strings.ToLower(strings.TrimSpace(s.Title))] = true
	}
	var out []ai.Section
	err := c.generate(ctx, schemaSections, system, u.String(), func(raw []byte) error {
		var w struct {
			Sections []wireSection `json:"sections"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var p problems
		secs := convertSections(&p, "/sections", w.Sections, chunks)
		for i, s := range secs {
			if existing[strings.ToLower(strings.TrimSpace(s.Title))] {
				p.add(fmt.Sprintf("/sections/%d/title", i), "the course already has a section titled %q; return only new sections", s.Title)
			}
		}
		if err := p.merge(ai.ValidateSections(secs)); err != nil {
			return err
		}
		out = secs
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("openai generator: refine: %w", err)
	}
	return out, nil
}

// courseOutline is a course as the model needs it to add to it: its title and, per
// section, its elements' kinds, titles and topics (no pages, no questions), within max
// bytes (topics, then elements are left out when it is longer).
func courseOutline(course ai.Course, max int) string {
	for detail := 2; ; detail-- {
		var b strings.Builder
		fmt.Fprintf(&b, "Title: %s\n", course.Title)
		for i, s := range course.Sections {
			fmt.Fprintf(&b, "%d. %s\n", i+1, s.Title)
			for _, e := range s.Elements {
				switch {
				case detail == 0:
				case detail == 2 && e.Brief != nil && e.Brief.Topic != "":
					fmt.Fprintf(&b, "   - %s %q (topic: %s)\n", e.Kind, e.Title, e.Brief.Topic)
				case e.Kind == ai.KindQuiz:
					fmt.Fprintf(&b, "   - %s %q (%d questions)\n", e.Kind, e.Title, len(e.Questions))
				default:
					fmt.Fprintf(&b, "   - %s %q\n", e.Kind, e.Title)
				}
			}
		}
		if b.Len() <= max {
			return b.String()
		}
		if detail == 0 {
			return cutBytes(b.String(), max) + "\n… (the rest of the outline is left out)\n"
		}
	}
}

// Question rewrites one single-choice question on the same concept.
func (c *Client) Question(ctx context.Context, req ai.QuestionRequest) (ai.Question, error) {
	if req.Question.Kind != ai.QuestionSingle {
		return ai.Question{}, fmt.Errorf("openai generator: %w", ai.ErrNotSingleChoice)
	}
	old, _ := json.Marshal(req.Question)
	feedback := req.Feedback
	if strings.TrimSpace(feedback) == "" {
		feedback = "Write a clearer version."
	}
	var u strings.Builder
	fmt.Fprintf(&u, "Course: %s\nQuiz: %s\nThe question (JSON): %s\nFeedback: %s\n\n", req.CourseTitle, req.LessonTitle, old, feedback)
	u.WriteString("Rewrite this single-choice question on the same concept: keep what the correct answer is about, reword the question, " +
		"refresh the wrong options, exactly one correct option, kind \"single\".\n")
	lang := languageRule(req.Language, langOfCourse)
	chunks := fit(req.Context, c.budget.room(systemPrompt(schemaQuestion, lang, true, 0), u.String()))
	writeChunks(&u, chunks)
	var out ai.Question
	err := c.generate(ctx, schemaQuestion, systemPrompt(schemaQuestion, lang, len(chunks) > 0, 0), u.String(), func(raw []byte) error {
		var w wireQuestion
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var p problems
		q := convertQuestion(&p, "", w, chunks)
		if q.Kind != ai.QuestionSingle {
			p.add("/kind", "must be \"single\": the question stays single-choice")
		}
		if strings.EqualFold(strings.TrimSpace(q.Text), strings.TrimSpace(req.Question.Text)) {
			p.add("/text", "is the old text unchanged; reword the question")
		}
		if err := p.merge(ai.ValidateQuestion(q)); err != nil {
			return err
		}
		if q.SourceChunkID == nil {
			q.SourceChunkID = req.Question.SourceChunkID
		}
		out = q
		return nil
	})
	if err != nil {
		return ai.Question{}, fmt.Errorf("openai generator: question: %w", err)
	}
	return out, nil
}

// Brief rewrites one lesson brief.
func (c *Client) Brief(ctx context.Context, req ai.BriefRequest) (ai.Brief, error) {
	old, _ := json.Marshal(req.Brief)
	feedback := req.Feedback
	if strings.TrimSpace(feedback) == "" {
		feedback = "A clarity pass: clearer wording, the same content."
	}
	var u strings.Builder
	fmt.Fprintf(&u, "Course: %s\nThe lesson brief (JSON): %s\nFeedback: %s\n\nRewrite the brief following the feedback.\n", req.CourseTitle, old, feedback)
	lang := languageRule(req.Language, langOfCourse)
	chunks := fit(req.Context, c.budget.room(systemPrompt(schemaBrief, lang, true, 0), u.String()))
	writeChunks(&u, chunks)
	var out ai.Brief
	err := c.generate(ctx, schemaBrief, systemPrompt(schemaBrief, lang, len(chunks) > 0, 0), u.String(), func(raw []byte) error {
		var b ai.Brief
		if err := json.Unmarshal(raw, &b); err != nil {
			return err
		}
		if err := ai.ValidateBrief(b); err != nil {
			return err
		}
		out = b
		return nil
	})
	if err != nil {
		return ai.Brief{}, fmt.Errorf("openai generator: brief: %w", err)
	}
	return out, nil
}
