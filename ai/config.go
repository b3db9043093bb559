package ai

import (
	"net/url"
	"time"
)

// Config chooses and configures the Generator (see package ai/provider, whose New turns
// it into one): with URL set, an OpenAI-compatible chat-completions endpoint
// (LEARND_LLM_URL, LEARND_LLM_MODEL, LEARND_LLM_API_KEY); without, the offline generator.
type Config struct {
	// URL is the endpoint's base URL: "https://api.openai.com/v1", "http://localhost:11434"
	// (Ollama), "http://vllm:8000/v1", or the full …/chat/completions URL.
	URL    string
	Model  string
	APIKey string
	// Timeout bounds one chat-completions call (0: two minutes); the caller's context
	// bounds the whole generation.
	Timeout time.Duration
	// ContextTokens is the model's context window in tokens (LEARND_LLM_CONTEXT_TOKENS; 0:
	// 16384). Source text, instructions and the reply of one call are kept within it, so
	// a local 8k-token model works as well as a 128k one.
	ContextTokens int
}

// Describe names the configured generator for logs, without credentials.
func (c Config) Describe() string {
	if c.URL == "" {
		return "offline (built-in, no model)"
	}
	host := "invalid LEARND_LLM_URL"
	if u, err := url.Parse(c.URL); err == nil {
		host = u.Scheme + "://" + u.Host
	}
	return "openai-compatible " + host + " model " + c.Model
}
