package limits

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxKeys caps the buckets (and the day counters) Memory tracks: under a flood of new
// keys (addresses, say) it stops tracking new ones rather than grow; they are not
// limited until older ones are forgotten.
const maxKeys = 1 << 20

// sweepEvery is how often Memory forgets buckets that have filled up again (a full bucket
// is the same as none) and counters of past days.
const sweepEvery = time.Minute

// Memory counts in this process: each replica on its own, forgotten at restart.
type Memory struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	days    map[string]*dayCount
	swept   time.Time
	now     func() time.Time
}

type bucket struct {
	r    Rate
	lim  *rate.Limiter
	seen time.Time
}

type dayCount struct {
	day string // YYYY-MM-DD, UTC
	n   int
}

// NewMemory returns an empty in-process limiter.
func NewMemory() *Memory {
	return &Memory{buckets: map[string]*bucket{}, days: map[string]*dayCount{}, now: time.Now}
}

// Take implements Limiter.
func (m *Memory) Take(_ context.Context, key string, r Rate) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	return m.take(key, r.valid(), now), nil
}

// Wait implements Limiter.
func (m *Memory) Wait(_ context.Context, key string, r Rate) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	b := m.buckets[key]
	if b == nil || b.r != r.valid() || b.lim.TokensAt(now) >= 1 {
		return 0, nil
	}
	res := b.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	res.CancelAt(now)
	return d, nil
}

// TakeDaily implements Limiter.
func (m *Memory) TakeDaily(_ context.Context, key string, r Rate, perDay int) (time.Duration, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	day := now.UTC().Format(time.DateOnly)
	c := m.days[key]
	if c == nil && len(m.days) < maxKeys {
		c = &dayCount{day: day}
		m.days[key] = c
	}
	if c != nil && c.day != day {
		c.day, c.n = day, 0
	}
	if c != nil && c.n >= perDay {
		return nextMidnight(now).Sub(now), true, nil
	}
	if wait := m.take(key, r.valid(), now); wait > 0 {
		return wait, false, nil
	}
	if c != nil {
		c.n++
	}
	return 0, false, nil
}

// take takes one event from key's bucket; m.mu is held.
func (m *Memory) take(key string, r Rate, now time.Time) time.Duration {
	b := m.buckets[key]
	if b == nil || b.r != r { // a new key, or its limit changed: start full
		if b == nil && len(m.buckets) >= maxKeys {
			return 0
		}
		b = &bucket{r: r, lim: rate.NewLimiter(rate.Every(r.Every), r.Burst)}
		m.buckets[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// sweep forgets full buckets and past days' counters, at most once a sweepEvery; m.mu is
// held.
func (m *Memory) sweep(now time.Time) {
	if now.Sub(m.swept) < sweepEvery {
		return
	}
	m.swept = now
	for k, b := range m.buckets {
		if now.Sub(b.seen) >= b.r.refill() {
			delete(m.buckets, k)
		}
	}
	day := now.UTC().Format(time.DateOnly)
	for k, c := range m.days {
		if c.day != day {
			delete(m.days, k)
		}
	}
}
