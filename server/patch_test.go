package server

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/learnd/learnd/gen/api"
)

func TestMergeIntoReplacesArraysOfObjects(t *testing.T) {
	t.Parallel()
	w := 5.0
	current := api.Assessment{Kind: "learning", Name: "A", Questions: []api.Question{
		{Id: "q1", Text: "Old", Type: "single_choice", Options: &[]string{"a", "b"}, Weight: &w, Required: ptr(true)},
	}}
	got, err := mergeInto[api.AssessmentCreate](current, map[string]any{
		"questions": []any{map[string]any{"id": "q2", "text": "New", "type": "text"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := (*got.Questions)[0]
	if len(*got.Questions) != 1 || q.Id != "q2" || q.Options != nil || q.Weight != nil || q.Required != nil {
		b, _ := json.Marshal(got.Questions)
		t.Fatalf("the old question leaked into the new one: %s", b)
	}
	if got.Name != "A" || got.Kind != "learning" {
		t.Fatalf("absent members changed: %+v", got)
	}
}

func TestMergeInto(t *testing.T) {
	t.Parallel()
	prog, sessions := "prg-1", 4
	current := api.Cohort{Name: "A", ProgramId: &prog, SessionCount: &sessions, Status: "draft",
		Tags: api.Tags{"x", "y"}, Metadata: api.Metadata{"keep": 1.0, "drop": "me"}}
	cases := []struct {
		name, patch string
		want        func(c *api.CohortCreate) bool
	}{
		{"absent members unchanged", `{"status":"active"}`, func(c *api.CohortCreate) bool {
			return c.Name == "A" && *c.ProgramId == "prg-1" && *c.SessionCount == 4 && *c.Status == "active"
		}},
		{"null clears", `{"program_id":null,"session_count":null}`, func(c *api.CohortCreate) bool {
			return c.ProgramId == nil && c.SessionCount == nil && c.Name == "A"
		}},
		{"arrays replace", `{"tags":["z"]}`, func(c *api.CohortCreate) bool {
			return reflect.DeepEqual([]string(*c.Tags), []string{"z"})
		}},
		{"objects merge, null deletes inside", `{"metadata":{"drop":null,"new":true}}`, func(c *api.CohortCreate) bool {
			return reflect.DeepEqual(map[string]any(*c.Metadata), map[string]any{"keep": 1.0, "new": true}) && *c.ProgramId == "prg-1"
		}},
		{"object path still clears scalars", `{"metadata":{},"program_id":null}`, func(c *api.CohortCreate) bool {
			return c.ProgramId == nil && len(*c.Metadata) == 2
		}},
	}
	for _, tc := range cases {
		var patch map[string]any
		if err := json.Unmarshal([]byte(tc.patch), &patch); err != nil {
			t.Fatal(err)
		}
		got, err := mergeInto[api.CohortCreate](current, patch)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !tc.want(&got) {
			b, _ := json.Marshal(got)
			t.Errorf("%s: got %s", tc.name, b)
		}
	}
}
