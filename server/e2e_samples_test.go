package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/learnd/learnd/server/servertest"
)

// The spec the server serves carries every operation's code samples (x-codeSamples: curl
// and the Go SDK), which the explorer shows.
func TestE2EServedSpecCodeSamples(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	r := e2eDo(t, http.MethodGet, env.URL+"/openapi.json", "", nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d", r.Status)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				OperationID string `json:"operationId"`
				Samples     []struct {
					Lang, Label, Source string
				} `json:"x-codeSamples"`
			}
			if json.Unmarshal(raw, &op) != nil || op.OperationID == "" {
				continue
			}
			ops++
			if len(op.Samples) != 2 || !strings.HasPrefix(op.Samples[0].Source, "curl ") || !strings.Contains(op.Samples[1].Source, "sdk.New(") {
				t.Errorf("%s %s: x-codeSamples %+v", method, path, op.Samples)
			}
		}
	}
	if ops < 90 {
		t.Fatalf("%d operations in the served spec", ops)
	}
}
