package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
)

func TestE2ERateLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{RateLimit: server.RateLimit{RPS: 1, Burst: 2}})
	a := e2eAdmin(t, env, "acme")
	list := env.URL + "/api/v1/learning/cohorts"
	for i := range 2 {
		if r := e2eDo(t, http.MethodGet, list, a.Token, nil, nil); r.Status != http.StatusOK {
			t.Fatalf("request %d within the burst: %d", i, r.Status)
		}
	}
	r := e2eDo(t, http.MethodGet, list, a.Token, nil, nil)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" || r.Header.Get("RateLimit-Policy") == "" {
		t.Fatalf("over the limit: %d Retry-After=%q RateLimit-Policy=%q", r.Status, r.Header.Get("Retry-After"), r.Header.Get("RateLimit-Policy"))
	}
	if p := e2eProblem(t, r); p.Code == nil || *p.Code != "rate_limited" {
		t.Fatalf("problem = %+v", p)
	}
	// Limits are per caller: another person of the same tenant is not held back.
	b := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner})
	if r := e2eDo(t, http.MethodGet, list, b.Token, nil, nil); r.Status != http.StatusOK {
		t.Fatalf("another caller: %d", r.Status)
	}
	// The SDK waits out Retry-After and succeeds.
	c, err := sdk.New(env.URL, sdk.WithToken(a.Token))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Learning.Cohorts.List(e2eCtx(t), nil); err != nil {
		t.Fatalf("SDK after retrying: %v", err)
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Fatalf("the SDK did not wait for the bucket to refill (%v)", time.Since(start))
	}
}
