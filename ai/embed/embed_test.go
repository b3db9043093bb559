package embed

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestEmbedLocalRanksRelatedTextsCloser(t *testing.T) {
	t.Parallel()
	texts := []string{
		"Confined spaces need a permit, an attendant outside and gas testing before entry.",
		"Before entering a confined space, test the air for gas and post an attendant; a permit is required.",
		"The quarterly sales report shows revenue growth in the northern region.",
		"",
	}
	vecs, err := Local{}.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs[:3] {
		if len(v) != LocalDimensions {
			t.Fatalf("vector %d has %d dims", i, len(v))
		}
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-4 {
			t.Errorf("vector %d norm² = %f, want 1", i, n)
		}
	}
	related, unrelated := Cosine(vecs[0], vecs[1]), Cosine(vecs[0], vecs[2])
	if related < 0.3 || related <= unrelated+0.2 {
		t.Errorf("cosine(related) = %.3f, cosine(unrelated) = %.3f", related, unrelated)
	}
	if Cosine(vecs[0], vecs[3]) != 0 {
		t.Errorf("an empty text should embed as the zero vector")
	}
	again, _ := Local{}.Embed(context.Background(), texts[:1])
	if Cosine(again[0], vecs[0]) < 0.9999 {
		t.Errorf("the local embedder is not deterministic")
	}
	if got := Terms("The Hazards of Boxes and Policies"); strings.Join(got, ",") != "hazard,box,policy" {
		t.Errorf("Terms = %v", got)
	}
}

func TestEmbedOpenAIClient(t *testing.T) {
	t.Parallel()
	var calls, fail atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
			http.Error(w, "wrong path "+r.URL.Path, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"message":"bad key"}}`)
			return
		}
		if fail.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var req embeddingsRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "emb-1" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		type item struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []item
		for i := len(req.Input) - 1; i >= 0; i-- { // out of order: the client must sort by index
			data = append(data, item{Index: i, Embedding: []float32{float32(len(req.Input[i])), 0, 0, 0}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	defer srv.Close()

	e, err := NewOpenAI(OpenAIConfig{URL: srv.URL, Model: "emb-1", APIKey: "sk-test", Batch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "openai:emb-1" {
		t.Errorf("Name = %q", e.Name())
	}
	fail.Store(1) // the first request gets a 503 and is retried
	vecs, err := e.Embed(context.Background(), []string{"a", "bb", "ccc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 3 || vecs[0][0] != 1 || vecs[2][0] != 1 || len(vecs[1]) != 4 {
		t.Errorf("vectors = %v", vecs)
	}
	if got := calls.Load(); got != 3 { // 503, then two batches
		t.Errorf("calls = %d, want 3", got)
	}

	bad, _ := NewOpenAI(OpenAIConfig{URL: srv.URL + "/v1", Model: "emb-1", APIKey: "wrong"})
	if _, err := bad.Embed(context.Background(), []string{"x"}); err == nil || !strings.Contains(err.Error(), "bad key") || !strings.Contains(err.Error(), "401") {
		t.Errorf("error = %v, want the 401 with the server's message", err)
	}
	if _, err := New("", "", ""); err != nil {
		t.Error(err)
	}
	if e, _ := New("", "", ""); e.Name() != (Local{}).Name() {
		t.Errorf("New without a URL = %s, want the local embedder", e.Name())
	}
	if _, err := New(srv.URL, "", ""); err == nil {
		t.Error("a URL without a model should be refused")
	}
}
