package server

import (
	"math"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/learnd/learnd/auth"
)

// RateLimit is a token bucket per caller: RPS requests per second on average, bursts of
// Burst. Zero RPS switches limiting off.
type RateLimit struct {
	RPS   float64
	Burst int
}

var kindRateLimited = problemKind{429, "rate-limited", "Too many requests", "rate_limited"}

// rateLimiter limits each caller (tenant, application and person of the token) on this
// instance, and the public token endpoint per client address. A refused request gets a
// problem with Retry-After and the RateLimit headers.
func rateLimiter(rl RateLimit) echo.MiddlewareFunc {
	if rl.RPS <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	if rl.Burst < 1 {
		rl.Burst = int(math.Ceil(rl.RPS))
	}
	retry := strconv.Itoa(int(math.Max(1, math.Ceil(1/rl.RPS))))
	policy := strconv.FormatFloat(rl.RPS, 'f', -1, 64) + ";w=1;burst=" + strconv.Itoa(rl.Burst)
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(rl.RPS), Burst: rl.Burst, ExpiresIn: 5 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return publicPath(p) && p != "/api/v1/auth/token"
		},
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if p, ok := auth.FromContext(c.Request().Context()); ok {
				return "p|" + p.TenantID + "|" + p.AppID + "|" + p.KeyID + "|" + p.Subject, nil
			}
			return "ip|" + c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			h := c.Response().Header()
			h.Set("RateLimit-Policy", policy)
			h.Set("RateLimit", "limit="+strconv.Itoa(rl.Burst)+", remaining=0, reset="+retry)
			return &problemError{
				problem: newProblem(c.Request().Context(), kindRateLimited, "rate limit exceeded; retry in "+retry+" seconds"),
				headers: map[string]string{"Retry-After": retry},
			}
		},
	})
}
