// Package openai is the ai.Generator for any OpenAI-compatible chat-completions endpoint:
// OpenAI, Ollama, vLLM, and the many servers that speak the same API.
//
// Each call POSTs {URL}/chat/completions with the model, a system message (the rules and
// the JSON schema of the reply) and a user message (the request and, when grounded, the
// numbered source chunks with their ids), asking for JSON through response_format
// (json_schema; when the server rejects that, json_object from then on, the schema
// staying in the system message). The reply is checked against the schema and the
// package ai validation rules; when it is malformed or invalid the conversation is sent
// again ONCE with the reply and the validation error appended, and a second bad reply is
// an error wrapping ErrInvalidReply. Cited chunk numbers become Question.SourceChunkID.
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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	// MaxContextChars bounds the source text put into one prompt (0: 60000 characters,
	// about 15k tokens); beyond it the chunks most relevant to the prompt are chosen.
	MaxContextChars int
	// JSONObjectOnly skips json_schema and asks for json_object from the start (for
	// servers known not to support structured outputs).
	JSONObjectOnly bool
}

// Client is the OpenAI-compatible ai.Generator.
type Client struct {
	cfg      Config
	endpoint string
	host     string // scheme://host, for errors
	http     *http.Client
	noSchema atomic.Bool // the server rejected json_schema: use json_object
}

var _ ai.Generator = (*Client)(nil)

// ErrInvalidReply is wrapped by the error returned when the model's reply is malformed
// or invalid twice (the first reply and the retry).
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
	if cfg.MaxContextChars <= 0 {
		cfg.MaxContextChars = 60000
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	c := &Client{cfg: cfg, endpoint: endpoint, host: host, http: hc}
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

// message is one chat message.
type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string         `json:"model"`
	Messages       []message      `json:"messages"`
	Temperature    float64        `json:"temperature"`
	ResponseFormat map[string]any `json:"response_format"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Error json.RawMessage `json:"error"`
}

// generate runs the conversation for one reply of kind k: the first call, and one retry
// with the validation error when the reply is malformed or fails check.
func (c *Client) generate(ctx context.Context, k schemaKind, system, user string, check func(raw []byte) error) error {
	msgs := []message{{Role: "system", Content: system}, {Role: "user", Content: user}}
	for attempt := 1; ; attempt++ {
		content, err := c.call(ctx, k, msgs)
		if err != nil {
			return err
		}
		raw := extractJSON(content)
		verr := validateJSON(k, raw)
		if verr == nil {
			verr = check(raw)
		}
		if verr == nil {
			return nil
		}
		if attempt == 2 {
			return fmt.Errorf("%w (after one retry): %v", ErrInvalidReply, verr)
		}
		msgs = append(msgs,
			message{Role: "assistant", Content: content},
			message{Role: "user", Content: "Your reply was not valid: " + verr.Error() +
				"\nReply again with only the corrected JSON object, matching the schema and the rules."})
	}
}

// call makes one chat-completions request and returns the reply's content.
func (c *Client) call(ctx context.Context, k schemaKind, msgs []message) (string, error) {
	content, err := c.post(ctx, k, msgs, c.noSchema.Load())
	var se *StatusError
	if err != nil && !c.noSchema.Load() && errors.As(err, &se) && se.StatusCode >= 400 && se.StatusCode < 500 &&
		se.StatusCode != http.StatusUnauthorized && se.StatusCode != http.StatusForbidden && se.StatusCode != http.StatusTooManyRequests &&
		mentionsFormat(se.Message) {
		// The server does not do structured outputs: ask for a JSON object instead.
		c.noSchema.Store(true)
		return c.post(ctx, k, msgs, true)
	}
	return content, err
}

func mentionsFormat(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") || strings.Contains(m, "response format") ||
		strings.Contains(m, "structured output") || strings.Contains(m, "schema")
}

func (c *Client) post(ctx context.Context, k schemaKind, msgs []message, jsonObject bool) (string, error) {
	rf := map[string]any{"type": "json_object"}
	if !jsonObject {
		rf = map[string]any{"type": "json_schema", "json_schema": map[string]any{
			"name": "learnd_" + string(k), "strict": true, "schema": requestSchema(k)}}
	}
	body, err := json.Marshal(chatRequest{Model: c.cfg.Model, Messages: msgs, Temperature: 0.2, ResponseFormat: rf})
	if err != nil {
		return "", fmt.Errorf("llm request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("llm request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "learnd")
	if c.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the full URL
		}
		return "", fmt.Errorf("llm endpoint %s: %w", c.host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return "", fmt.Errorf("llm endpoint %s: read reply: %w", c.host, err)
	}
	if resp.StatusCode >= 400 {
		return "", &StatusError{StatusCode: resp.StatusCode, Message: c.redact(errorMessage(data))}
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return "", fmt.Errorf("llm endpoint %s: the reply is not a chat completion: %v", c.host, err)
	}
	if len(cr.Error) > 0 && string(cr.Error) != "null" {
		return "", &StatusError{StatusCode: resp.StatusCode, Message: c.redact(errorMessage(data))}
	}
	if len(cr.Choices) == 0 {
		return "", fmt.Errorf("llm endpoint %s: the reply has no choices", c.host)
	}
	ch := cr.Choices[0]
	if ch.Message.Refusal != nil && *ch.Message.Refusal != "" {
		return "", fmt.Errorf("llm endpoint %s: the model refused: %s", c.host, truncate(*ch.Message.Refusal, 300))
	}
	if ch.Message.Content == nil {
		return "", fmt.Errorf("llm endpoint %s: the reply has no content", c.host)
	}
	// A reply cut off at the token limit (finish_reason "length") is incomplete JSON:
	// validation reports it and the retry asks again.
	return *ch.Message.Content, nil
}

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

// extractJSON takes the JSON object out of a reply: as is, or inside a Markdown fence,
// or from the first "{" to the last "}".
func extractJSON(content string) []byte {
	s := strings.TrimSpace(content)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```")
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
		s = strings.TrimSpace(s)
	}
	if !json.Valid([]byte(s)) {
		if i, j := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); i >= 0 && j > i && json.Valid([]byte(s[i:j+1])) {
			s = s[i : j+1]
		}
	}
	return []byte(s)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
