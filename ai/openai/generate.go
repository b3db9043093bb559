package openai

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Wire shapes of the replies (see schema.go).

type wireQuestion struct {
	Kind        string      `json:"kind"`
	Text        string      `json:"text"`
	Options     []ai.Option `json:"options"`
	SourceChunk int         `json:"sourceChunk"`
}

type wireElement struct {
	Kind      string         `json:"kind"`
	Title     string         `json:"title"`
	Brief     *ai.Brief      `json:"brief"`
	Questions []wireQuestion `json:"questions"`
}

type wireSection struct {
	Title    string        `json:"title"`
	Elements []wireElement `json:"elements"`
}

type wireCourse struct {
	Title      string        `json:"title"`
	Annotation string        `json:"annotation"`
	Tags       []string      `json:"tags"`
	Sections   []wireSection `json:"sections"`
}

// Course generates a whole course.
func (c *Client) Course(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	modules := req.Options.Modules
	if modules <= 0 {
		modules = ai.DefaultModules
	}
	chunks, err := c.chooseChunks(ctx, req.Chunks, req.Retrieve, req.Prompt)
	if err != nil {
		return ai.Course{}, err
	}
	var u strings.Builder
	fmt.Fprintf(&u, "Course request: %s\n", req.Prompt)
	fmt.Fprintf(&u, "Modules: %d content sections, then one final section holding the final quiz.\n", modules)
	if req.Options.Title != "" {
		fmt.Fprintf(&u, "Title: use exactly %q.\n", req.Options.Title)
	}
	writeChunks(&u, chunks)
	var out ai.Course
	err = c.generate(ctx, schemaCourse, systemPrompt(schemaCourse, req.Options.Language, len(chunks) > 0), u.String(), func(raw []byte) error {
		var w wireCourse
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var p problems
		secs := convertSections(&p, "/sections", w.Sections, chunks)
		course := ai.Course{Title: w.Title, Annotation: w.Annotation, Tags: w.Tags, Sections: secs}
		if req.Options.Title != "" {
			course.Title = req.Options.Title
		}
		if err := p.merge(ai.ValidateCourse(course)); err != nil {
			return err
		}
		out = course
		return nil
	})
	if err != nil {
		return ai.Course{}, fmt.Errorf("openai generator: course: %w", err)
	}
	return out, nil
}

// Refine returns new sections to append to a course.
func (c *Client) Refine(ctx context.Context, req ai.RefineRequest) ([]ai.Section, error) {
	var chunks []ai.Chunk
	if req.Retrieve != nil {
		found, err := req.Retrieve(ctx, req.Feedback, 8)
		if err != nil {
			return nil, fmt.Errorf("openai generator: retrieve chunks: %w", err)
		}
		chunks = c.fit(found)
	}
	outline, _ := json.Marshal(withoutPages(req.Course))
	var u strings.Builder
	fmt.Fprintf(&u, "The course as it is now (JSON):\n%s\n\n", outline)
	fmt.Fprintf(&u, "Feedback — what to add: %s\n\n", req.Feedback)
	u.WriteString("Return only the NEW sections to append at the end of the course, as {\"sections\": [...]}. " +
		"The course keeps everything it has: never repeat, modify or remove existing sections, lessons or questions, and give new sections new titles.\n")
	writeChunks(&u, chunks)
	existing := map[string]bool{}
	for _, s := range req.Course.Sections {
		existing[strings.ToLower(strings.TrimSpace(s.Title))] = true
	}
	var out []ai.Section
	err := c.generate(ctx, schemaSections, systemPrompt(schemaSections, "", len(chunks) > 0), u.String(), func(raw []byte) error {
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

// Question rewrites one single-choice question on the same concept.
func (c *Client) Question(ctx context.Context, req ai.QuestionRequest) (ai.Question, error) {
	if req.Question.Kind != ai.QuestionSingle {
		return ai.Question{}, fmt.Errorf("openai generator: %w", ai.ErrNotSingleChoice)
	}
	chunks := c.fit(req.Context)
	old, _ := json.Marshal(req.Question)
	feedback := req.Feedback
	if strings.TrimSpace(feedback) == "" {
		feedback = "Write a clearer version."
	}
	var u strings.Builder
	fmt.Fprintf(&u, "Course: %s\nQuiz: %s\nThe question (JSON): %s\nFeedback: %s\n\n", req.CourseTitle, req.LessonTitle, old, feedback)
	u.WriteString("Rewrite this single-choice question on the same concept: keep what the correct answer is about, reword the question, " +
		"refresh the wrong options, exactly one correct option, kind \"single\".\n")
	writeChunks(&u, chunks)
	var out ai.Question
	err := c.generate(ctx, schemaQuestion, systemPrompt(schemaQuestion, "", len(chunks) > 0), u.String(), func(raw []byte) error {
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
	chunks := c.fit(req.Context)
	old, _ := json.Marshal(req.Brief)
	feedback := req.Feedback
	if strings.TrimSpace(feedback) == "" {
		feedback = "A clarity pass: clearer wording, the same content."
	}
	var u strings.Builder
	fmt.Fprintf(&u, "Course: %s\nThe lesson brief (JSON): %s\nFeedback: %s\n\nRewrite the brief following the feedback.\n", req.CourseTitle, old, feedback)
	writeChunks(&u, chunks)
	var out ai.Brief
	err := c.generate(ctx, schemaBrief, systemPrompt(schemaBrief, "", len(chunks) > 0), u.String(), func(raw []byte) error {
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

// systemPrompt is the rules and the schema for one kind of reply.
func systemPrompt(k schemaKind, lang string, grounded bool) string {
	var b strings.Builder
	b.WriteString("You are learnd's course-authoring assistant. You write e-learning content as JSON.\n")
	b.WriteString("Reply with one JSON object only — no prose, no Markdown fences — matching this JSON Schema:\n")
	b.WriteString(schemaText(k))
	b.WriteString("\n\nRules:\n")
	if lang != "" {
		fmt.Fprintf(&b, "- Write in the language with ISO 639-1 code %q.\n", lang)
	} else {
		b.WriteString("- Write in the language of the request (or of the source chunks).\n")
	}
	b.WriteString("- A lesson has a brief (topic, title, description, 3–6 keyPoints, targetAudience) and no questions; a quiz has questions and brief null; a survey has neither.\n")
	b.WriteString("- Questions are single-choice (kind \"single\") with 3–5 distinct options and exactly one correct option; wrong options are plausible.\n")
	if k == schemaCourse {
		b.WriteString("- Each content section holds one to three lessons; the last section holds the final quiz (about 10 questions covering the whole course).\n")
	}
	if grounded {
		b.WriteString("- The numbered source chunks are the primary source: ground the lessons and questions in them. " +
			"Take each question's correct option verbatim from one chunk and set sourceChunk to that chunk's number.\n")
	} else {
		b.WriteString("- There are no source chunks: set sourceChunk to 0.\n")
	}
	return b.String()
}

// writeChunks appends the numbered chunks to a user message.
func writeChunks(b *strings.Builder, chunks []ai.Chunk) {
	if len(chunks) == 0 {
		return
	}
	b.WriteString("\nSource chunks (cite by number in sourceChunk):\n")
	for i, ch := range chunks {
		fmt.Fprintf(b, "\n[%d] id=%s", i+1, ch.ID)
		if ch.Source != "" {
			fmt.Fprintf(b, " source=%q", ch.Source)
		}
		if ch.Heading != "" {
			fmt.Fprintf(b, " heading=%q", ch.Heading)
		}
		b.WriteString("\n")
		b.WriteString(strings.TrimSpace(ch.Text))
		b.WriteString("\n")
	}
}

// chooseChunks picks the chunks that fit the prompt budget: all of them when they fit;
// else the ones the retriever ranks highest for the prompt, else evenly spaced ones; in
// document order.
func (c *Client) chooseChunks(ctx context.Context, chunks []ai.Chunk, retrieve ai.Retriever, prompt string) ([]ai.Chunk, error) {
	chunks = slices.Clone(chunks)
	slices.SortStableFunc(chunks, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	total := 0
	for _, ch := range chunks {
		total += len(ch.Text)
	}
	if total <= c.cfg.MaxContextChars {
		if len(chunks) == 0 && retrieve != nil {
			found, err := retrieve(ctx, prompt, 12)
			if err != nil {
				return nil, fmt.Errorf("openai generator: retrieve chunks: %w", err)
			}
			return c.fit(found), nil
		}
		return chunks, nil
	}
	var picked []ai.Chunk
	if retrieve != nil {
		found, err := retrieve(ctx, prompt, len(chunks))
		if err != nil {
			return nil, fmt.Errorf("openai generator: retrieve chunks: %w", err)
		}
		picked = c.fit(found)
	} else {
		avg := max(total/len(chunks), 1)
		n := max(c.cfg.MaxContextChars/avg, 1)
		step := float64(len(chunks)) / float64(n)
		for i := 0; i < n; i++ {
			picked = append(picked, chunks[int(float64(i)*step)])
		}
		picked = c.fit(picked)
	}
	slices.SortStableFunc(picked, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	return picked, nil
}

// fit keeps the leading chunks that fit the budget.
func (c *Client) fit(chunks []ai.Chunk) []ai.Chunk {
	total := 0
	for i, ch := range chunks {
		total += len(ch.Text)
		if total > c.cfg.MaxContextChars && i > 0 {
			return chunks[:i]
		}
	}
	return chunks
}

func withoutPages(c ai.Course) ai.Course {
	out := c
	out.Sections = make([]ai.Section, len(c.Sections))
	for i, s := range c.Sections {
		out.Sections[i] = ai.Section{Title: s.Title, Elements: make([]ai.Element, len(s.Elements))}
		for j, e := range s.Elements {
			e.Pages = nil
			out.Sections[i].Elements[j] = e
		}
	}
	return out
}

// problems collects conversion problems and merges them with ai validation.
type problems struct{ list []ai.Problem }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, ai.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) merge(err error) error {
	if err != nil {
		var ve *ai.ValidationError
		if errors.As(err, &ve) {
			p.list = append(p.list, ve.Problems...)
		} else {
			return err
		}
	}
	if len(p.list) == 0 {
		return nil
	}
	return &ai.ValidationError{Problems: p.list}
}

func convertSections(p *problems, base string, in []wireSection, chunks []ai.Chunk) []ai.Section {
	out := make([]ai.Section, len(in))
	for si, s := range in {
		sec := ai.Section{Title: strings.TrimSpace(s.Title), Elements: make([]ai.Element, len(s.Elements))}
		for ei, e := range s.Elements {
			el := ai.Element{Kind: e.Kind, Title: strings.TrimSpace(e.Title), Brief: e.Brief}
			for qi, q := range e.Questions {
				el.Questions = append(el.Questions, convertQuestion(p, fmt.Sprintf("%s/%d/elements/%d/questions/%d", base, si, ei, qi), q, chunks))
			}
			sec.Elements[ei] = el
		}
		out[si] = sec
	}
	return out
}

// convertQuestion maps the cited chunk number to its id. With chunks, a question must
// cite one (1–N); when its correct answer is not in the cited chunk but is, verbatim, in
// another, the citation moves there; and it must pass ai.Gate against that chunk.
func convertQuestion(p *problems, path string, w wireQuestion, chunks []ai.Chunk) ai.Question {
	q := ai.Question{Kind: w.Kind, Text: strings.TrimSpace(w.Text), Options: w.Options}
	switch {
	case len(chunks) == 0:
	case w.SourceChunk < 1 || w.SourceChunk > len(chunks):
		p.add(path+"/sourceChunk", "must be the number (1–%d) of the chunk the question is drawn from (it is %d)", len(chunks), w.SourceChunk)
	default:
		cited := chunks[w.SourceChunk-1]
		if ans := correctText(q); ans != "" && !strings.Contains(cited.Text, ans) {
			for _, ch := range chunks {
				if strings.Contains(ch.Text, ans) {
					cited = ch
					break
				}
			}
		}
		id := cited.ID
		q.SourceChunkID = &id
		// The quality gate against the cited chunk: a failing question goes back to the
		// model with the reason, and the reply is written again.
		if why := ai.Gate(q, cited.Text); why != "" {
			p.add(path, "fails the quality check (%s); ask about a fact its cited chunk states, with options of one kind", why)
		}
	}
	return q
}

func correctText(q ai.Question) string {
	for _, o := range q.Options {
		if o.Correct {
			return o.Text
		}
	}
	return ""
}
