package jobs_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

// An event an endpoint listens to arrives once, signed: the npm standardwebhooks package
// verifies it with the endpoint's secret (and refuses it with another), the headers are
// Standard Webhooks', the body is {"type", "timestamp", "data"}; an event the filter
// leaves out is not sent; the try is in the attempts log.
func TestWebhookDeliveredSigned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, nil)
	e.start(t, hookCfg(), true)
	ep, secret := endpoint(t, e.st, "acme", rc.URL, store.EventUserCreated)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret = %q", secret)
	}

	emit(t, e.st, "acme", store.EventCoursePublished, map[string]string{"id": "crs_x"}) // filtered out
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_01jd8x4k2m3n5p6q7r8s9t0v1x"})
	rc.waitRequests(t, 1)
	time.Sleep(300 * time.Millisecond) // a filtered event would have arrived by now
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("requests = %d, want 1", len(got))
	}
	req := got[0]
	payload, err := verifyNode(t, secret, req)
	if err != nil {
		t.Fatalf("verify: %v (signature %q)", err, req.header.Get("webhook-signature"))
	}
	if payload["type"] != store.EventUserCreated {
		t.Errorf("type = %v", payload["type"])
	}
	if data, _ := payload["data"].(map[string]any); data["id"] != "per_01jd8x4k2m3n5p6q7r8s9t0v1x" {
		t.Errorf("data = %v", payload["data"])
	}
	if _, err := time.Parse(time.RFC3339, payload["timestamp"].(string)); err != nil {
		t.Errorf("timestamp %v: %v", payload["timestamp"], err)
	}
	if _, err := typeid.Parse(typeid.Event, req.header.Get("webhook-id")); err != nil {
		t.Errorf("webhook-id = %q: %v", req.header.Get("webhook-id"), err)
	}
	ts, err := strconv.ParseInt(req.header.Get("webhook-timestamp"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		t.Errorf("webhook-timestamp = %q", req.header.Get("webhook-timestamp"))
	}
	if ct := req.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if _, err := verifyNode(t, webhooks.NewSecret(), req); err == nil {
		t.Error("another secret verified the request")
	}
	eventually(t, "the attempt", func() bool { return len(attempts(t, e.st, "acme", ep.ID)) == 1 })
	a := attempts(t, e.st, "acme", ep.ID)[0]
	if !a.Succeeded || a.StatusCode == nil || *a.StatusCode != http.StatusNoContent || a.EventType != store.EventUserCreated || a.Error != nil {
		t.Errorf("attempt = %+v", a)
	}
}

// A receiver that answers 500 twice, then 200, gets the same message three times (same
// webhook-id, each signed afresh); the attempts log shows two failures and a success.
func TestWebhookRetriedAfter500s(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(n int, w http.ResponseWriter) {
		if n <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	e.start(t, hookCfg(), true)
	ep, secret := endpoint(t, e.st, "acme", rc.URL)
	emit(t, e.st, "acme", store.EventAssignmentCreated, map[string]string{"id": "asg_1"})
	got := rc.waitRequests(t, 3)
	for i, r := range got {
		if r.header.Get("webhook-id") != got[0].header.Get("webhook-id") {
			t.Errorf("request %d webhook-id = %q, want %q", i, r.header.Get("webhook-id"), got[0].header.Get("webhook-id"))
		}
		if _, err := verifyNode(t, secret, r); err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	eventually(t, "three attempts", func() bool { return len(attempts(t, e.st, "acme", ep.ID)) == 3 })
	as := attempts(t, e.st, "acme", ep.ID)
	if !as[0].Succeeded || as[1].Succeeded || as[2].Succeeded || *as[2].StatusCode != 500 || !strings.Contains(*as[2].Error, "500") {
		t.Errorf("attempts (newest first) = %+v", as)
	}
	if s := e.deliveryStates(t, ep.ID); len(s) != 1 || s[0] != "succeeded" {
		t.Errorf("delivery states = %v", s)
	}
}

// A receiver slower than the timeout fails the try (no status recorded) and the retry
// delivers it.
func TestWebhookTimeoutIsAFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(n int, w http.ResponseWriter) {
		if n == 1 {
			time.Sleep(1500 * time.Millisecond)
		}
	})
	cfg := hookCfg()
	cfg.WebhookTimeout = 500 * time.Millisecond
	e.start(t, cfg, true)
	ep, _ := endpoint(t, e.st, "acme", rc.URL)
	emit(t, e.st, "acme", store.EventUserBanned, map[string]string{"id": "per_1"})
	eventually(t, "two attempts", func() bool { return len(attempts(t, e.st, "acme", ep.ID)) == 2 })
	as := attempts(t, e.st, "acme", ep.ID)
	if !as[0].Succeeded || as[1].Succeeded || as[1].StatusCode != nil || as[1].Error == nil || as[1].LatencyMS < 400 {
		t.Errorf("attempts (newest first) = %+v", as)
	} else if *as[1].Error != "the endpoint did not answer within 500ms" {
		t.Errorf("timed-out attempt's error = %q", *as[1].Error)
	}
}

// A rotated secret keeps signing beside the new one: during the overlap each request
// carries two signatures, and the old and the new secret both verify it.
func TestWebhookRotationOverlap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, nil)
	e.start(t, hookCfg(), true)
	ep, old := endpoint(t, e.st, "acme", rc.URL)
	_, fresh, err := webhooks.New(e.st, webhooks.Options{}).Rotate(as("acme"), ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == old {
		t.Fatal("rotation kept the secret")
	}
	emit(t, e.st, "acme", store.EventCertificateIssued, map[string]string{"id": "cer_1"})
	req := rc.waitRequests(t, 1)[0]
	if n := len(strings.Fields(req.header.Get("webhook-signature"))); n != 2 {
		t.Errorf("signatures = %d (%q), want 2", n, req.header.Get("webhook-signature"))
	}
	for name, secret := range map[string]string{"old": old, "new": fresh} {
		if _, err := verifyNode(t, secret, req); err != nil {
			t.Errorf("%s secret: %v", name, err)
		}
	}

	// After the overlap only the new secret signs.
	if _, err := e.db.Exec(context.Background(), `UPDATE webhook_endpoints SET previous_until = now() - interval '1 second' WHERE id = $1`, ep.ID); err != nil {
		t.Fatal(err)
	}
	emit(t, e.st, "acme", store.EventCertificateIssued, map[string]string{"id": "cer_2"})
	later := rc.waitRequests(t, 2)[1]
	if n := len(strings.Fields(later.header.Get("webhook-signature"))); n != 1 {
		t.Errorf("signatures after the overlap = %d, want 1", n)
	}
	if _, err := verifyNode(t, fresh, later); err != nil {
		t.Errorf("new secret after the overlap: %v", err)
	}
	if _, err := verifyNode(t, old, later); err == nil {
		t.Error("the old secret still verifies after the overlap")
	}
}

// A message is redelivered on request: the receiver gets it again with the same id.
func TestWebhookRedeliver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, nil)
	e.start(t, hookCfg(), true)
	ep, secret := endpoint(t, e.st, "acme", rc.URL)
	emit(t, e.st, "acme", store.EventGenerationCompleted, map[string]string{"id": "job_1"})
	first := rc.waitRequests(t, 1)[0]
	eventually(t, "the attempt", func() bool { return len(attempts(t, e.st, "acme", ep.ID)) == 1 })
	msg := attempts(t, e.st, "acme", ep.ID)[0].MessageID
	if _, err := webhooks.New(e.st, webhooks.Options{}).Redeliver(as("acme"), ep.ID, msg); err != nil {
		t.Fatal(err)
	}
	again := rc.waitRequests(t, 2)[1]
	if again.header.Get("webhook-id") != first.header.Get("webhook-id") || string(again.body) != string(first.body) {
		t.Errorf("redelivery = %q %s, want %q %s", again.header.Get("webhook-id"), again.body, first.header.Get("webhook-id"), first.body)
	}
	if _, err := verifyNode(t, secret, again); err != nil {
		t.Error(err)
	}
	if _, err := webhooks.New(e.st, webhooks.Options{}).Redeliver(as("other"), ep.ID, msg); err == nil {
		t.Error("another tenant redelivered the message")
	}
}
