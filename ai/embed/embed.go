// Package embed turns text into vectors for retrieval over uploaded source materials. An
// Embedder is either the built-in Local embedder (no model, no network: a feature-hashed,
// TF-IDF-style vector of word unigrams and bigrams) or an OpenAI-compatible
// /v1/embeddings client (OpenAI, Ollama, vLLM, …). Every vector an Embedder returns is
// L2-normalised, so the dot product of two vectors is their cosine similarity, and is
// stored with the Embedder's Name: vectors of different embedders are never compared.
package embed

import (
	"context"
	"math"
)

// Embedder embeds texts.
type Embedder interface {
	// Name identifies the model and its vector space (e.g. "local-hash-v1/384",
	// "openai:text-embedding-3-small"); vectors are comparable only under the same name.
	Name() string
	// Embed returns one L2-normalised vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Cosine is the cosine similarity of two vectors of the same length (0 when either is
// empty, zero or the lengths differ).
func Cosine(a, b []float32) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// normalise scales v to unit length in place (a zero vector stays zero).
func normalise(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	inv := 1 / math.Sqrt(n)
	for i := range v {
		v[i] = float32(float64(v[i]) * inv)
	}
	return v
}

// New returns the embedder the settings ask for: an OpenAI-compatible client of url (with
// model and, when set, apiKey) when url is set, else the built-in Local embedder.
func New(url, model, apiKey string) (Embedder, error) {
	if url == "" {
		return Local{}, nil
	}
	return NewOpenAI(OpenAIConfig{URL: url, Model: model, APIKey: apiKey})
}
