package openai

import (
	"cmp"
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
// a chat completion whose message content is content (finish reason finish, "stop" when
// empty).
type reply struct {
	status  int
	body    string
	content string
	finish  string
}

// recorded is one request the fake endpoint received.
type recorded struct {
	path   string
	header http.Header
	raw    map[string]any
	body   struct {
		Model               string    `json:"model"`
		Messages            []message `json:"messages"`
		MaxTokens           int       `json:"max_tokens"`
		MaxCompletionTokens int       `json:"max_completion_tokens"`
		ResponseFormat      struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string         `json:"name"`
				Strict bool           `json:"strict"`
				Schema map[string]any `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
}

func (r recorded) system() string { return r.body.Messages[0].Content }
func (r recorded) user() string   { return r.body.Messages[1].Content }

// last is the last message's content (a retry's reasons).
func (r recorded) last() string { return r.body.Messages[len(r.body.Messages)-1].Content }

// record reads a request.
func record(r *http.Request) recorded {
	data, _ := io.ReadAll(r.Body)
	var rec recorded
	rec.path, rec.header = r.URL.Path, r.Header.Clone()
	_ = json.Unmarshal(data, &rec.body)
	_ = json.Unmarshal(data, &rec.raw)
	return rec
}

// writeReply answers with rp.
func writeReply(w http.ResponseWriter, rp reply) {
	w.Header().Set("Content-Type", "application/json")
	if rp.status != 0 {
		w.WriteHeader(rp.status)
		_, _ = io.WriteString(w, rp.body)
		return
	}
	finish := cmp.Or(rp.finish, "stop")
	resp := map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "message": map[string]any{"role": "assistant", "content": rp.content}}}}
	_ = json.NewEncoder(w).Encode(resp)
}

// fakeLLM is an OpenAI-compatible endpoint answering with its replies in turn.
type fakeLLM struct {
	mu      sync.Mutex
	replies []reply
	reqs    []recorded
	delay   time.Duration
}

func (f *fakeLLM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := record(r)
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
	writeReply(w, f.replies[n-1])
}

func (f *fakeLLM) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// start runs a fake endpoint and a client on it.
func start(t *testing.T, h http.Handler, cfg Config) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
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

// briefJSON is a valid brief reply for the given audience.
func briefJSON(audience string) string {
	return `{"topic":"Ventilation","title":"Fresh air","description":"How blowers are checked.","keyPoints":["Check the blower.","Log it.","Retest."],"targetAudience":"` + audience + `"}`
}

// TestOpenAIConversation covers one call's conversation: retries, errors, fallbacks.
func TestOpenAIConversation(t *testing.T) {
	t.Parallel()
	valid := briefJSON("Supervisors")
	noKeyPoints := `{"topic":"Ventilation","title":"Fresh air","description":"x","keyPoints":[],"targetAudience":"Supervisors"}`
	cases := []struct {
		name      string
		replies   []reply
		wantCalls int
		wantErr   func(t *testing.T, err error)
		check     func(t *testing.T, reqs []recorded)
	}{
		{name: "valid JSON", replies: []reply{{content: valid}}, wantCalls: 1},
		{name: "JSON in a Markdown fence", replies: []reply{{content: "```json\n" + valid + "\n```"}}, wantCalls: 1},
		{name: "malformed then valid", replies: []reply{{content: `{"topic": Ventilation}`}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				m := reqs[1].body.Messages
				if len(m) != 4 || m[2].Role != "assistant" || m[2].Content != `{"topic": Ventilation}` || m[3].Role != "user" ||
					!strings.Contains(m[3].Content, "not valid JSON") {
					t.Errorf("retry messages %+v: want the bad reply and the validation error appended", m)
				}
			}},
		{name: "invalid then valid", replies: []reply{{content: noKeyPoints}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				if m := reqs[1].last(); !strings.Contains(m, "keyPoints") || !strings.Contains(m, "does not match the schema") {
					t.Errorf("retry message %q lacks the validation error", m)
				}
			}},
		{name: "invalid twice", replies: []reply{{content: noKeyPoints}, {content: "not JSON at all"}}, wantCalls: 2,
			wantErr: func(t *testing.T, err error) {
				if !errors.Is(err, ErrInvalidReply) || !strings.Contains(err.Error(), "not valid JSON") || !strings.HasPrefix(err.Error(), "openai generator: brief: ") {
					t.Errorf("error %v, want ErrInvalidReply with the last problem", err)
				}
			}},
		// A reply cut off at the token limit is asked for again, shorter, without the cut
		// reply (it would only use up the context).
		{name: "cut off then valid", replies: []reply{{content: valid[:40], finish: "length"}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				m := reqs[1].body.Messages
				if len(m) != 2 || !strings.Contains(m[1].Content, "SHORTER") || !strings.Contains(m[1].Content, "cut off at the length limit (4096 tokens)") ||
					!strings.HasPrefix(m[1].Content, reqs[0].user()) {
					t.Errorf("retry messages %+v: want the request again, asking for a shorter reply", m)
				}
			}},
		{name: "cut off without saying so", replies: []reply{{content: valid[:60]}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				if !strings.Contains(reqs[1].last(), "SHORTER") {
					t.Errorf("retry %q does not ask for a shorter reply", reqs[1].last())
				}
			}},
		{name: "cut off twice", replies: []reply{{content: valid[:40], finish: "length"}, {content: valid, finish: "length"}}, wantCalls: 2,
			wantErr: func(t *testing.T, err error) {
				if !errors.Is(err, ErrInvalidReply) || !strings.Contains(err.Error(), "cut off") {
					t.Errorf("error %v, want ErrInvalidReply saying the reply was cut off", err)
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
		{name: "max_tokens unsupported", replies: []reply{{status: 400, body: `{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."}}`}, {content: valid}}, wantCalls: 2,
			check: func(t *testing.T, reqs []recorded) {
				if reqs[0].body.MaxTokens != 4096 || reqs[1].body.MaxTokens != 0 || reqs[1].body.MaxCompletionTokens != 4096 {
					t.Errorf("max_tokens %d then %d/%d, want 4096 then max_completion_tokens 4096", reqs[0].body.MaxTokens, reqs[1].body.MaxTokens, reqs[1].body.MaxCompletionTokens)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeLLM{replies: tc.replies}
			c := start(t, f, Config{APIKey: testKey})
			b, err := c.Brief(context.Background(), ai.BriefRequest{CourseTitle: "Confined spaces", Brief: ai.Brief{Topic: "Ventilation"}, Feedback: "Target supervisors"})
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
			if b.TargetAudience != "Supervisors" || len(b.KeyPoints) != 3 {
				t.Errorf("brief %+v", b)
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
	old := ai.Question{Kind: ai.QuestionSingle, Text: "How long does the blower run?", Options: []ai.Option{{Text: "15 minutes", Correct: true}, {Text: "2 minutes"}}}
	f := &fakeLLM{replies: []reply{{content: questionJSON("For how long must the blower run before entry?", "15 minutes", 1)}}}
	c := start(t, f, Config{URL: "/v1", APIKey: testKey, ContextTokens: 8192})
	q, err := c.Question(context.Background(), ai.QuestionRequest{CourseTitle: "Confined spaces", LessonTitle: "Final quiz", Question: old,
		Feedback: "Make it harder", Context: chunks, Language: "fr"})
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
	if b.MaxTokens != 2048 {
		t.Errorf("max_tokens %d, want 2048 (a quarter of 8192)", b.MaxTokens)
	}
	for _, want := range []string{"JSON Schema", `French (ISO 639-1 "fr")`, "sourceChunk", "verbatim"} {
		if !strings.Contains(r.system(), want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	for _, want := range []string{"Make it harder", "Confined spaces", "[1] source=\"manual.pdf\" heading=\"Ventilation\"\n" + chunks[0].Text, "[2]", chunks[1].Text} {
		if !strings.Contains(r.user(), want) {
			t.Errorf("user prompt lacks %q:\n%s", want, r.user())
		}
	}
	rf := b.ResponseFormat
	if rf.Type != "json_schema" || !rf.JSONSchema.Strict || rf.JSONSchema.Name != "learnd_question" || rf.JSONSchema.Schema["type"] != "object" {
		t.Errorf("response_format %+v", rf)
	}
	if _, ok := r.raw["temperature"]; !ok {
		t.Error("no temperature")
	}
	schema, _ := json.Marshal(rf.JSONSchema.Schema)
	if strings.Contains(string(schema), "minLength") || !strings.Contains(string(schema), `"additionalProperties":false`) || strings.Contains(string(schema), "brief") {
		t.Errorf("request schema keeps keywords strict mode rejects, allows extra properties or carries unused definitions: %s", schema)
	}
	if q.SourceChunkID == nil || *q.SourceChunkID != chunks[0].ID {
		t.Errorf("source chunk %v, want chunk 1 %s", q.SourceChunkID, chunks[0].ID)
	}
}

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	t.Run("config timeout", func(t *testing.T) {
		t.Parallel()
		f := &fakeLLM{delay: 5 * time.Second, replies: []reply{{content: briefJSON("Entrants")}}}
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
		f := &fakeLLM{delay: 5 * time.Second, replies: []reply{{content: briefJSON("Entrants")}}}
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

// TestPermanent: whether a generation job should stop is asked of package ai; an
// endpoint's refusal is permanent, its timeouts, rate limits and server errors are not.
func TestPermanent(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{400: true, 401: true, 404: true, 408: false, 429: false, 500: false, 503: false} {
		err := fmt.Errorf("openai generator: course: %w", &StatusError{StatusCode: status})
		if got := ai.Permanent(err); got != want {
			t.Errorf("status %d: permanent %v, want %v", status, got, want)
		}
	}
	if !ai.Permanent(&ai.ValidationError{}) || ai.Permanent(errors.New("connection reset")) {
		t.Error("a validation error is permanent, a connection reset is not")
	}
}
