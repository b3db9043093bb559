package server

import (
	"log/slog"
	"math"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/limits"
)

// RateLimit is a token bucket per caller: RPS requests per second on average, bursts of
// Burst. Zero RPS switches limiting off.
type RateLimit struct {
	RPS   float64
	Burst int
}

var kindRateLimited = problemKind{429, "rate-limited", "Too many requests", "rate_limited"}

// rateLimiter limits each caller (tenant, application and person of the token), and the
// public token endpoint per client address, with lim: in this process, or in Redis
// across replicas. A refused request gets a problem with Retry-After and the RateLimit
// headers; a limiter that fails lets the request through (and log says why).
func rateLimiter(rl RateLimit, lim limits.Limiter, log *slog.Logger) echo.MiddlewareFunc {
	if rl.RPS <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	if rl.Burst < 1 {
		rl.Burst = int(math.Ceil(rl.RPS))
	}
	retry := strconv.Itoa(int(math.Max(1, math.Ceil(1/rl.RPS))))
	policy := strconv.FormatFloat(rl.RPS, 'f', -1, 64) + ";w=1;burst=" + strconv.Itoa(rl.Burst)
	bucket := limits.PerSecond(rl.RPS, rl.Burst)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if p := req.URL.Path; publicPath(p) && p != "/api/v1/auth/token" {
				return next(c)
			}
			id := "ip|" + c.RealIP()
			if p, ok := auth.FromContext(req.Context()); ok {
				id = "p|" + p.TenantID + "|" + p.AppID + "|" + p.KeyID + "|" + p.Subject
			}
			wait, err := lim.Take(req.Context(), "caller:"+id, bucket)
			if err != nil {
				log.Warn("rate limit unchecked", "err", err)
			}
			if wait == 0 {
				return next(c)
			}
			h := c.Response().Header()
			h.Set("RateLimit-Policy", policy)
			h.Set("RateLimit", "limit="+strconv.Itoa(rl.Burst)+", remaining=0, reset="+retry)
			return &problemError{
				problem: newProblem(req.Context(), kindRateLimited, "rate limit exceeded; retry in "+retry+" seconds"),
				headers: map[string]string{"Retry-After": retry},
			}
		}
	}
}
