package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// reply is one canned answer of the fake endpoint: a status and a raw body, or (status 0)
// a chat completion whose message content is content.
type reply struct {
	status  int
	body    string
	content string
}

// recorded is one request the fake endpoint received.
type recorded struct {
	path   string
	header http.Header
	raw    map[string]any
	body   struct {
		Model          string    `json:"model"`
		Messages       []message `json:"messages"`
		ResponseFormat struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string         `json:"name"`
				Strict bool           `json:"strict"`
				Schema map[string]any `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
}

// fakeLLM is an OpenAI-compatible endpoint answering with its replies in turn.
type fakeLLM struct {
	mu      sync.Mutex
	replies []reply
	reqs    []recorded
	delay   time.Duration
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var rec recorded
	rec.path, rec.header = r.URL.Path, r.Header.Clone()
	_ = json.Unmarshal(data, &rec.body)
	_ = json.Unmarshal(data, &rec.raw)
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	n := len(f.reqs)
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
	}
	if n > len(f.replies) {
		http.Error(w, `{"error":{"message":"no more canned replies"}}`, http.StatusTeapot)
		return
	}
	rp := f.replies[n-1]
	w.Header().Set("Content-Type", "application/json")
	if rp.status != 0 {
		w.WriteHeader(rp.status)
		_, _ = io.WriteString(w, rp.body)
		return
	}
	resp := map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": rp.content}}}}
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeLLM) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// start runs a fake endpoint and a client on it.
func start(t *testing.T, f *fakeLLM, cfg Config) *Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL + cfg.URL
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const testKey = "sk-test-0123456789abcdef"

// courseJSON is a valid course reply; sourceChunk is what its question cites.
func courseJSON(sourceChunk int, answer string) string {
	return fmt.Sprintf(`{"title":"Confined spaces","annotation":"A short course.","tags":["safety"],"sections":[
{"title":"Ventilation","elements":[{"kind":"lesson","title":"Fresh air","brief":{"topic":"Ventilation","title":"Fresh air",
"description":"Why blowers run before entry.","keyPoints":["Run the blower first.","Keep the intake clear."],"targetAudience":"Entrants"},"questions":[]}]},
{"title":"Final quiz","elements":[{"kind":"quiz","title":"Final quiz","brief":null,"questions":[{"kind":"single",
"text":"How long must the blower run before entry?","options":[{"text":%q,"correct":true},{"text":"2 minutes","correct":false},{"text":"1 hour","correct":false}],
"sourceChunk":%d}]}]}]}`, answer, sourceChunk)
}

func TestOpenAICourse(t *testing.T) {
	t.Parallel()
	valid := courseJSON(0, "15 minutes")
	twoCorrect := strings.Replace(valid, `"correct":false`, `"correct":true`, 1)
	cases := []struct {
		name      string
		replies   []reply
		wantCalls int
		wantErr   func(t *testing.T, err error)
		check     func(t *testing.T, reqs []recorded)
	}{
		{name: "valid JSON", replies: []reply{{content: valid}}, wantCalls: 1},
		{name: "JSON in a Markdown fence", replies: []reply{{content: "```json\n" + valid + "\n```"}}, wantCalls: 1},
		{name: "malformed then valid", replies: []reply{{content: `{"title": "Confined spaces", "sections": [`}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				m := reqs[1].body.Messages
				if len(m) != 4 || m[2].Role != "assistant" || m[2].Content != `{"title": "Confined spaces", "sections": [` || m[3].Role != "user" ||
					!strings.Contains(m[3].Content, "not valid JSON") {
					t.Errorf("retry messages %+v: want the bad reply and the validation error appended", m)
				}
			}},
		{name: "invalid then valid", replies: []reply{{content: twoCorrect}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				m := reqs[1].body.Messages
				if len(m) != 4 || !strings.Contains(m[3].Content, "exactly one correct option") || !strings.Contains(m[3].Content, "/sections/1/elements/0/questions/0/options") {
					t.Errorf("retry message %q lacks the validation error", m[len(m)-1].Content)
				}
			}},
		{name: "schema mismatch then valid", replies: []reply{{content: `{"title":"x","sections":"none"}`}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				if m := reqs[1].body.Messages; !strings.Contains(m[3].Content, "does not match the schema") {
					t.Errorf("retry message %q", m[3].Content)
				}
			}},
		{name: "invalid twice", replies: []reply{{content: twoCorrect}, {content: "not JSON at all"}}, wantCalls: 2,
			wantErr: func(t *testing.T, err error) {
				if !errors.Is(err, ErrInvalidReply) || !strings.Contains(err.Error(), "not valid JSON") {
					t.Errorf("error %v, want ErrInvalidReply with the last problem", err)
				}
			}},
		{name: "unauthorized", replies: []reply{{status: 401, body: `{"error":{"message":"Incorrect API key provided: ` + testKey + `.","type":"invalid_request_error"}}`}}, wantCalls: 1,
			wantErr: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 401 || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "Incorrect API key") {
					t.Errorf("error %v, want a 401 StatusError with the message", err)
				}
				if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), testKey[len(testKey)-8:]) {
					t.Errorf("error %q leaks the API key", err)
				}
			}},
		{name: "server error", replies: []reply{{status: 503, body: `{"error":"model is loading"}`}}, wantCalls: 1,
			wantErr: func(t *testing.T, err error) {
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != 503 || se.Message != "model is loading" {
					t.Errorf("error %v, want 503 with Ollama's message", err)
				}
			}},
		{name: "json_schema unsupported", replies: []reply{{status: 400, body: `{"error":{"message":"response_format of type json_schema is not supported by this model"}}`}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				if reqs[0].body.ResponseFormat.Type != "json_schema" || reqs[1].body.ResponseFormat.Type != "json_object" {
					t.Errorf("formats %q then %q, want json_schema then json_object", reqs[0].body.ResponseFormat.Type, reqs[1].body.ResponseFormat.Type)
				}
				if len(reqs[1].body.Messages) != 2 {
					t.Error("the format fallback is not a validation retry")
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLLM{replies: tc.replies}
			c := start(t, f, Config{APIKey: testKey})
			course, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "A course on confined spaces", Options: ai.Options{Modules: 1}})
			reqs := f.requests()
			if len(reqs) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(reqs), tc.wantCalls)
			}
			if tc.wantErr != nil {
				if err == nil {
					t.Fatal("no error")
				}
				tc.wantErr(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if course.Title != "Confined spaces" || len(course.Sections) != 2 || course.Sections[0].Elements[0].Brief.TargetAudience != "Entrants" {
				t.Errorf("course %+v", course)
			}
			if q := course.Sections[1].Elements[0].Questions[0]; q.SourceChunkID != nil || q.Options[0].Text != "15 minutes" {
				t.Errorf("question %+v", q)
			}
			if tc.check != nil {
				tc.check(t, reqs)
			}
		})
	}
}

func TestOpenAIRequestShape(t *testing.T) {
	t.Parallel()
	chunks := []ai.Chunk{
		{ID: uuid.New(), Source: "manual.pdf", Ordinal: 0, Heading: "Ventilation", Text: "A blower must run for at least 15 minutes before entry."},
		{ID: uuid.New(), Source: "manual.pdf", Ordinal: 1, Heading: "Rescue", Text: "The rescue team must arrive within 4 minutes."},
	}
	f := &fakeLLM{replies: []reply{{content: courseJSON(1, "15 minutes")}}}
	c := start(t, f, Config{URL: "/v1", APIKey: testKey})
	course, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "Build a ventilation course for entrants", Chunks: chunks,
		Options: ai.Options{Modules: 3, Language: "fr", Title: "Ventilation"}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.path != "/v1/chat/completions" {
		t.Errorf("path %q", r.path)
	}
	if got := r.header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	b := r.body
	if b.Model != "test-model" || len(b.Messages) != 2 || b.Messages[0].Role != "system" || b.Messages[1].Role != "user" {
		t.Fatalf("body %+v", b)
	}
	sys, user := b.Messages[0].Content, b.Messages[1].Content
	for _, want := range []string{"JSON Schema", `"fr"`, "sourceChunk", "verbatim"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	for _, want := range []string{"Build a ventilation course for entrants", "Modules: 3", `"Ventilation"`,
		"[1] id=" + chunks[0].ID.String(), "[2] id=" + chunks[1].ID.String(), chunks[1].Text, `heading="Rescue"`} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q:\n%s", want, user)
		}
	}
	rf := b.ResponseFormat
	if rf.Type != "json_schema" || !rf.JSONSchema.Strict || rf.JSONSchema.Name != "learnd_course" || rf.JSONSchema.Schema["type"] != "object" {
		t.Errorf("response_format %+v", rf)
	}
	if _, ok := r.raw["temperature"]; !ok {
		t.Error("no temperature")
	}
	schema, _ := json.Marshal(rf.JSONSchema.Schema)
	if strings.Contains(string(schema), "minLength") || !strings.Contains(string(schema), `"additionalProperties":false`) {
		t.Errorf("request schema keeps keywords strict mode rejects or allows extra properties: %s", schema)
	}
	q := course.Sections[1].Elements[0].Questions[0]
	if q.SourceChunkID == nil || *q.SourceChunkID != chunks[0].ID {
		t.Errorf("source chunk %v, want chunk 1 %s", q.SourceChunkID, chunks[0].ID)
	}
}

func TestOpenAIGrounding(t *testing.T) {
	t.Parallel()
	chunks := []ai.Chunk{
		{ID: uuid.New(), Ordinal: 0, Text: "The rescue team must arrive within 4 minutes."},
		{ID: uuid.New(), Ordinal: 1, Text: "A blower must run for at least 15 minutes before entry."},
	}
	cases := []struct {
		name      string
		replies   []reply
		wantCalls int
		want      uuid.UUID
		problem   string // in the retry's message; "" means "sourceChunk"
	}{
		{name: "cited chunk", replies: []reply{{content: courseJSON(2, "15 minutes")}}, wantCalls: 1, want: chunks[1].ID},
		{name: "answer found in another chunk", replies: []reply{{content: courseJSON(1, "15 minutes")}}, wantCalls: 1, want: chunks[1].ID},
		{name: "no citation then cited", replies: []reply{{content: courseJSON(0, "15 minutes")}, {content: courseJSON(2, "15 minutes")}}, wantCalls: 2, want: chunks[1].ID},
		{name: "citation out of range then cited", replies: []reply{{content: courseJSON(7, "15 minutes")}, {content: courseJSON(2, "15 minutes")}}, wantCalls: 2, want: chunks[1].ID},
		// An answer no chunk states (a wrong citation) fails the quality gate: the reply is
		// written again with the reason.
		{name: "unsupported answer then supported", replies: []reply{{content: courseJSON(1, "20 minutes")}, {content: courseJSON(2, "15 minutes")}}, wantCalls: 2, want: chunks[1].ID, problem: "not stated in its source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLLM{replies: tc.replies}
			c := start(t, f, Config{})
			course, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "Ventilation", Chunks: chunks})
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.requests()
			if len(reqs) != tc.wantCalls {
				t.Errorf("%d calls, want %d", len(reqs), tc.wantCalls)
			}
			problem := tc.problem
			if problem == "" {
				problem = "sourceChunk"
			}
			if tc.wantCalls == 2 && !strings.Contains(reqs[1].body.Messages[3].Content, problem) {
				t.Errorf("retry lacks the problem %q: %q", problem, reqs[1].body.Messages[3].Content)
			}
			if h := reqs[0].header.Get("Authorization"); h != "" {
				t.Errorf("Authorization %q sent without a key", h)
			}
			q := course.Sections[1].Elements[0].Questions[0]
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
	section := func(title string) string {
		return `{"sections":[{"title":"` + title + `","elements":[{"kind":"lesson","title":"Rescue plan","brief":{"topic":"Rescue","title":"Rescue plan","description":"Who rescues whom.","keyPoints":["Plan first."],"targetAudience":"Entrants"},"questions":[]},{"kind":"survey","title":"Feedback","brief":null,"questions":[]}]}]}`
	}
	question := func(text string) string {
		return `{"kind":"single","text":"` + text + `","options":[{"text":"15 minutes","correct":true},{"text":"5 minutes","correct":false},{"text":"1 hour","correct":false}],"sourceChunk":0}`
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
				if !strings.Contains(user, "Add a section on rescue") || !strings.Contains(user, `"title":"Ventilation"`) || strings.Contains(user, "SECRET PAGE BODY") {
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

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	t.Run("config timeout", func(t *testing.T) {
		t.Parallel()
		f := &fakeLLM{delay: 5 * time.Second, replies: []reply{{content: courseJSON(0, "15 minutes")}}}
		c := start(t, f, Config{Timeout: 100 * time.Millisecond, APIKey: testKey})
		begin := time.Now()
		_, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "x"})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(begin) > 3*time.Second {
			t.Errorf("error %v after %s, want a deadline", err, time.Since(begin))
		}
		if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "/chat/completions") {
			t.Errorf("error %q shows the key or the full URL", err)
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		t.Parallel()
		f := &fakeLLM{delay: 5 * time.Second, replies: []reply{{content: courseJSON(0, "15 minutes")}}}
		c := start(t, f, Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if _, err := c.Course(ctx, ai.CourseRequest{Prompt: "x"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v, want the caller's deadline", err)
		}
	})
}

func TestOpenAIEndpoint(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"https://api.openai.com/v1", "https://api.openai.com/v1/chat/completions"},
		{"https://api.openai.com/v1/", "https://api.openai.com/v1/chat/completions"},
		{"http://localhost:11434", "http://localhost:11434/v1/chat/completions"},
		{"http://localhost:11434/", "http://localhost:11434/v1/chat/completions"},
		{"http://vllm:8000/v1/chat/completions", "http://vllm:8000/v1/chat/completions"},
		{"https://generativelanguage.googleapis.com/v1beta/openai/", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"},
		{"https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/chat/completions"},
		{"http://gateway.local/llm", "http://gateway.local/llm/v1/chat/completions"},
	}
	for _, tc := range cases {
		got, _, err := Endpoint(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "localhost:11434", "ftp://x/v1", "http://"} {
		if _, _, err := Endpoint(bad); err == nil {
			t.Errorf("Endpoint(%q): no error", bad)
		}
	}
	if _, err := New(Config{URL: "http://localhost:11434"}); err == nil {
		t.Error("New without a model: no error")
	}
}
