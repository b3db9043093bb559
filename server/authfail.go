package server

import (
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// authFailures limits failed authentications per client address on this instance:
// failuresPerMinute on average, in bursts of failureBurst. Once an address has used them
// up, every request from it is refused with 429 until the bucket refills, whatever
// credentials it sends, so keys and tokens cannot be guessed at speed.
type authFailures struct {
	mu     sync.Mutex
	byAddr map[string]*failBucket
	swept  time.Time
	perMin float64
	burst  int
}

type failBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	maxFailAddrs      = 100000
	failuresPerMinute = 10
	failureBurst      = 20
)

func newAuthFailures() *authFailures {
	return &authFailures{byAddr: map[string]*failBucket{}, perMin: failuresPerMinute, burst: failureBurst}
}

// blocked returns how long addr must wait, or 0.
func (a *authFailures) blocked(addr string) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.byAddr[addr]
	if b == nil {
		return 0
	}
	now := time.Now()
	if b.lim.TokensAt(now) >= 1 {
		return 0
	}
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return d
}

// fail records one failed authentication from addr.
func (a *authFailures) fail(addr string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if now.Sub(a.swept) > 5*time.Minute {
		for k, b := range a.byAddr {
			if now.Sub(b.seen) > 5*time.Minute {
				delete(a.byAddr, k)
			}
		}
		a.swept = now
	}
	b := a.byAddr[addr]
	if b == nil {
		if len(a.byAddr) >= maxFailAddrs {
			return // under a flood of addresses, stop tracking new ones rather than grow
		}
		b = &failBucket{lim: rate.NewLimiter(rate.Limit(a.perMin/60), a.burst)}
		a.byAddr[addr] = b
	}
	b.seen = now
	b.lim.AllowN(now, 1)
}

func tooManyFailures(ctx context.Context, wait time.Duration) error {
	secs := strconv.Itoa(int(math.Max(1, math.Ceil(wait.Seconds()))))
	return &problemError{
		problem: withCode(newProblem(ctx, kindRateLimited, "too many failed authentication attempts from this address; retry in "+secs+" seconds"), "auth_rate_limited"),
		headers: map[string]string{"Retry-After": secs},
	}
}
