package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/limits/limitstest"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
)

// redisReplica starts a learnd server counting its limits in the test Redis under prefix,
// on db (another replica's DBURL) or, when db is "", on a fresh database.
func redisReplica(t *testing.T, prefix, db string, o servertest.Options) *servertest.Env {
	t.Helper()
	o.Limiter, o.DatabaseURL = limitstest.New(t, prefix, nil), db
	return servertest.Start(t, o)
}

// redisKey is an API key of a fresh user of tenant acme on the business tier.
func redisKey(t *testing.T, env *servertest.Env) string {
	t.Helper()
	env.Licence(t, "acme", auth.TierBusiness, auth.MCPFull, true)
	u := peopleUser(t, env, servertest.UserSpec{Tenant: "acme"})
	key, err := u.Client.LMS.Keys.Create(e2eCtx(t), client.APIKeyCreate{Name: "replicas"})
	if err != nil {
		t.Fatal(err)
	}
	return key.Key
}

// untilRefused alternates GET path on the replicas with key until one answers 429, and
// returns how many requests that took and the refusal (failing on anything but 200).
func untilRefused(t *testing.T, urls []string, path, key string, max int) (int, e2eRaw) {
	t.Helper()
	for n := 1; n <= max; n++ {
		r := e2eDo(t, http.MethodGet, urls[(n-1)%len(urls)]+path, key, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			return n, r
		}
		if r.Status != http.StatusOK {
			t.Fatalf("request %d: %d %s", n, r.Status, r.Body)
		}
	}
	t.Fatalf("no 429 in %d requests", max)
	return 0, e2eRaw{}
}

// Two replicas sharing one Redis give a business key 60 requests a minute between them,
// not 60 each; the day's count is in Redis too, so a restarted replica carries it on.
func TestE2ERedisKeyLimitsAcrossReplicas(t *testing.T) {
	t.Parallel()
	if d := time.Until(time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)); d < time.Minute {
		time.Sleep(d + time.Second) // the day's counter must not roll over mid-test
	}
	prefix := limitstest.Prefix(t)
	rdb := limitstest.Client(t)
	ctx := e2eCtx(t)
	a := redisReplica(t, prefix, "", servertest.Options{})
	key := redisKey(t, a)
	var dayKey string
	var counted int64
	t.Run("two replicas", func(t *testing.T) {
		b := redisReplica(t, prefix, a.DBURL, servertest.Options{})
		urls := []string{a.URL, b.URL}
		start := time.Now()
		n, limited := untilRefused(t, urls, "/api/v2/tenant", key, 200)
		slack := int(time.Since(start).Seconds()) + 1 // the bucket refills one a second
		if n < 61 || n > 61+slack {
			t.Fatalf("first 429 at request %d across two replicas, want 61 (+%d for refills); limits per process would allow 120", n, slack)
		}
		if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
			t.Errorf("Retry-After %q", limited.Header.Get("Retry-After"))
		}
		p := e2eProblem(t, limited)
		if p.Code == nil || *p.Code != "key_rate_limited" || p.Detail == nil || !strings.Contains(*p.Detail, "(60 requests per minute on the business tier) is used up; retry in") {
			t.Errorf("problem %+v", p)
		}
		// The other replica refuses as well (allowing for one refill in between).
		other := urls[n%2]
		r := e2eDo(t, http.MethodGet, other+"/api/v2/tenant", key, nil, nil)
		if r.Status == http.StatusOK {
			r = e2eDo(t, http.MethodGet, other+"/api/v2/tenant", key, nil, nil)
			n++
		}
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("the other replica after the shared limit: %d Retry-After=%q", r.Status, r.Header.Get("Retry-After"))
		}
		// Every request either replica let through is on the one day counter.
		keys, err := rdb.Keys(ctx, prefix+"d:*").Result()
		if err != nil || len(keys) != 1 {
			t.Fatalf("day counters in Redis: %v %v, want one", keys, err)
		}
		dayKey = keys[0]
		if counted, err = rdb.Get(ctx, dayKey).Int64(); err != nil || counted != int64(n-1) {
			t.Fatalf("day count %d (%v), want the %d requests let through", counted, err, n-1)
		}
	})
	if t.Failed() {
		return
	}
	// A replica started afresh (new process state, same Redis) continues the day's count.
	c := redisReplica(t, prefix, a.DBURL, servertest.Options{})
	get := func() e2eRaw {
		for range 5 { // wait out the minute bucket, never the day
			r := e2eDo(t, http.MethodGet, c.URL+"/api/v2/tenant", key, nil, nil)
			if r.Status != http.StatusTooManyRequests || strings.Contains(string(r.Body), "daily limit") {
				return r
			}
			s, _ := strconv.Atoi(r.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(s, 1)) * time.Second)
		}
		t.Fatal("the minute bucket never refilled")
		return e2eRaw{}
	}
	if r := get(); r.Status != http.StatusOK {
		t.Fatalf("restarted replica: %d %s", r.Status, r.Body)
	}
	if n, err := rdb.Get(ctx, dayKey).Int64(); err != nil || n != counted+1 {
		t.Fatalf("day count after the restart %d (%v), want %d", n, err, counted+1)
	}
	// Bring the day to 999 of 1,000 (as if the key had been busy all day): one more, then
	// every replica refuses until midnight UTC.
	if err := rdb.Set(ctx, dayKey, 999, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if r := get(); r.Status != http.StatusOK {
		t.Fatalf("the 1,000th request: %d %s", r.Status, r.Body)
	}
	for _, u := range []string{c.URL, a.URL} {
		r := e2eDo(t, http.MethodGet, u+"/api/v2/tenant", key, nil, nil)
		secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
		untilMidnight := time.Until(time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)).Seconds()
		if r.Status != http.StatusTooManyRequests || err != nil || float64(secs) < untilMidnight-5 || float64(secs) > untilMidnight+5 {
			t.Fatalf("request 1,001 on %s: %d Retry-After=%q, want 429 until midnight UTC (%.0f s)", u, r.Status, r.Header.Get("Retry-After"), untilMidnight)
		}
		p := e2eProblem(t, r)
		want := "this API key's daily limit (1000 requests on the business tier) is used up; retry after midnight UTC, in " + strconv.Itoa(secs) + " seconds"
		if p.Code == nil || *p.Code != "key_rate_limited" || p.Detail == nil || *p.Detail != want {
			t.Errorf("problem %+v, want detail %q", p, want)
		}
	}
}

// The per-caller rate limit holds across replicas sharing one Redis.
func TestE2ERedisCallerLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	prefix := limitstest.Prefix(t)
	o := servertest.Options{RateLimit: server.RateLimit{RPS: 1, Burst: 4}}
	a := redisReplica(t, prefix, "", o)
	b := redisReplica(t, prefix, a.DBURL, o)
	key := redisKey(t, a)
	start := time.Now()
	n, limited := untilRefused(t, []string{a.URL, b.URL}, "/api/v1/learning/cohorts", key, 40)
	if slack := int(time.Since(start).Seconds()) + 1; n < 5 || n > 5+slack {
		t.Fatalf("first 429 at request %d across two replicas, want 5 (+%d for refills); limits per process would allow 8", n, slack)
	}
	if limited.Header.Get("Retry-After") != "1" || limited.Header.Get("RateLimit-Policy") != "1;w=1;burst=4" {
		t.Errorf("Retry-After=%q RateLimit-Policy=%q", limited.Header.Get("Retry-After"), limited.Header.Get("RateLimit-Policy"))
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "rate_limited" || p.Detail == nil || *p.Detail != "rate limit exceeded; retry in 1 seconds" {
		t.Errorf("problem %+v", p)
	}
}

// Failed authentications from one address count across replicas sharing one Redis.
func TestE2ERedisFailedAuthAcrossReplicas(t *testing.T) {
	t.Parallel()
	prefix := limitstest.Prefix(t)
	a := redisReplica(t, prefix, "", servertest.Options{})
	b := redisReplica(t, prefix, a.DBURL, servertest.Options{})
	key := redisKey(t, a)
	urls := []string{a.URL, b.URL}
	n := 0
	var limited e2eRaw
	for n < 60 {
		n++
		bad, _ := store.NewAPIKeySecret()
		r := e2eDo(t, http.MethodGet, urls[n%2]+"/api/v2/tenant", bad, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			limited = r
			break
		}
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("bad key %d: %d", n, r.Status)
		}
	}
	if limited.Status != http.StatusTooManyRequests || n < 20 || n > 23 {
		t.Fatalf("first 429 after %d bad keys on two replicas (status %d), want about 21; limits per process would allow 40", n, limited.Status)
	}
	if p := e2eProblem(t, limited); p.Code == nil || *p.Code != "auth_rate_limited" || limited.Header.Get("Retry-After") == "" {
		t.Errorf("problem %+v Retry-After=%q", p, limited.Header.Get("Retry-After"))
	}
	// Blocked on both replicas, even with a good key.
	for _, u := range urls {
		if r := e2eDo(t, http.MethodGet, u+"/api/v2/tenant", key, nil, nil); r.Status != http.StatusTooManyRequests {
			t.Errorf("good key from a blocked address on %s: %d", u, r.Status)
		}
	}
}
