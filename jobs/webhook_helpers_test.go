package jobs_test

// Helpers of the webhook delivery tests: a receiver that records every request and
// answers as the test says, the npm standardwebhooks package as the independent verifier,
// an endpoint, an event, and reads of the attempts log.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/internal/webhookverify"
	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/webhooks"
)

// received is one request the receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is an httptest server that records requests; answer decides each response
// (by the request's 1-based number); nil answers 204.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int, w http.ResponseWriter)
}

func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter)) *receiver {
	t.Helper()
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		n := len(r.got)
		r.mu.Unlock()
		if r.answer == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		r.answer(n, w)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// waitRequests waits until the receiver has n requests and returns them.
func (r *receiver) waitRequests(t *testing.T, n int) []received {
	t.Helper()
	eventually(t, "webhook requests", func() bool { return len(r.requests()) >= n })
	return r.requests()
}

// verifyNode checks req with the npm standardwebhooks package and secret: the verified
// payload, or the library's error.
func verifyNode(t *testing.T, secret string, req received) (map[string]any, error) {
	t.Helper()
	p, err := webhookverify.Verify(secret, req.body, req.header)
	if err != nil && !errors.Is(err, webhookverify.ErrRefused) {
		t.Fatal(err)
	}
	return p, err
}

// hookCfg is a runner configuration with fast retries that may reach the test's loopback
// receiver.
func hookCfg(delays ...time.Duration) jobs.Config {
	if len(delays) == 0 {
		delays = []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
	}
	return jobs.Config{WebhookRetryDelays: delays, WebhookTimeout: 2 * time.Second, WebhookPrivateNetworks: true}
}

// endpoint creates an endpoint of tenant at url, listening to events (none: all).
func endpoint(t *testing.T, st *store.Store, tenant, url string, events ...string) (*webhooks.Endpoint, string) {
	t.Helper()
	in := webhooks.Input{URL: &url}
	if events != nil {
		in.Events = &events
	}
	e, secret, err := webhooks.New(st, webhooks.Options{PrivateNetworks: true}).Create(as(tenant), in)
	if err != nil {
		t.Fatal(err)
	}
	return e, secret
}

// emit writes event in a transaction of tenant.
func emit(t *testing.T, st *store.Store, tenant, event string, data any) {
	t.Helper()
	if err := st.InTenant(as(tenant), func(tx *store.Tx) error { return tx.Emit(event, data) }); err != nil {
		t.Fatal(err)
	}
}

// attempts reads an endpoint's attempts log, newest first.
func attempts(t *testing.T, st *store.Store, tenant string, id uuid.UUID) []webhooks.Attempt {
	t.Helper()
	page, err := webhooks.New(st, webhooks.Options{}).Attempts(as(tenant), id, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// deliveryStates lists the states of an endpoint's deliveries, oldest first.
func (e *env) deliveryStates(t *testing.T, endpoint uuid.UUID) []string {
	t.Helper()
	var out []string
	rows, err := e.db.Query(context.Background(), `SELECT status FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at, id`, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
