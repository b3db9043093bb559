package openai

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

var sectionPage = strings.Repeat("A rescue plan names who enters, who watches and who calls for help. ", 4)

// sectionsJSON is a refine reply: one section with a lesson (a page) and a survey.
func sectionsJSON(title string) string {
	return `{"sections":[{"title":"` + title + `","elements":[{"kind":"lesson","title":"Rescue plan","brief":{"topic":"Rescue","title":"Rescue plan","description":"Who rescues whom.","keyPoints":["Plan first."],"targetAudience":"Entrants"},` +
		`"pages":[{"title":"The plan","body":"` + sectionPage + `"}],"questions":[]},{"kind":"survey","title":"Feedback","brief":null,"pages":[],"questions":[]}]}]}`
}

// questionJSON is a question reply whose correct option is answer.
func questionJSON(text, answer string, sourceChunk int) string {
	return fmt.Sprintf(`{"kind":"single","text":%q,"options":[{"text":%q,"correct":true,"feedback":"Right: the source says so."},{"text":"2 minutes","correct":false,"feedback":"No: the source says otherwise."},{"text":"1 hour","correct":false,"feedback":"No: the source says otherwise."}],"sourceChunk":%d}`,
		text, answer, sourceChunk)
}

func TestOpenAIGrounding(t *testing.T) {
	t.Parallel()
	chunks := []ai.Chunk{
		{ID: uuid.New(), Ordinal: 0, Text: "The rescue team must arrive within 4 minutes."},
		{ID: uuid.New(), Ordinal: 1, Text: "A blower must run for at least 15 minutes before entry."},
	}
	old := ai.Question{Kind: ai.QuestionSingle, Text: "How long does the blower run?", Options: []ai.Option{{Text: "15 minutes", Correct: true}, {Text: "2 minutes"}}}
	const text = "For how long must the blower run before entry?"
	cases := []struct {
		name      string
		replies   []reply
		wantCalls int
		want      uuid.UUID
		problem   string // in the retry's message
	}{
		{name: "cited chunk", replies: []reply{{content: questionJSON(text, "15 minutes", 2)}}, wantCalls: 1, want: chunks[1].ID},
		{name: "answer found in another chunk", replies: []reply{{content: questionJSON(text, "15 minutes", 1)}}, wantCalls: 1, want: chunks[1].ID},
		{name: "no citation then cited", replies: []reply{{content: questionJSON(text, "15 minutes", 0)}, {content: questionJSON(text, "15 minutes", 2)}}, wantCalls: 2, want: chunks[1].ID,
			problem: "/sourceChunk: must be the number (1–2)"},
		{name: "citation out of range then cited", replies: []reply{{content: questionJSON(text, "15 minutes", 7)}, {content: questionJSON(text, "15 minutes", 2)}}, wantCalls: 2, want: chunks[1].ID,
			problem: "(it is 7)"},
		// An answer no chunk states fails the quality gate: the reply is written again
		// with the reason.
		{name: "unsupported answer then supported", replies: []reply{{content: questionJSON(text, "20 minutes", 1)}, {content: questionJSON(text, "15 minutes", 2)}}, wantCalls: 2, want: chunks[1].ID,
			problem: "the answer is not stated in its source: 20 minutes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLLM{replies: tc.replies}
			c := start(t, f, Config{})
			q, err := c.Question(context.Background(), ai.QuestionRequest{Question: old, Context: chunks})
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(reqs), tc.wantCalls)
			}
			if tc.wantCalls == 2 && !strings.Contains(reqs[1].last(), tc.problem) {
				t.Errorf("retry lacks the problem %q: %q", tc.problem, reqs[1].last())
			}
			if h := reqs[0].header.Get("Authorization"); h != "" {
				t.Errorf("Authorization %q sent without a key", h)
			}
			if q.SourceChunkID == nil || *q.SourceChunkID != tc.want {
				t.Errorf("source chunk %v, want %s", q.SourceChunkID, tc.want)
			}
		})
	}
}

func TestOpenAIRefineQuestionBrief(t *testing.T) {
	t.Parallel()
	brief := ai.Brief{Topic: "Ventilation", Title: "Fresh air", Description: "Why blowers run.", KeyPoints: []string{"Run the blower."}, TargetAudience: "Entrants"}
	course := ai.Course{Title: "Confined spaces", Sections: []ai.Section{{Title: "Ventilation", Elements: []ai.Element{{Kind: ai.KindLesson, Title: "Fresh air", Brief: &brief,
		Pages: []ai.Page{{Title: "Fresh air", Body: "SECRET PAGE BODY"}}}}}}}
	oldQ := ai.Question{Kind: ai.QuestionSingle, Text: "How long does the blower run?", Options: []ai.Option{{Text: "15 minutes", Correct: true}, {Text: "2 minutes"}}}
	page := strings.TrimSpace(sectionPage)
	section := sectionsJSON
	question := func(text string) string {
		return `{"kind":"single","text":"` + text + `","options":[{"text":"15 minutes","correct":true,"feedback":"Right: the source says so."},{"text":"5 minutes","correct":false,"feedback":"No: the source says otherwise."},{"text":"1 hour","correct":false,"feedback":"No: the source says otherwise."}],"sourceChunk":0}`
	}
	cases := []struct {
		name      string
		replies   []reply
		run       func(c *Client) (any, error)
		wantCalls int
		check     func(t *testing.T, got any, reqs []recorded)
	}{
		{name: "refine", replies: []reply{{content: section("Emergency rescue")}}, wantCalls: 1,
			run: func(c *Client) (any, error) {
				return c.Refine(context.Background(), ai.RefineRequest{Course: course, Feedback: "Add a section on rescue"})
			},
			check: func(t *testing.T, got any, reqs []recorded) {
				secs := got.([]ai.Section)
				if len(secs) != 1 || secs[0].Title != "Emergency rescue" || secs[0].Elements[1].Kind != ai.KindSurvey {
					t.Errorf("sections %+v", secs)
				}
				user := reqs[0].body.Messages[1].Content
				if secs[0].Elements[0].Pages[0].Body != strings.TrimSpace(page) {
					t.Errorf("pages %+v", secs[0].Elements[0].Pages)
				}
				if !strings.Contains(user, "Add a section on rescue") || !strings.Contains(user, `1. Ventilation`) || !strings.Contains(user, `lesson "Fresh air" (topic: Ventilation)`) ||
					strings.Contains(user, "SECRET PAGE BODY") {
					t.Errorf("user prompt %q: want the feedback and the outline without pages", user)
				}
			}},
		{name: "refine repeating a section", replies: []reply{{content: section("Ventilation")}, {content: section("Rescue")}}, wantCalls: 2,
			run: func(c *Client) (any, error) {
				return c.Refine(context.Background(), ai.RefineRequest{Course: course, Feedback: "Add a section on rescue"})
			},
			check: func(t *testing.T, got any, reqs []recorded) {
				if secs := got.([]ai.Section); secs[0].Title != "Rescue" {
					t.Errorf("sections %+v", secs)
				}
				if !strings.Contains(reqs[1].body.Messages[3].Content, "already has a section") {
					t.Errorf("retry %q", reqs[1].body.Messages[3].Content)
				}
			}},
		{name: "question", replies: []reply{{content: question("Before entry, for how long must the blower run?")}}, wantCalls: 1,
			run: func(c *Client) (any, error) {
				return c.Question(context.Background(), ai.QuestionRequest{CourseTitle: "Confined spaces", LessonTitle: "Final quiz", Question: oldQ, Feedback: "Make it harder"})
			},
			check: func(t *testing.T, got any, reqs []recorded) {
				q := got.(ai.Question)
				if q.Text != "Before entry, for how long must the blower run?" || len(q.Options) != 3 {
					t.Errorf("question %+v", q)
				}
				if !strings.Contains(reqs[0].body.Messages[1].Content, "Make it harder") || reqs[0].body.ResponseFormat.JSONSchema.Name != "learnd_question" {
					t.Error("request lacks the feedback or the question schema")
				}
			}},
		{name: "question unchanged", replies: []reply{{content: question("How long does the blower run?")}, {content: question("How long does the blower run before entry?")}}, wantCalls: 2,
			run: func(c *Client) (any, error) {
				return c.Question(context.Background(), ai.QuestionRequest{Question: oldQ})
			},
			check: func(t *testing.T, got any, reqs []recorded) {
				if !strings.Contains(reqs[1].body.Messages[3].Content, "reword") {
					t.Errorf("retry %q", reqs[1].body.Messages[3].Content)
				}
			}},
		{name: "brief", replies: []reply{{content: `{"topic":"Ventilation","title":"Fresh air","description":"How supervisors check blowers.","keyPoints":["Check the blower.","Log it.","Retest."],"targetAudience":"Supervisors"}`}}, wantCalls: 1,
			run: func(c *Client) (any, error) {
				return c.Brief(context.Background(), ai.BriefRequest{CourseTitle: "Confined spaces", Brief: brief, Feedback: "Target supervisors"})
			},
			check: func(t *testing.T, got any, _ []recorded) {
				if b := got.(ai.Brief); b.TargetAudience != "Supervisors" || len(b.KeyPoints) != 3 {
					t.Errorf("brief %+v", b)
				}
			}},
		{name: "brief invalid twice", replies: []reply{{content: `{"topic":"","title":"x","description":"y","keyPoints":[],"targetAudience":"z"}`}, {content: `{"topic":"t"}`}}, wantCalls: 2,
			run: func(c *Client) (any, error) {
				return c.Brief(context.Background(), ai.BriefRequest{Brief: brief})
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLLM{replies: tc.replies}
			c := start(t, f, Config{URL: "/v1/"})
			got, err := tc.run(c)
			reqs := f.requests()
			if len(reqs) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(reqs), tc.wantCalls)
			}
			if tc.check == nil {
				if !errors.Is(err, ErrInvalidReply) {
					t.Errorf("error %v, want ErrInvalidReply", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, got, reqs)
		})
	}
	t.Run("multiple choice refused", func(t *testing.T) {
		t.Parallel()
		f := &fakeLLM{}
		c := start(t, f, Config{})
		q := oldQ
		q.Kind = ai.QuestionMultiple
		if _, err := c.Question(context.Background(), ai.QuestionRequest{Question: q}); !errors.Is(err, ai.ErrNotSingleChoice) || len(f.requests()) != 0 {
			t.Errorf("error %v after %d calls", err, len(f.requests()))
		}
	})
}

// TestOpenAIRewriteLanguage: refine, question and brief calls write in the course's
// language (given, or the existing course's), and fit an 8192-token context with a long
// document.
func TestOpenAIRewriteLanguage(t *testing.T) {
	t.Parallel()
	doc := document(200)
	brief := ai.Brief{Topic: "Supervision", Title: "Who supervises", Description: "Who supervises which station.", KeyPoints: []string{"Ask."}, TargetAudience: "Entrants"}
	course := ai.Course{Title: "Confined spaces", Sections: []ai.Section{{Title: "Supervision", Elements: []ai.Element{{Kind: ai.KindLesson, Title: "Who supervises", Brief: &brief}}}}}
	old := ai.Question{Kind: ai.QuestionSingle, Text: "Who watches station 0?", Options: []ai.Option{{Text: supervisor(0), Correct: true}, {Text: supervisor(1)}}}
	station := fmt.Sprintf(`{"kind":"single","text":"Who supervises station 0?","options":[{"text":%q,"correct":true,"feedback":"Right: the source says so."},{"text":%q,"correct":false,"feedback":"No: the source says otherwise."},{"text":%q,"correct":false,"feedback":"No: the source says otherwise."}],"sourceChunk":1}`,
		supervisor(0), supervisor(1), supervisor(2))
	calls := map[string]func(c *Client, lang string) error{
		"sections": func(c *Client, lang string) error {
			_, err := c.Refine(context.Background(), ai.RefineRequest{Course: course, Feedback: "Add a section on rescue", Language: lang,
				Retrieve: func(_ context.Context, _ string, k int) ([]ai.Chunk, error) { return doc[:k], nil }})
			return err
		},
		"question": func(c *Client, lang string) error {
			_, err := c.Question(context.Background(), ai.QuestionRequest{CourseTitle: "Confined spaces", Question: old, Context: doc, Language: lang})
			return err
		},
		"brief": func(c *Client, lang string) error {
			_, err := c.Brief(context.Background(), ai.BriefRequest{CourseTitle: "Confined spaces", Brief: brief, Context: doc, Language: lang})
			return err
		},
	}
	for kind, call := range calls {
		for _, lang := range []string{"de", ""} {
			t.Run(kind+"/"+cmp.Or(lang, "course"), func(t *testing.T) {
				t.Parallel()
				s := &scripted{answer: func(kind string, _ recorded) reply {
					return reply{content: map[string]string{"sections": sectionsJSON("Rescue"), "question": station, "brief": briefJSON("Supervisors")}[kind]}
				}}
				c := start(t, s, Config{ContextTokens: 8192})
				if err := call(c, lang); err != nil {
					t.Fatal(err)
				}
				reqs := s.requests(kind)
				if len(reqs) != 1 {
					t.Fatalf("%d %s calls, want 1", len(reqs), kind)
				}
				want := `Write every text in German (ISO 639-1 "de")`
				if lang == "" {
					want = "Write in the language of the existing course"
				}
				if !strings.Contains(reqs[0].system(), want) {
					t.Errorf("system prompt lacks %q:\n%s", want, reqs[0].system())
				}
				checkBudget(t, reqs, 8192)
				if n := len(sentChunks(reqs[0].user())); n < 5 || n >= 200 {
					t.Errorf("%d chunks sent, want as many as fit", n)
				}
			})
		}
	}
}
