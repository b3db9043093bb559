package main_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// pager serves /api/v1/learning/cohorts in pages of two: "" → t2 → t3 → end.
func pager(t *testing.T, failOn string, seen *[]string) http.HandlerFunc {
	pages := map[string]struct {
		ids  []string
		next string
	}{
		"":   {[]string{"coh_1", "coh_2"}, "t2"},
		"t2": {[]string{"coh_3", "coh_4"}, "t3"},
		"t3": {[]string{"coh_5"}, ""},
	}
	var mu sync.Mutex
	return func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("page_token")
		mu.Lock()
		*seen = append(*seen, tok+"|"+r.URL.Query().Get("page_size")+"|"+r.URL.Query().Get("status"))
		runaway := len(*seen) > 10
		mu.Unlock()
		if runaway {
			writeJSON(w, "application/problem+json", 500, problem(500, "Runaway", "runaway", "the walk does not stop"))
			return
		}
		if tok == failOn {
			writeJSON(w, "application/problem+json", 400, problem(400, "Bad request", "bad_page_token", "page_token was modified"))
			return
		}
		pg, ok := pages[tok]
		if !ok {
			t.Errorf("unknown page_token %q", tok)
		}
		body := map[string]any{"data": []any{}, "has_more": pg.next != ""}
		var data []any
		for _, id := range pg.ids {
			data = append(data, cohort(id))
		}
		body["data"] = data
		if pg.next != "" {
			body["next_page_token"] = pg.next
		}
		writeJSON(w, "application/json", 200, body)
	}
}

func TestAllWalksEveryPage(t *testing.T) {
	var seen []string
	c := newSDK(t, pager(t, "none", &seen))
	size := 2
	status := client.CohortStatus("active")
	params := &client.ListCohortsParams{PageSize: &size, Status: &status}
	var ids []string
	for coh, err := range c.Learning.Cohorts.All(context.Background(), params) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		ids = append(ids, coh.Id)
	}
	if got := strings.Join(ids, ","); got != "coh_1,coh_2,coh_3,coh_4,coh_5" {
		t.Errorf("items %s", got)
	}
	if got := strings.Join(seen, " "); got != "|2|active t2|2|active t3|2|active" {
		t.Errorf("requests (page_token|page_size|status): %s", got)
	}
	if params.PageToken != nil {
		t.Errorf("All modified the caller's params")
	}

	// Breaking out stops the walk without fetching further pages.
	seen = nil
	for range c.Learning.Cohorts.All(context.Background(), nil) {
		break
	}
	if len(seen) != 1 {
		t.Errorf("break after the first item still made %d requests", len(seen))
	}
}

func TestAllSurfacesErrorMidway(t *testing.T) {
	var seen []string
	c := newSDK(t, pager(t, "t2", &seen))
	var ids []string
	var errs []error
	for coh, err := range c.Learning.Cohorts.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, coh.Id)
	}
	if strings.Join(ids, ",") != "coh_1,coh_2" {
		t.Errorf("items before the error: %v", ids)
	}
	if len(errs) != 1 || sdk.StatusCode(errs[0]) != 400 {
		t.Errorf("errors: %v, want one 400", errs)
	}
	if len(seen) != 2 {
		t.Errorf("%d requests, want 2 (the walk stops at the error)", len(seen))
	}
}
