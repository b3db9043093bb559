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
	"strings"
)

// message is one chat message.
type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model               string         `json:"model"`
	Messages            []message      `json:"messages"`
	Temperature         float64        `json:"temperature"`
	MaxTokens           int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens int            `json:"max_completion_tokens,omitempty"`
	ResponseFormat      map[string]any `json:"response_format"`
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

// maxRetryReason bounds the validation error sent back with a retry (the budget keeps
// room for it).
const maxRetryReason = 1500

// generate runs the conversation for one reply of kind k: the first call, and one retry
// when the reply is malformed or fails check (with the reply and the reasons appended), or
// is cut off at the token limit (the request again, asking for a shorter reply).
func (c *Client) generate(ctx context.Context, k schemaKind, system, user string, check func(raw []byte) error) error {
	msgs := []message{{Role: "system", Content: system}, {Role: "user", Content: user}}
	for attempt := 1; ; attempt++ {
		content, finish, err := c.call(ctx, k, msgs)
		if err != nil {
			return err
		}
		if finish == "length" || cutOff(content) {
			if attempt == 2 {
				return fmt.Errorf("%w (after one retry): the reply was cut off at the length limit (%d tokens)", ErrInvalidReply, c.budget.reply)
			}
			// The cut-off reply is not sent back: it would only use up the context.
			msgs = []message{msgs[0], {Role: "user", Content: user + "\n\n" + shorterNote(k, c.budget.reply)}}
			continue
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
			message{Role: "user", Content: "Your reply was not valid: " + truncate(verr.Error(), maxRetryReason) +
				"\nReply again with only the corrected JSON object, matching the schema and the rules."})
	}
}

// cutOff reports whether a reply is JSON that stops mid-value (a reply cut off at the
// token limit by a server that does not say so in finish_reason).
func cutOff(content string) bool {
	s := strings.TrimSpace(content)
	if strings.HasPrefix(s, "```") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	i := strings.IndexByte(s, '{')
	if i < 0 {
		return false
	}
	var v any
	return errors.Is(json.NewDecoder(strings.NewReader(s[i:])).Decode(&v), io.ErrUnexpectedEOF)
}

// call makes one chat-completions request and returns the reply's content and finish
// reason. A server that rejects max_tokens (asking for max_completion_tokens) or
// json_schema is asked again in the form it accepts, and from then on.
func (c *Client) call(ctx context.Context, k schemaKind, msgs []message) (content, finish string, err error) {
	for fallback := 0; ; fallback++ {
		content, finish, err = c.post(ctx, k, msgs)
		var se *StatusError
		if err == nil || fallback == 2 || !errors.As(err, &se) || se.StatusCode < 400 || se.StatusCode >= 500 ||
			se.StatusCode == http.StatusUnauthorized || se.StatusCode == http.StatusForbidden || se.StatusCode == http.StatusTooManyRequests {
			return content, finish, err
		}
		switch {
		case !c.completionTokens.Load() && strings.Contains(se.Message, "max_completion_tokens"):
			c.completionTokens.Store(true)
		case !c.noSchema.Load() && mentionsFormat(se.Message):
			// The server does not do structured outputs: ask for a JSON object instead.
			c.noSchema.Store(true)
		default:
			return content, finish, err
		}
	}
}

func mentionsFormat(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") || strings.Contains(m, "response format") ||
		strings.Contains(m, "structured output") || strings.Contains(m, "schema")
}

func (c *Client) post(ctx context.Context, k schemaKind, msgs []message) (content, finish string, err error) {
	rf := map[string]any{"type": "json_object"}
	if !c.noSchema.Load() {
		rf = map[string]any{"type": "json_schema", "json_schema": map[string]any{
			"name": "learnd_" + string(k), "strict": true, "schema": requestSchema(k)}}
	}
	cr := chatRequest{Model: c.cfg.Model, Messages: msgs, Temperature: 0.2, ResponseFormat: rf}
	if c.completionTokens.Load() {
		cr.MaxCompletionTokens = c.budget.reply
	} else {
		cr.MaxTokens = c.budget.reply
	}
	body, err := json.Marshal(cr)
	if err != nil {
		return "", "", fmt.Errorf("llm request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", "", fmt.Errorf("llm request: %w", err)
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
		return "", "", fmt.Errorf("llm endpoint %s: %w", c.host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return "", "", fmt.Errorf("llm endpoint %s: read reply: %w", c.host, err)
	}
	if resp.StatusCode >= 400 {
		return "", "", &StatusError{StatusCode: resp.StatusCode, Message: c.redact(errorMessage(data))}
	}
	var out chatResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return "", "", fmt.Errorf("llm endpoint %s: the reply is not a chat completion: %v", c.host, err)
	}
	if len(out.Error) > 0 && string(out.Error) != "null" {
		return "", "", &StatusError{StatusCode: resp.StatusCode, Message: c.redact(errorMessage(data))}
	}
	if len(out.Choices) == 0 {
		return "", "", fmt.Errorf("llm endpoint %s: the reply has no choices", c.host)
	}
	ch := out.Choices[0]
	if ch.Message.Refusal != nil && *ch.Message.Refusal != "" {
		return "", "", fmt.Errorf("llm endpoint %s: the model refused: %s", c.host, truncate(*ch.Message.Refusal, 300))
	}
	if ch.Message.Content == nil {
		if ch.FinishReason == "length" {
			return "", ch.FinishReason, nil // cut off before any content: retried, shorter
		}
		return "", "", fmt.Errorf("llm endpoint %s: the reply has no content", c.host)
	}
	return *ch.Message.Content, ch.FinishReason, nil
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
