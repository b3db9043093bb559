package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
)

func TestE2EPeopleTenantAndKeyLimits(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})

	ten, err := u.Client.LMS.Tenant.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := client.Tenant{Id: "acme", Name: "acme", Licence: client.TenantLicence{Tier: "starter", McpAccess: "none", McpAiAccess: false}, KeyLimits: client.TenantKeyLimits{PerMinute: 20, PerDay: 200}}
	if *ten != want {
		t.Errorf("tenant without a row: %+v", ten)
	}
	env.Licence(t, "acme", auth.TierBusiness, auth.MCPFull, true)
	ten, err = u.Client.LMS.Tenant.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want.Licence = client.TenantLicence{Tier: "business", McpAccess: "full", McpAiAccess: true}
	want.KeyLimits = client.TenantKeyLimits{PerMinute: 60, PerDay: 1000}
	if *ten != want {
		t.Errorf("business tenant: %+v", ten)
	}
	noRead := peopleSDK(t, env, sdk.WithToken(env.Token(t, servertest.Caller{Tenant: "acme", Subject: u.ID, Scopes: []string{auth.ScopeWrite}})))
	_, err = noRead.LMS.Tenant.Get(ctx)
	e2eSdkErr(t, err, http.StatusForbidden, "tenant without the read scope")

	// Per-key limit of the business tier: 60 a minute. The bucket refills one request a
	// second, so allow one more per second the loop took.
	key, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var limited e2eRaw
	n := 0
	for n < 200 {
		n++
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", key.Key, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusOK {
			t.Fatalf("request %d: %d %s", n, r.Status, r.Body)
		}
	}
	slack := int(time.Since(start).Seconds()) + 1
	if limited.Status != http.StatusTooManyRequests || n < 61 || n > 61+slack {
		t.Fatalf("first 429 at request %d (status %d), want 61 (+%d for refills)", n, limited.Status, slack)
	}
	if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "key_rate_limited" {
		t.Errorf("problem %+v", p)
	}
	// Another key of the same user has its own allowance; the user's JWT is not limited by it.
	other, err := u.Client.LMS.Keys.Create(ctx, client.APIKeyCreate{Name: "quiet"})
	if err != nil {
		t.Fatal(err)
	}
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", other.Key, nil, nil); r.Status != http.StatusOK {
		t.Errorf("another key: %d", r.Status)
	}
	if _, err := u.Client.LMS.Tenant.Get(ctx); err != nil {
		t.Errorf("the user's JWT: %v", err)
	}
}

func TestE2EPeopleFailedAuthLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t) // its own server: the failures count per client address
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})
	key, err := u.Client.LMS.Keys.Create(e2eCtx(t), client.APIKeyCreate{Name: "good"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var limited e2eRaw
	for n < 60 {
		n++
		bad, _ := store.NewAPIKeySecret()
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", bad, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("bad key %d: %d", n, r.Status)
		}
	}
	if limited.Status != http.StatusTooManyRequests || n < 20 || n > 23 {
		t.Fatalf("first 429 after %d bad keys (status %d), want about 21", n, limited.Status)
	}
	if limited.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "auth_rate_limited" {
		t.Errorf("problem %+v", p)
	}
	// While blocked, even a good key from that address waits.
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", key.Key, nil, nil); r.Status != http.StatusTooManyRequests {
		t.Errorf("good key from a blocked address: %d", r.Status)
	}
}
