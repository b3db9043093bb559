package server

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/learnd/learnd/internal/limits"
)

// authFailures limits failed authentications per client address: failuresPerMinute on
// average, in bursts of failureBurst, counted by the server's limiter (in this process, or
// in Redis across replicas). Once an address has used them up, every request from it is
// refused with 429 until the bucket refills, whatever credentials it sends, so keys and
// tokens cannot be guessed at speed.
type authFailures struct {
	lim  limits.Limiter
	rate limits.Rate
	log  *slog.Logger
}

const (
	failuresPerMinute = 10
	failureBurst      = 20
	// limiterTimeout bounds one limiter call made outside a request's context.
	limiterTimeout = 2 * time.Second
)

func newAuthFailures(lim limits.Limiter, log *slog.Logger) *authFailures {
	return &authFailures{lim: lim, rate: limits.Rate{Every: time.Minute / failuresPerMinute, Burst: failureBurst}, log: log}
}

// blocked returns how long addr must wait, or 0. A limiter that fails lets it through.
func (a *authFailures) blocked(addr string) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), limiterTimeout)
	defer cancel()
	d, err := a.lim.Wait(ctx, "authfail:"+addr, a.rate)
	if err != nil {
		a.log.Warn("failed-authentication limit unchecked", "err", err)
		return 0
	}
	return d
}

// fail records one failed authentication from addr.
func (a *authFailures) fail(addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), limiterTimeout)
	defer cancel()
	if _, err := a.lim.Take(ctx, "authfail:"+addr, a.rate); err != nil {
		a.log.Warn("failed authentication not counted", "err", err)
	}
}

func tooManyFailures(ctx context.Context, wait time.Duration) error {
	secs := strconv.Itoa(int(math.Max(1, math.Ceil(wait.Seconds()))))
	return &problemError{
		problem: withCode(newProblem(ctx, kindRateLimited, "too many failed authentication attempts from this address; retry in "+secs+" seconds"), "auth_rate_limited"),
		headers: map[string]string{"Retry-After": secs},
	}
}
