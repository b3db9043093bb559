package provider

import (
	"testing"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
	"github.com/learnd/learnd/ai/openai"
)

func TestProviderNew(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		cfg     ai.Config
		want    string // "offline", "openai" or "error"
		describ string
	}{
		{"default offline", ai.Config{}, "offline", "offline (built-in, no model)"},
		{"openai", ai.Config{URL: "http://localhost:11434", Model: "llama3.1", APIKey: "sk-secret"}, "openai", "openai-compatible http://localhost:11434 model llama3.1"},
		{"model missing", ai.Config{URL: "https://api.openai.com/v1"}, "error", ""},
		{"bad url", ai.Config{URL: "localhost", Model: "m"}, "error", ""},
		{"local 8k model", ai.Config{URL: "http://localhost:11434", Model: "llama3.1:8b", ContextTokens: 8192}, "openai", "openai-compatible http://localhost:11434 model llama3.1:8b"},
		{"context too small", ai.Config{URL: "http://localhost:11434", Model: "llama3.1:8b", ContextTokens: 2048}, "error", ""},
	}
	for _, tc := range cases {
		g, err := New(tc.cfg)
		switch tc.want {
		case "error":
			if err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			continue
		case "offline":
			if _, ok := g.(*offline.Generator); !ok || err != nil {
				t.Errorf("%s: %T, %v", tc.name, g, err)
			}
		case "openai":
			if _, ok := g.(*openai.Client); !ok || err != nil {
				t.Errorf("%s: %T, %v", tc.name, g, err)
			}
		}
		if d := tc.cfg.Describe(); d != tc.describ {
			t.Errorf("%s: Describe() = %q, want %q", tc.name, d, tc.describ)
		}
	}
}
