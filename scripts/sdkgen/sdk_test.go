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
