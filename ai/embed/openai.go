package embed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// OpenAI is a client of an OpenAI-compatible embeddings endpoint (POST …/v1/embeddings:
// OpenAI, Azure-style proxies, Ollama, vLLM, LM Studio).
type OpenAI struct {
	endpoint string
	model    string
	apiKey   string
	client   *http.Client
	batch    int
}

var _ Embedder = (*OpenAI)(nil)

// OpenAIConfig configures NewOpenAI.
type OpenAIConfig struct {
	// URL is the API base (e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1);
	// the client posts to URL + "/embeddings". A URL already ending in /embeddings is used
	// as it is; one without a path gets /v1/embeddings.
	URL    string
	Model  string // required
	APIKey string // sent as a bearer token when set
	// Client is the HTTP client (default: one with a 60 s timeout).
	Client *http.Client
	// Batch is the number of texts per request (default 64).
	Batch int
}

// NewOpenAI returns a client for cfg.
func NewOpenAI(cfg OpenAIConfig) (*OpenAI, error) {
	if cfg.URL == "" {
		return nil, errors.New("embeddings: the endpoint URL is empty")
	}
	if cfg.Model == "" {
		return nil, errors.New("embeddings: the model is not set (LEARND_EMBEDDINGS_MODEL)")
	}
	ep := strings.TrimRight(cfg.URL, "/")
	switch {
	case strings.HasSuffix(ep, "/embeddings"):
	case strings.Count(ep, "/") <= 2: // scheme://host[:port]
		ep += "/v1/embeddings"
	default:
		ep += "/embeddings"
	}
	c := cfg.Client
	if c == nil {
		c = &http.Client{Timeout: 60 * time.Second}
	}
	b := cfg.Batch
	if b <= 0 {
		b = 64
	}
	return &OpenAI{endpoint: ep, model: cfg.Model, apiKey: cfg.APIKey, client: c, batch: b}, nil
}

// Name implements Embedder.
func (o *OpenAI) Name() string { return "openai:" + o.model }

// Embed implements Embedder: texts go in batches; a 429 or 5xx answer is retried twice
// (honouring Retry-After up to 10 s); every vector is L2-normalised and all must share
// one length.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	dims := 0
	for start := 0; start < len(texts); start += o.batch {
		end := min(start+o.batch, len(texts))
		vecs, err := o.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		for _, v := range vecs {
			if dims == 0 {
				dims = len(v)
			}
			if len(v) == 0 || len(v) != dims {
				return nil, fmt.Errorf("embeddings: the endpoint returned vectors of different lengths (%d and %d)", dims, len(v))
			}
			out = append(out, normalise(v))
		}
	}
	return out, nil
}

type embeddingsRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type embeddingsResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func (o *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	// Empty strings are refused by some servers; a lone space embeds as "nothing".
	in := make([]string, len(texts))
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			t = " "
		}
		in[i] = t
	}
	body, err := json.Marshal(embeddingsRequest{Model: o.model, Input: in})
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		res, wait, err := o.post(ctx, body)
		if err == nil {
			return o.decode(res, len(texts))
		}
		lastErr = err
		if wait < 0 { // not retryable
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	return nil, lastErr
}

// post sends one request; on failure wait says how long to wait before a retry (negative:
// do not retry).
func (o *OpenAI) post(ctx context.Context, body []byte) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, -1, fmt.Errorf("embeddings: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if o.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.apiKey)
	}
	res, err := o.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, time.Second, fmt.Errorf("embeddings: %s: %w", o.endpoint, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if err != nil {
		return nil, time.Second, fmt.Errorf("embeddings: read the answer: %w", err)
	}
	if res.StatusCode/100 == 2 {
		return b, 0, nil
	}
	msg := apiError(b)
	err = fmt.Errorf("embeddings: %s answered %d: %s", o.endpoint, res.StatusCode, msg)
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500 {
		wait := time.Second
		if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s >= 0 {
			wait = min(time.Duration(s)*time.Second, 10*time.Second)
		}
		return nil, wait, err
	}
	return nil, -1, err
}

func (o *OpenAI) decode(b []byte, n int) ([][]float32, error) {
	var r embeddingsResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("embeddings: the answer is not the expected JSON: %w", err)
	}
	if len(r.Data) != n {
		return nil, fmt.Errorf("embeddings: asked for %d vectors, got %d", n, len(r.Data))
	}
	out := make([][]float32, n)
	for i, d := range r.Data {
		idx := d.Index
		if idx < 0 || idx >= n || out[idx] != nil {
			idx = i // servers that omit "index" list the vectors in order
		}
		out[idx] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("embeddings: no vector for input %d", i)
		}
	}
	return out, nil
}

// apiError extracts an error message from an OpenAI-style error body (or its start).
func apiError(b []byte) string {
	var r embeddingsResponse
	if json.Unmarshal(b, &r) == nil && r.Error != nil && r.Error.Message != "" {
		return r.Error.Message
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "(empty body)"
	}
	return s
}
