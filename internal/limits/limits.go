// Package limits counts requests against learnd's rate limits: token buckets (the
// per-caller rate limit, an API key's per-minute licence limit, failed authentications
// per address) and per-UTC-day allowances (an API key's daily licence limit).
//
// Two implementations share one interface: Memory counts in this process (each replica
// on its own, forgotten at restart), Redis counts in a Redis server that every replica
// shares, so the limits hold across replicas and restarts. Redis buckets use GCRA
// (github.com/go-redis/redis_rate); a day's allowance is a counter that expires at the
// next UTC midnight.
package limits

import (
	"context"
	"time"
)

// Limiter counts events per key. Keys are opaque; callers namespace them.
type Limiter interface {
	// Take takes one event from key's bucket. When the bucket is empty it takes nothing
	// and returns how long until it holds one; otherwise it returns 0.
	Take(ctx context.Context, key string, r Rate) (time.Duration, error)
	// Wait reports how long until key's bucket holds one event (0: it does now), taking
	// nothing.
	Wait(ctx context.Context, key string, r Rate) (time.Duration, error)
	// TakeDaily takes one event from key's bucket r and one from its allowance of perDay
	// events for the current UTC day. When either is used up it takes nothing and returns
	// the wait, and daily reports whether the day's allowance was the one used up (the
	// wait then lasts until midnight UTC).
	TakeDaily(ctx context.Context, key string, r Rate, perDay int) (wait time.Duration, daily bool, err error)
}

var (
	_ Limiter = (*Memory)(nil)
	_ Limiter = (*Redis)(nil)
)

// Rate is a token bucket: it holds at most Burst events and gains one every Every.
type Rate struct {
	Every time.Duration
	Burst int
}

// PerMinute is n events a minute, all n at once at most.
func PerMinute(n int) Rate {
	if n < 1 {
		n = 1
	}
	return Rate{Every: time.Minute / time.Duration(n), Burst: n}
}

// PerSecond is rps events a second on average, in bursts of burst (at least 1).
func PerSecond(rps float64, burst int) Rate {
	return Rate{Every: max(time.Duration(float64(time.Second)/rps), 1), Burst: max(burst, 1)}
}

// valid fills in what a zero Rate leaves out: one event a second, bursts of one.
func (r Rate) valid() Rate {
	if r.Every <= 0 {
		r.Every = time.Second
	}
	r.Burst = max(r.Burst, 1)
	return r
}

// refill is how long an empty bucket takes to fill up again.
func (r Rate) refill() time.Duration { return time.Duration(r.Burst) * r.Every }

// nextMidnight is the next midnight UTC after now.
func nextMidnight(now time.Time) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
}
