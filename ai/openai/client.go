// Package openai is the ai.Generator for any OpenAI-compatible chat-completions endpoint:
// OpenAI, Ollama, vLLM, and the many servers that speak the same API.
//
// Each call POSTs {URL}/chat/completions with the model, a system message (the rules, the
// language to write in and the JSON schema of the reply) and a user message (the request
// and, when grounded, the numbered source chunks), asking for JSON through response_format
// (json_schema; when the server rejects that, json_object from then on, the schema
// staying in the system message) and for at most max_tokens of reply. The reply is checked
// against the schema and the package ai validation rules, and every quiz question against
// its cited chunk (ai.Gate). When it is malformed or invalid the conversation is sent
// again ONCE with the reply and the reasons appended; a reply cut off at the token limit
// (finish_reason "length", or JSON that stops mid-value) is asked for again, shorter. A
// second bad reply is an error wrapping ErrInvalidReply. Cited chunk numbers become
// Question.SourceChunkID.
//
// A course is written in steps, so that each call fits a small model's context: one call
// plans the course (title, annotation, tags and one title and scope per module) from the
// whole document when it fits, else from its headings and evenly spread excerpts; then
// one call per module (a few at a time) writes its lessons (briefs and pages of teaching
// text) and quiz questions from that module's own chunks (retrieved with the module's
// title and scope; without a retriever, the chunks under a matching heading, else an even
// share of the document); the final quiz is assembled from the modules' questions.
//
// Budget: Config.ContextTokens (LEARND_LLM_CONTEXT_TOKENS) is the model's context
// window. A quarter of it (at most 4096 tokens) is the reply's max_tokens; as much again is
// kept for a retry's appended reply; the system prompt, the request and the source text
// share the rest, counted at 3 bytes a token (conservative for English, and for scripts
// whose characters take several bytes). Source chunks that do not fit are left out.
//
// URL: a base URL ending in a version segment (https://api.openai.com/v1,
// http://vllm:8000/v1, https://generativelanguage.googleapis.com/v1beta/openai) gets
// /chat/completions appended; a base URL without one (http://localhost:11434 for Ollama)
// gets /v1/chat/completions; a URL already ending in /chat/completions is used as is.
//
// Errors: an error status becomes a *StatusError carrying the status and the server's
// message (the API key is never part of an error or a log line; URLs in errors are
// reduced to scheme and host). Each call is bounded by Config.Timeout and the caller's
// context.
package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/learnd/learnd/ai"
)

// Config configures the client.
type Config struct {
	URL    string // base URL or full chat-completions URL (see the package comment)
	Model  string // required
	APIKey string // sent as "Authorization: Bearer …" when set
	// Timeout bounds one HTTP call (0: two minutes).
	Timeout time.Duration
	// HTTPClient is the client to use (nil: a default one).
	HTTPClient *http.Client
	// ContextTokens is the model's context window in tokens (0: 16384; at least 8192).
	// Every request's messages plus its max_tokens stay within it.
	ContextTokens int
	// ReplyTokens overrides the max_tokens asked for (0: a quarter of ContextTokens, at most
	// 4096), for servers with a lower output limit.
	ReplyTokens int
	// JSONObjectOnly skips json_schema and asks for json_object from the start (for
	// servers known not to support structured outputs).
	JSONObjectOnly bool
}

// Client is the OpenAI-compatible ai.Generator.
type Client struct {
	cfg      Config
	budget   budget
	endpoint string
	host     string // scheme://host, for errors
	http     *http.Client
	noSchema atomic.Bool // the server rejected json_schema: use json_object
	// The server rejected max_tokens and asked for max_completion_tokens (OpenAI's
	// reasoning models).
	completionTokens atomic.Bool
}

var _ ai.Generator = (*Client)(nil)

// ErrInvalidReply is wrapped by the error returned when the model's reply is malformed,
// invalid or cut off twice (the first reply and the retry).
var ErrInvalidReply = errors.New("the model's reply was not valid")

// StatusError is an error status from the endpoint.
type StatusError struct {
	StatusCode int
	Message    string // the server's error message, without secrets
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("llm endpoint answered %d: %s", e.StatusCode, msg)
}

// Permanent: the endpoint refuses the request itself (a bad key, an unknown model, a
// request it cannot take), so trying again cannot help; timeouts (408), rate limits (429)
// and server errors can pass (see ai.Permanent).
func (e *StatusError) Permanent() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusRequestTimeout && e.StatusCode != http.StatusTooManyRequests
}

// New checks the configuration and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.Model == "" {
		return nil, errors.New("openai generator: a model is required (LEARND_LLM_MODEL)")
	}
	endpoint, host, err := Endpoint(cfg.URL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	b, err := newBudget(cfg.ContextTokens, cfg.ReplyTokens)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	c := &Client{cfg: cfg, budget: b, endpoint: endpoint, host: host, http: hc}
	c.noSchema.Store(cfg.JSONObjectOnly)
	return c, nil
}

var versionSegment = regexp.MustCompile(`^v\d+[a-z0-9]*$`)

// Endpoint turns a configured URL into the chat-completions URL (see the package
// comment) and the scheme://host used in errors.
func Endpoint(raw string) (endpoint, host string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", errors.New("openai generator: LEARND_LLM_URL must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:11434")
	}
	host = u.Scheme + "://" + u.Host
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
	case hasVersionSegment(p):
		p += "/chat/completions"
	default:
		p += "/v1/chat/completions"
	}
	u.Path = p
	u.RawPath = ""
	return u.String(), host, nil
}

func hasVersionSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if versionSegment.MatchString(seg) {
			return true
		}
	}
	return false
}

// String describes the client without secrets.
func (c *Client) String() string { return "openai-compatible " + c.host + " model " + c.cfg.Model }

// errorMessage finds the message in an error body: OpenAI's {"error":{"message":…}},
// Ollama's {"error":"…"}, FastAPI's {"detail":…}, else the start of the body.
func errorMessage(body []byte) string {
	var v struct {
		Error  json.RawMessage `json:"error"`
		Detail json.RawMessage `json:"detail"`
		Msg    string          `json:"message"`
	}
	if json.Unmarshal(body, &v) == nil {
		var s string
		var o struct {
			Message string `json:"message"`
		}
		switch {
		case json.Unmarshal(v.Error, &s) == nil && s != "":
			return truncate(s, 500)
		case json.Unmarshal(v.Error, &o) == nil && o.Message != "":
			return truncate(o.Message, 500)
		case json.Unmarshal(v.Detail, &s) == nil && s != "":
			return truncate(s, 500)
		case len(v.Detail) > 0:
			return truncate(string(v.Detail), 500)
		case v.Msg != "":
			return truncate(v.Msg, 500)
		}
	}
	return truncate(strings.TrimSpace(string(body)), 300)
}

// redact removes the API key from a server's message (some echo a bad key back).
func (c *Client) redact(s string) string {
	if k := c.cfg.APIKey; len(k) >= 4 {
		s = strings.ReplaceAll(s, k, "[redacted]")
		if len(k) > 8 {
			s = strings.ReplaceAll(s, k[len(k)-8:], "[redacted]")
		}
	}
	return s
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
