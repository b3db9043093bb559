package main_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

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
