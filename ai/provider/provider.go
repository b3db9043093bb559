// Package provider chooses learnd's course generator from its configuration: the
// OpenAI-compatible client when a model endpoint is configured, else the built-in
// offline generator. (It lives apart from package ai because both generators import ai.)
package provider

import (
	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
	"github.com/learnd/learnd/ai/openai"
)

// New returns the generator cfg describes: with cfg.URL set (LEARND_LLM_URL), the
// OpenAI-compatible generator, which then needs cfg.Model (LEARND_LLM_MODEL) and keeps
// every call within cfg.ContextTokens (LEARND_LLM_CONTEXT_TOKENS; 0: 16384, at least
// 8192); without, the offline one.
func New(cfg ai.Config) (ai.Generator, error) {
	if cfg.URL == "" {
		return offline.New(), nil
	}
	return openai.New(openai.Config{URL: cfg.URL, Model: cfg.Model, APIKey: cfg.APIKey, Timeout: cfg.Timeout,
		ContextTokens: cfg.ContextTokens})
}
