package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/webhooks"
)

// An endpoint whose deliveries fail every try, twice in a row (the test's threshold), is
// disabled with its reason, the tenant's active owner is mailed, and later events are not
// sent to it.
func TestWebhookDisabledAfterRepeatedFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.db.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `INSERT INTO users (tenant_id, id, name, email, role, created_at, updated_at) VALUES
('acme', gen_random_uuid(), 'Olga Owner', 'olga@acme.test', 'owner', now(), now()),
('acme', gen_random_uuid(), 'Adam Admin', 'adam@acme.test', 'admin', now(), now())`); err != nil {
		t.Fatal(err)
	}
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) })
	cfg := hookCfg(20 * time.Millisecond) // two tries per delivery
	cfg.WebhookDisableAfter = 2
	e.start(t, cfg, true)
	ep, _ := endpoint(t, e.st, "acme", rc.URL)
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_1"})
	eventually(t, "the first delivery failing", func() bool {
		s := e.deliveryStates(t, ep.ID)
		return len(s) == 1 && s[0] == "failed"
	})
	if got, _ := webhooks.New(e.st, webhooks.Options{}).Get(as("acme"), ep.ID); got.DisabledAt != nil {
		t.Fatal("disabled after one failed delivery")
	}
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_2"})
	eventually(t, "the endpoint disabled", func() bool {
		got, err := webhooks.New(e.st, webhooks.Options{}).Get(as("acme"), ep.ID)
		return err == nil && got.DisabledAt != nil
	})
	got, _ := webhooks.New(e.st, webhooks.Options{}).Get(as("acme"), ep.ID)
	if got.DisabledReason == nil || !strings.Contains(*got.DisabledReason, "2 consecutive deliveries failed") {
		t.Errorf("reason = %v", got.DisabledReason)
	}
	if n := len(rc.requests()); n != 4 {
		t.Errorf("requests = %d, want 4 (two tries of two deliveries)", n)
	}
	mail := e.outbox(t, "olga@acme.test")
	if len(mail) != 1 {
		t.Fatalf("owner mail = %d, want 1", len(mail))
	}
	var subject string
	if err := e.db.QueryRow(ctx, `SELECT subject FROM mail_outbox WHERE id = $1`, mail[0].id).Scan(&subject); err != nil || !strings.Contains(subject, rc.URL) {
		t.Errorf("subject = %q (%v)", subject, err)
	}
	if n := len(e.outbox(t, "adam@acme.test")); n != 0 {
		t.Errorf("admin mail = %d, want 0 (owners only)", n)
	}
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_3"})
	if s := e.deliveryStates(t, ep.ID); len(s) != 2 {
		t.Errorf("deliveries after disabling = %v, want the two failed ones only", s)
	}
}

// Without the private-networks setting, a delivery to the loopback receiver is refused by
// the dialer (the receiver gets nothing; the attempt records why), and creating an
// endpoint on a loopback, private or link-local address or over http is a validation
// error naming /url.
func TestWebhookPrivateAddressesRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, nil)
	cfg := hookCfg(time.Millisecond)
	cfg.WebhookPrivateNetworks = false
	e.start(t, cfg, true)
	ep, _ := endpoint(t, e.st, "acme", rc.URL) // created with the setting, delivered without
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_1"})
	eventually(t, "two refused attempts", func() bool { return len(attempts(t, e.st, "acme", ep.ID)) == 2 })
	for _, a := range attempts(t, e.st, "acme", ep.ID) {
		// The tenant reads why, never which address its host resolved to.
		if a.Succeeded || a.Error == nil || *a.Error != "the endpoint's host is not a public address" || strings.Contains(*a.Error, "127.0.0.1") {
			t.Errorf("attempt = %+v (error %v)", a, deref(a.Error))
		}
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("receiver got %d requests", n)
	}

	repo := webhooks.New(e.st, webhooks.Options{})
	for _, url := range []string{"https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://[::1]/hook", "https://169.254.169.254/latest",
		"https://localhost/hook", "http://hooks.example.com/x", "ftp://hooks.example.com/", "hooks.example.com/x", "https://user:pw@hooks.example.com/"} {
		_, _, err := repo.Create(as("acme"), webhooks.Input{URL: &url})
		var v *store.ValidationError
		if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Pointer != "/url" {
			t.Errorf("create %s: %v, want a validation error of /url", url, err)
		}
	}
	ok := "https://hooks.example.com/learnd"
	if _, _, err := repo.Create(as("acme"), webhooks.Input{URL: &ok}); err != nil {
		t.Errorf("create %s: %v", ok, err)
	}
}

// Another tenant neither sees nor changes an endpoint, and its events do not reach it.
func TestWebhookTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, nil)
	e.start(t, hookCfg(), true)
	ep, _ := endpoint(t, e.st, "acme", rc.URL)
	repo := webhooks.New(e.st, webhooks.Options{PrivateNetworks: true})
	other := as("globex")
	if _, err := repo.Get(other, ep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("get: %v", err)
	}
	if page, err := repo.List(other, 50, nil); err != nil || len(page.Items) != 0 {
		t.Errorf("list: %v %v", page.Items, err)
	}
	off := false
	if _, err := repo.Update(other, ep.ID, webhooks.Input{Enabled: &off}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update: %v", err)
	}
	if _, _, err := repo.Rotate(other, ep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rotate: %v", err)
	}
	if err := repo.Delete(other, ep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete: %v", err)
	}
	if _, err := repo.Attempts(other, ep.ID, 10, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("attempts: %v", err)
	}
	emit(t, e.st, "globex", store.EventUserCreated, map[string]string{"id": "per_1"})
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_2"})
	rc.waitRequests(t, 1)
	time.Sleep(300 * time.Millisecond)
	if got := rc.requests(); len(got) != 1 || !strings.Contains(string(got[0].body), "per_2") {
		t.Errorf("requests = %d (%s)", len(got), got[0].body)
	}
	if page, err := repo.List(as("acme"), 50, nil); err != nil || len(page.Items) != 1 || page.Items[0].DisabledAt != nil {
		t.Errorf("acme's endpoints = %+v, %v", page.Items, err)
	}
}

// A delivery waiting for its retry when a person disables its endpoint is not tried again
// and ends failed.
func TestWebhookDisabledWhileRetrying(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
	e.start(t, hookCfg(time.Second), true)
	ep, _ := endpoint(t, e.st, "acme", rc.URL)
	emit(t, e.st, "acme", store.EventUserCreated, map[string]string{"id": "per_1"})
	rc.waitRequests(t, 1)
	off := false
	if _, err := webhooks.New(e.st, webhooks.Options{}).Update(as("acme"), ep.ID, webhooks.Input{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the delivery failed", func() bool {
		s := e.deliveryStates(t, ep.ID)
		return len(s) == 1 && s[0] == "failed"
	})
	if n := len(rc.requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
}
