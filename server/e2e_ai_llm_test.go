package server_test

// aiFakeLLM is an OpenAI-compatible chat-completions server for the tests: it answers each
// kind of request learnd's generator makes (a course's outline, one module, sections to
// append, a question, a brief — told apart by the response_format schema name) with valid
// JSON, and misbehaves
// on request when the user message carries a marker:
//
//	MALFORMED    the first reply of the conversation is not JSON (the retry gets valid JSON)
//	UNAUTHORIZED the endpoint answers 401
//	STALL        the first such request hangs until its client goes away (a slow model
//	             whose caller is killed); later ones are answered

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

type aiLLMRequest struct {
	Kind     string // outline, module, sections, question, brief
	Model    string
	Auth     string
	User     string // the first user message
	Messages int
	Retry    string // the follow-up user message of a retry, if any
}

type aiFakeLLM struct {
	URL string

	mu       sync.Mutex
	requests []aiLLMRequest
	stalled  bool
	stalling chan struct{} // closed when a STALL request has arrived
}

func aiStartLLM(t *testing.T) *aiFakeLLM {
	t.Helper()
	f := &aiFakeLLM{stalling: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/v1"
	return f
}

// Requests returns the requests received so far.
func (f *aiFakeLLM) Requests() []aiLLMRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]aiLLMRequest(nil), f.requests...)
}

var (
	aiPlanRE   = regexp.MustCompile(`Plan exactly (\d+) modules`)
	aiModuleRE = regexp.MustCompile(`Write module (\d+): `)
)

func (f *aiFakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"no such route"}}`, http.StatusNotFound)
		return
	}
	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		ResponseFormat struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name string `json:"name"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	rec := aiLLMRequest{Kind: strings.TrimPrefix(req.ResponseFormat.JSONSchema.Name, "learnd_"), Model: req.Model,
		Auth: r.Header.Get("Authorization"), Messages: len(req.Messages)}
	var users []string
	for _, m := range req.Messages {
		if m.Role == "user" {
			users = append(users, m.Content)
		}
	}
	if len(users) > 0 {
		rec.User = users[0]
	}
	if len(users) > 1 {
		rec.Retry = users[len(users)-1]
	}
	f.mu.Lock()
	f.requests = append(f.requests, rec)
	stall := strings.Contains(rec.User, "STALL") && !f.stalled
	if stall {
		f.stalled = true
		close(f.stalling)
	}
	f.mu.Unlock()

	switch {
	case stall:
		<-r.Context().Done() // until the caller goes away
		return
	case strings.Contains(rec.User, "UNAUTHORIZED"):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}`))
		return
	}
	var content string
	if strings.Contains(rec.User, "MALFORMED") && rec.Messages == 2 {
		content = "Sure! Here is your course: it covers everything."
	} else {
		content = aiLLMReply(rec)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
	})
}

func aiLLMBrief(topic string) map[string]any {
	return map[string]any{"topic": topic, "title": topic, "description": "What to know about " + topic + ".",
		"keyPoints": []string{"Why " + topic + " matters", "How to apply " + topic}, "targetAudience": "Warehouse staff"}
}

func aiLLMPage(topic string) map[string]any {
	return map[string]any{"title": "About " + topic, "body": strings.Repeat("What to know about "+topic+", and how to apply it on every shift. ", 5)}
}

func aiLLMQuestion(text, correct string) map[string]any {
	return map[string]any{"kind": "single", "text": text, "sourceChunk": 0, "options": []any{
		map[string]any{"text": correct, "correct": true, "feedback": "Right: the source says so."},
		map[string]any{"text": "Only on weekends", "correct": false, "feedback": "No: the source says otherwise."},
		map[string]any{"text": "Never", "correct": false, "feedback": "No: the source says otherwise."},
	}}
}

// aiLLMReply is a valid reply to a request of rec.Kind.
func aiLLMReply(rec aiLLMRequest) string {
	var v any
	switch rec.Kind {
	case "outline":
		n := 3
		if m := aiPlanRE.FindStringSubmatch(rec.User); m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		var mods []any
		for i := range n {
			mods = append(mods, map[string]any{"title": "LLM module " + strconv.Itoa(i+1), "scope": fmt.Sprintf("What LLM topic %d covers.", i+1)})
		}
		v = map[string]any{"title": "LLM course", "annotation": "Written by the fake model.", "tags": []string{"llm"},
			"finalQuizTitle": "Final quiz", "modules": mods}
	case "module":
		i := 1
		if m := aiModuleRE.FindStringSubmatch(rec.User); m != nil {
			i, _ = strconv.Atoi(m[1])
		}
		topic := fmt.Sprintf("LLM topic %d", i)
		v = map[string]any{
			"lessons":   []any{map[string]any{"title": "LLM lesson " + strconv.Itoa(i), "brief": aiLLMBrief(topic), "pages": []any{aiLLMPage(topic)}}},
			"questions": []any{aiLLMQuestion(fmt.Sprintf("When does %s apply?", topic), "Always, for "+topic)},
		}
	case "sections":
		v = map[string]any{"sections": []any{map[string]any{"title": "LLM added section", "elements": []any{
			map[string]any{"kind": "lesson", "title": "LLM added lesson", "brief": aiLLMBrief("emergencies"), "pages": []any{aiLLMPage("emergencies")}, "questions": []any{}},
			map[string]any{"kind": "quiz", "title": "LLM added quiz", "brief": nil, "pages": []any{}, "questions": []any{aiLLMQuestion("Who do you call first?", "The site supervisor")}},
		}}}}
	case "question":
		v = aiLLMQuestion("LLM: how often is the inspection due?", "Before every shift")
	case "brief":
		v = aiLLMBrief("LLM rewritten topic")
	default:
		v = map[string]any{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}
