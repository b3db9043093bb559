package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// newSDK starts srv and returns an SDK client pointing at it.
func newSDK(t *testing.T, h http.HandlerFunc, opts ...sdk.Option) *sdk.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := sdk.New(srv.URL, opts...)
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, ct string, status int, v any) {
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func problem(status int, title, code, detail string) map[string]any {
	return map[string]any{
		"type": "https://learnd.dev/problems/" + code, "title": title, "status": status,
		"detail": detail, "code": code, "request_id": "req-1",
	}
}

func cohort(id string) map[string]any {
	return map[string]any{"id": id, "name": "Cohort " + id, "version": 1, "status": "active"}
}

// tapTransport reads each request body itself before forwarding a copy, as logging or
// signing middleware does: a retry that does not rewind the body sends an empty one.
type tapTransport struct{}

func (tapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var data []byte
	if r.Body != nil {
		data, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	out := r.Clone(r.Context())
	out.Body, out.GetBody, out.ContentLength = io.NopCloser(bytes.NewReader(data)), nil, int64(len(data))
	return http.DefaultTransport.RoundTrip(out)
}

func TestRetryAfter429ThenSuccessResendsBody(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]sdk.Option{
		"default transport":      nil,
		"body-reading transport": {sdk.WithHTTPClient(&http.Client{Transport: tapTransport{}})},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var (
				mu     sync.Mutex
				bodies []string
				times  []time.Time
			)
			c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				times = append(times, time.Now())
				n := len(bodies)
				mu.Unlock()
				if r.Method != http.MethodPost || r.URL.Path != "/api/v1/learning/cohorts" || r.Header.Get("Idempotency-Key") != "idem-1" {
					t.Errorf("request %s %s %v", r.Method, r.URL.Path, r.Header)
				}
				if n == 1 {
					w.Header().Set("Retry-After", "1")
					writeJSON(w, "application/problem+json", 429, problem(429, "Too many requests", "rate_limited", "slow down"))
					return
				}
				writeJSON(w, "application/json", 201, cohort("coh_1"))
			}, opts...)

			start := time.Now()
			key := "idem-1"
			got, err := c.Learning.Cohorts.Create(context.Background(),
				&client.CreateCohortParams{IdempotencyKey: &key}, client.CohortCreate{Name: "Spring intake"})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if elapsed := time.Since(start); elapsed < time.Second {
				t.Errorf("returned after %s, want ≥ 1s (Retry-After: 1)", elapsed)
			}
			if got.Id != "coh_1" {
				t.Errorf("got id %q, want coh_1", got.Id)
			}
			if len(bodies) != 2 {
				t.Fatalf("server saw %d requests, want 2", len(bodies))
			}
			if gap := times[1].Sub(times[0]); gap < time.Second {
				t.Errorf("retry came %s after the 429, want ≥ 1s", gap)
			}
			if !strings.Contains(bodies[0], `"name":"Spring intake"`) || bodies[1] != bodies[0] {
				t.Errorf("retried body differs or is empty:\nfirst:  %q\nsecond: %q", bodies[0], bodies[1])
			}
		})
	}
}

func TestRateLimitedForeverGivesError(t *testing.T) {
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "7")
		writeJSON(w, "application/problem+json", 429, problem(429, "Too many requests", "rate_limited", "slow down"))
	}, sdk.WithMaxRetries(2), sdk.WithMaxRetryWait(5*time.Millisecond))

	start := time.Now()
	_, err := c.Learning.Cohorts.List(context.Background(), nil)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %s: a 7s Retry-After beyond WithMaxRetryWait(5ms) was waited for", elapsed)
	}
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *sdk.Error", err, err)
	}
	if e.StatusCode != 429 || !sdk.IsRateLimited(err) || sdk.StatusCode(err) != 429 {
		t.Errorf("StatusCode = %d, IsRateLimited = %v", e.StatusCode, sdk.IsRateLimited(err))
	}
	if e.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %s, want 7s", e.RetryAfter)
	}
	if e.Problem == nil || e.Problem.Code == nil || *e.Problem.Code != "rate_limited" {
		t.Errorf("Problem = %+v", e.Problem)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("server saw %d requests, want 1: a Retry-After beyond the max wait is not retried early", got)
	}
}

func TestRateLimitedRetriesUpToMaxRetries(t *testing.T) {
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "0")
		writeJSON(w, "application/problem+json", 429, problem(429, "Too many requests", "rate_limited", "slow down"))
	}, sdk.WithMaxRetries(2), sdk.WithMaxRetryWait(time.Second))
	_, err := c.Learning.Cohorts.List(context.Background(), nil)
	if !sdk.IsRateLimited(err) {
		t.Fatalf("err = %v, want a 429 error", err)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("server saw %d requests, want MaxRetries+1 = 3", got)
	}
}

func TestRetryWithoutRetryAfterWaitsOneSecond(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(429)
			return
		}
		writeJSON(w, "application/json", 200, cohort("coh_1"))
	})
	start := time.Now()
	if _, err := c.Learning.Cohorts.Get(context.Background(), "coh_1", nil); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second || n.Load() != 2 {
		t.Errorf("%d requests in %s, want 2 after the default 1s wait", n.Load(), elapsed)
	}
}

func TestRetryDefaultsAndHTTPDate(t *testing.T) {
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		w.WriteHeader(429)
	}, sdk.WithMaxRetries(0))
	_, err := c.Learning.Cohorts.Get(context.Background(), "coh_1", nil)
	var e *sdk.Error
	if !errors.As(err, &e) || e.StatusCode != 429 {
		t.Fatalf("err = %v, want a 429 *sdk.Error", err)
	}
	if e.RetryAfter < 59*time.Minute || e.RetryAfter > time.Hour {
		t.Errorf("RetryAfter = %s from an HTTP-date an hour ahead", e.RetryAfter)
	}
	if e.Problem != nil {
		t.Errorf("Problem = %+v from an empty body", e.Problem)
	}
	if n.Load() != 1 {
		t.Errorf("server saw %d requests with WithMaxRetries(0), want 1", n.Load())
	}
}

func TestRetryWaitHonoursContext(t *testing.T) {
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "10")
		w.WriteHeader(429)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Learning.Cohorts.List(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("waited %s despite the context", time.Since(start))
	}
	if n.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", n.Load())
	}
}

func TestOtherStatusesAreNotRetried(t *testing.T) {
	var n atomic.Int32
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "1")
		writeJSON(w, "application/problem+json", 503, problem(503, "Unavailable", "unavailable", "down"))
	})
	_, err := c.Learning.Cohorts.List(context.Background(), nil)
	if sdk.StatusCode(err) != 503 || n.Load() != 1 {
		t.Errorf("err = %v after %d requests, want one 503", err, n.Load())
	}
}

func TestProblemIsParsed(t *testing.T) {
	var contentType, ifMatch string
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		contentType, ifMatch = r.Header.Get("Content-Type"), r.Header.Get("If-Match")
		p := problem(422, "Validation failed", "validation_failed", "the cohort is not valid")
		p["errors"] = []map[string]any{
			{"pointer": "/end_date", "detail": "must not be before start_date"},
			{"pointer": "/name", "detail": "must not be empty"},
		}
		writeJSON(w, "application/problem+json", 422, p)
	})
	name := ""
	v := `"3"`
	_, err := c.Learning.Cohorts.Update(context.Background(), "coh_1",
		&client.UpdateCohortParams{IfMatch: &v}, client.CohortPatch{Name: &name})
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *sdk.Error", err, err)
	}
	if contentType != "application/merge-patch+json" || ifMatch != `"3"` {
		t.Errorf("request Content-Type %q, If-Match %q", contentType, ifMatch)
	}
	p := e.Problem
	if e.StatusCode != 422 || p == nil {
		t.Fatalf("StatusCode %d, Problem %+v", e.StatusCode, p)
	}
	if p.Status != 422 || p.Title != "Validation failed" || *p.Code != "validation_failed" ||
		*p.Detail != "the cohort is not valid" || *p.RequestId != "req-1" {
		t.Errorf("Problem = %+v", p)
	}
	if p.Errors == nil || len(*p.Errors) != 2 || *(*p.Errors)[0].Pointer != "/end_date" ||
		(*p.Errors)[0].Detail != "must not be before start_date" || *(*p.Errors)[1].Pointer != "/name" {
		t.Errorf("Problem.Errors = %+v", p.Errors)
	}
	if !strings.Contains(string(e.Body), "validation_failed") {
		t.Errorf("Body = %q", e.Body)
	}
	want := "learnd: 422 Validation failed: the cohort is not valid (code validation_failed, request_id req-1)"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
	}
}

func TestNotFoundError(t *testing.T) {
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/learning/cohorts/coh_x" || r.URL.Query().Get("show_deleted") != "true" {
			t.Errorf("request %s", r.URL)
		}
		writeJSON(w, "application/problem+json", 404, problem(404, "Not found", "not_found", "cohort coh_x not found"))
	})
	yes := true
	_, err := c.Learning.Cohorts.Get(context.Background(), "coh_x", &client.GetCohortParams{ShowDeleted: &yes})
	if !sdk.IsNotFound(err) || sdk.IsConflict(err) || sdk.IsPreconditionFailed(err) || sdk.IsRateLimited(err) {
		t.Errorf("IsNotFound etc. wrong for %v", err)
	}
	want := "learnd: 404 Not found: cohort coh_x not found (code not_found, request_id req-1)"
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v\nwant      %s", err, want)
	}
	wrapped := fmt.Errorf("outer: %w", err)
	if sdk.StatusCode(wrapped) != 404 || sdk.StatusCode(errors.New("x")) != 0 {
		t.Errorf("StatusCode does not see through wrapping")
	}
}

func TestNonProblemError(t *testing.T) {
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Request-Id", "rid-9")
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "upstream down\n")
	})
	_, err := c.Learning.Cohorts.List(context.Background(), nil)
	var e *sdk.Error
	if !errors.As(err, &e) || e.Problem != nil || e.StatusCode != 502 {
		t.Fatalf("err = %#v", err)
	}
	if want := "learnd: 502 Bad Gateway: upstream down (request_id rid-9)"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

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

func TestHeaders(t *testing.T) {
	var got http.Header
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		writeJSON(w, "application/json", 200, map[string]any{"data": []any{}, "has_more": false})
	},
		sdk.WithToken("tok-123"),
		sdk.WithHeader("X-Tenant-Hint", "demo"),
		sdk.WithRequestEditor(func(_ context.Context, req *http.Request) error {
			req.Header.Set("X-Edited", "yes")
			return nil
		}),
	)
	if _, err := c.Learning.Cohorts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer tok-123" {
		t.Errorf("Authorization = %q", got.Get("Authorization"))
	}
	if got.Get("User-Agent") != sdk.DefaultUserAgent || got.Get("X-Tenant-Hint") != "demo" || got.Get("X-Edited") != "yes" {
		t.Errorf("headers = %v", got)
	}

	c2 := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		writeJSON(w, "application/json", 200, map[string]any{"data": []any{}, "has_more": false})
	}, sdk.WithUserAgent("mcp/1"))
	if _, err := c2.Learning.Cohorts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "" || got.Get("User-Agent") != "mcp/1" {
		t.Errorf("headers without a token = %v", got)
	}
}

func TestTokenCreateIsFormEncoded(t *testing.T) {
	c := newSDK(t, func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		if r.URL.Path != "/api/v1/auth/token" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
			r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_id") != "demo:per_1:admin" {
			t.Errorf("token request %s %q %v", r.URL.Path, r.Header.Get("Content-Type"), r.PostForm)
		}
		writeJSON(w, "application/json", 200, map[string]any{"access_token": "jwt", "token_type": "Bearer", "expires_in": 3600})
	})
	tok, err := c.Auth.Tokens.Create(context.Background(), client.TokenRequest{
		GrantType: "client_credentials", ClientId: ptr("demo:per_1:admin"), ClientSecret: ptr("s"),
	})
	if err != nil || tok.AccessToken != "jwt" || tok.ExpiresIn != 3600 {
		t.Fatalf("Create token = %+v, %v", tok, err)
	}
}

type countingTransport struct{ n *atomic.Int32 }

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestWithHTTPClientIsWrappedNotModified(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
			return
		}
		writeJSON(w, "application/json", 200, cohort("coh_1"))
	}))
	defer srv.Close()
	var viaCaller atomic.Int32
	hc := &http.Client{Timeout: 5 * time.Second, Transport: countingTransport{&viaCaller}}
	c, err := sdk.New(srv.URL+"/", sdk.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Learning.Cohorts.Get(context.Background(), "coh_1", nil); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if _, ok := hc.Transport.(countingTransport); !ok || n.Load() != 2 || viaCaller.Load() != 2 {
		t.Errorf("caller's client modified (%T), or %d requests (%d through the caller's transport), want 2",
			hc.Transport, n.Load(), viaCaller.Load())
	}
	if c.Raw() == nil {
		t.Error("Raw() is nil")
	}
	for _, bad := range []string{"", "localhost:8080", "ftp://x"} {
		if _, err := sdk.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	if _, err := sdk.New(srv.URL, sdk.WithToken("")); err == nil {
		t.Error("WithToken(\"\") accepted")
	}
}

func ptr[T any](v T) *T { return &v }
