package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/learnd/learnd/auth"
)

// tierLimit is an API key's allowance under its tenant's licence tier.
type tierLimit struct {
	PerMinute int
	PerDay    int
}

// tierLimits: business 60/min and 1,000/day, enterprise 600/min and 100,000/day (the
// licence terms); starter, which has no MCP access, gets a small allowance for scripts.
var tierLimits = map[string]tierLimit{
	auth.TierStarter:    {PerMinute: 20, PerDay: 200},
	auth.TierBusiness:   {PerMinute: 60, PerDay: 1000},
	auth.TierEnterprise: {PerMinute: 600, PerDay: 100000},
}

// keyLimits counts each API key's requests on this instance (calls made with the key or
// with a token exchanged for it): a per-minute token bucket and a per-UTC-day counter.
type keyLimits struct {
	mu    sync.Mutex
	byKey map[string]*keyCounter
	now   func() time.Time
}

type keyCounter struct {
	tier   string
	minute *rate.Limiter
	day    string
	count  int
}

func newKeyLimits() *keyLimits {
	return &keyLimits{byKey: map[string]*keyCounter{}, now: time.Now}
}

// take counts one request of key under tier; when refused it returns the wait and the
// limit that was hit.
func (k *keyLimits) take(key, tier string) (time.Duration, string, tierLimit) {
	lim, ok := tierLimits[tier]
	if !ok {
		lim = tierLimits[auth.TierStarter]
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now().UTC()
	day := now.Format(time.DateOnly)
	c := k.byKey[key]
	if c == nil || c.tier != tier {
		c = &keyCounter{tier: tier, minute: rate.NewLimiter(rate.Limit(float64(lim.PerMinute)/60), lim.PerMinute)}
		k.byKey[key] = c
	}
	if c.day != day {
		c.day, c.count = day, 0
		if len(k.byKey) > 100000 { // forget yesterday's keys now and then
			for id, o := range k.byKey {
				if o.day != day && id != key {
					delete(k.byKey, id)
				}
			}
		}
	}
	if c.count >= lim.PerDay {
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		return midnight.Sub(now), "day", lim
	}
	r := c.minute.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, "minute", lim
	}
	c.count++
	return 0, "", lim
}

// keyRateLimit enforces the per-key limits of the tenant's licence tier.
func (s *Server) keyRateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p, ok := auth.FromContext(ctx)
		if !ok || p.KeyID == "" {
			return next(c)
		}
		wait, window, lim := s.keyLimits.take(p.TenantID+"|"+p.KeyID, p.Licence.Tier)
		h := c.Response().Header()
		h.Set("RateLimit-Policy", strconv.Itoa(lim.PerMinute)+";w=60, "+strconv.Itoa(lim.PerDay)+";w=86400")
		if wait == 0 {
			return next(c)
		}
		secs := strconv.Itoa(int(math.Max(1, math.Ceil(wait.Seconds()))))
		h.Set("RateLimit", "limit="+strconv.Itoa(lim.PerMinute)+", remaining=0, reset="+secs)
		detail := "this API key's rate limit (" + strconv.Itoa(lim.PerMinute) + " requests per minute on the " + p.Licence.Tier + " tier) is used up; retry in " + secs + " seconds"
		if window == "day" {
			detail = "this API key's daily limit (" + strconv.Itoa(lim.PerDay) + " requests on the " + p.Licence.Tier + " tier) is used up; retry after midnight UTC, in " + secs + " seconds"
		}
		return &problemError{
			problem: withCode(newProblem(ctx, kindRateLimited, detail), "key_rate_limited"),
			headers: map[string]string{"Retry-After": secs},
		}
	}
}
