package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/webhookverify"
	"github.com/learnd/learnd/server/servertest"
)

// hookRequest is one request a test receiver got.
type hookRequest struct {
	header http.Header
	body   []byte
}

// hookReceiver records the requests of a webhook endpoint and answers 204.
type hookReceiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []hookRequest
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, hookRequest{header: req.Header.Clone(), body: b})
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

// wait returns the receiver's requests once it has n.
func (r *hookReceiver) wait(t *testing.T, n int) []hookRequest {
	t.Helper()
	var got []hookRequest
	e2eEventually(t, 20*time.Second, "webhook requests", func() (bool, string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		got = append([]hookRequest(nil), r.got...)
		return len(got) >= n, fmt.Sprintf("%d requests", len(got))
	})
	return got
}

// hookVerify verifies req with the npm standardwebhooks package (scripts/webhook-verify)
// and returns the payload.
func hookVerify(t *testing.T, secret string, req hookRequest) map[string]any {
	t.Helper()
	p, err := webhookverify.Verify(secret, req.body, req.header)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Through the SDK, an admin registers an endpoint (its whsec_ secret shown once, never in
// reads), a user created through the API arrives there as user.created, signed so the npm
// standardwebhooks package verifies it; the attempts log shows the try and a redelivery
// sends the same message again; disabling stops deliveries; deleting removes it.
func TestE2EWebhooksSDK(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Jobs: true})
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	rc := newHookReceiver(t)
	ctx := e2eCtx(t)
	events := []client.WebhookEventType{client.WebhookEventTypeUserCreated}
	ep, err := admin.Client.LMS.Webhooks.Create(ctx, client.WebhookEndpointCreate{Url: rc.URL, Events: &events})
	if err != nil || !strings.HasPrefix(ep.Secret, "whsec_") || !strings.HasPrefix(ep.Id, "whk_") || !ep.Enabled {
		t.Fatalf("create: %+v, %v", ep, err)
	}
	got, err := admin.Client.LMS.Webhooks.Get(ctx, ep.Id)
	if err != nil || got.Url != rc.URL || len(got.Events) != 1 {
		t.Fatalf("get: %+v, %v", got, err)
	}

	u, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: "Hook Person", Email: "hook.person@acme.test", Role: client.UserRoleLearner})
	if err != nil {
		t.Fatal(err)
	}
	req := rc.wait(t, 1)[0]
	p := hookVerify(t, ep.Secret, req)
	data, _ := p["data"].(map[string]any)
	if p["type"] != "user.created" || data["id"] != u.Id || data["email"] != "hook.person@acme.test" {
		t.Errorf("payload = %v", p)
	}

	var attempts *client.WebhookAttemptList
	e2eEventually(t, 20*time.Second, "the attempt", func() (bool, string) {
		attempts, err = admin.Client.LMS.Webhooks.Attempts(ctx, ep.Id, nil)
		return err == nil && len(attempts.Data) == 1, fmt.Sprint(attempts, err)
	})
	a := attempts.Data[0]
	if !a.Succeeded || a.MessageId != req.header.Get("webhook-id") || a.EventType != client.WebhookEventTypeUserCreated {
		t.Errorf("attempt = %+v", a)
	}
	if err := admin.Client.LMS.Webhooks.Redeliver(ctx, ep.Id, a.MessageId); err != nil {
		t.Fatal(err)
	}
	again := rc.wait(t, 2)[1]
	if again.header.Get("webhook-id") != req.header.Get("webhook-id") {
		t.Errorf("redelivered webhook-id = %q, want %q", again.header.Get("webhook-id"), req.header.Get("webhook-id"))
	}
	hookVerify(t, ep.Secret, again)

	off := false
	if got, err := admin.Client.LMS.Webhooks.Update(ctx, ep.Id, client.WebhookEndpointPatch{Enabled: &off}); err != nil || got.Enabled || got.DisabledAt.IsNull() {
		t.Fatalf("disable: %+v, %v", got, err)
	}
	if _, err := admin.Client.LMS.Users.Create(ctx, nil, client.UserCreate{Name: "Quiet Person", Email: "quiet@acme.test", Role: client.UserRoleLearner}); err != nil {
		t.Fatal(err)
	}
	r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/webhooks/endpoints/"+ep.Id+"/messages/"+a.MessageId+"/redeliver", admin.Token, nil, nil)
	if p := e2eProblem(t, r); r.Status != http.StatusConflict || p.Code == nil || *p.Code != "endpoint_disabled" {
		t.Errorf("redeliver to a disabled endpoint: %d %s, want 409 endpoint_disabled", r.Status, r.Body)
	}
	var deliveries int
	if err := env.DB(t).QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE tenant_id = 'acme'`).Scan(&deliveries); err != nil || deliveries != 2 {
		t.Errorf("deliveries = %d (%v), want 2: nothing for a disabled endpoint", deliveries, err)
	}
	if err := admin.Client.LMS.Webhooks.Delete(ctx, ep.Id); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Client.LMS.Webhooks.Get(ctx, ep.Id); err == nil {
		t.Error("deleted endpoint still readable")
	}
}

// Bad endpoint input is a 422 naming the member and stores nothing; a secret-bearing
// create refuses Idempotency-Key; the created endpoint's response is not cached.
func TestE2EWebhooksBadInput(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	admin := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleOwner})
	url := env.URL + "/api/v2/webhooks/endpoints"
	for _, c := range []struct {
		name    string
		body    any
		pointer string
	}{
		{"not a URL", map[string]any{"url": "hooks.example.com/x"}, "/url"},
		{"ftp", map[string]any{"url": "ftp://hooks.example.com/x"}, "/url"},
		{"unknown event", map[string]any{"url": "https://hooks.example.com/x", "events": []string{"user.exploded"}}, "/events/0"},
		{"event twice", map[string]any{"url": "https://hooks.example.com/x", "events": []string{"user.created", "user.created"}}, "/events/1"},
		{"long description", map[string]any{"url": "https://hooks.example.com/x", "description": strings.Repeat("d", 501)}, "/description"},
		{"unknown member", map[string]any{"url": "https://hooks.example.com/x", "secret": "whsec_x"}, "/secret"},
	} {
		r := e2eDo(t, http.MethodPost, url, admin.Token, c.body, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422: %s", c.name, r.Status, r.Body)
			continue
		}
		p := e2eProblem(t, r)
		found := false
		var fields []client.FieldError
		if p.Errors != nil {
			fields = *p.Errors
		}
		for _, f := range fields {
			found = found || (f.Pointer != nil && *f.Pointer == c.pointer)
		}
		if !found {
			t.Errorf("%s: errors %s do not name %s", c.name, r.Body, c.pointer)
		}
	}
	r := e2eDo(t, http.MethodPost, url, admin.Token, map[string]any{"url": "https://hooks.example.com/x"}, map[string]string{"Idempotency-Key": "k1"})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("Idempotency-Key: status %d, want 422: %s", r.Status, r.Body)
	}
	var n int
	if err := env.DB(t).QueryRow(e2eCtx(t), `SELECT count(*) FROM webhook_endpoints`).Scan(&n); err != nil || n != 0 {
		t.Errorf("endpoints stored = %d (%v), want 0", n, err)
	}
	r = e2eDo(t, http.MethodPost, url, admin.Token, map[string]any{"url": "https://hooks.example.com/x"}, nil)
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("create: %d, Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
}
