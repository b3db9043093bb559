package server

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/limits"
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

// keyLimits counts each API key's requests (calls made with the key or with a token
// exchanged for it) with the server's limiter, in this process or in Redis across
// replicas: a per-minute token bucket and a per-UTC-day allowance.
type keyLimits struct {
	lim limits.Limiter
	log *slog.Logger
}

func newKeyLimits(lim limits.Limiter, log *slog.Logger) *keyLimits {
	return &keyLimits{lim: lim, log: log}
}

// take counts one request of key under tier; when refused it returns the wait and the
// limit that was hit. A limiter that fails lets the request through.
func (k *keyLimits) take(ctx context.Context, key, tier string) (time.Duration, string, tierLimit) {
	lim, ok := tierLimits[tier]
	if !ok {
		lim = tierLimits[auth.TierStarter]
	}
	wait, daily, err := k.lim.TakeDaily(ctx, "key:"+key, limits.PerMinute(lim.PerMinute), lim.PerDay)
	switch {
	case err != nil:
		k.log.Warn("API key limit unchecked", "err", err)
		return 0, "", lim
	case wait == 0:
		return 0, "", lim
	case daily:
		return wait, "day", lim
	}
	return wait, "minute", lim
}

// keyRateLimit enforces the per-key limits of the tenant's licence tier.
func (s *Server) keyRateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		p, ok := auth.FromContext(ctx)
		if !ok || p.KeyID == "" {
			return next(c)
		}
		wait, window, lim := s.keyLimits.take(ctx, p.TenantID+"|"+p.KeyID, p.Licence.Tier)
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
