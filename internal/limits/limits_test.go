package limits_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/internal/limits/limitstest"
)

// each runs f on a fresh Memory and on a fresh Redis limiter.
func each(t *testing.T, f func(t *testing.T, l limits.Limiter)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		f(t, limits.NewMemory())
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		f(t, limitstest.New(t, limitstest.Prefix(t), nil))
	})
}

func TestTake(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, l limits.Limiter) {
		ctx := context.Background()
		r := limits.Rate{Every: time.Hour, Burst: 3}
		for i := range 3 {
			if w, err := l.Take(ctx, "a", r); err != nil || w != 0 {
				t.Fatalf("take %d within the burst: %v %v", i, w, err)
			}
		}
		w, err := l.Take(ctx, "a", r)
		if err != nil || w < 59*time.Minute || w > time.Hour {
			t.Fatalf("take beyond the burst: wait %v (want about an hour) %v", w, err)
		}
		if w, err := l.Take(ctx, "b", r); err != nil || w != 0 {
			t.Fatalf("another key: %v %v", w, err)
		}
	})
}

func TestWaitTakesNothing(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, l limits.Limiter) {
		ctx := context.Background()
		r := limits.Rate{Every: time.Hour, Burst: 2}
		if w, err := l.Wait(ctx, "a", r); err != nil || w != 0 {
			t.Fatalf("wait on a new key: %v %v", w, err)
		}
		if _, err := l.Take(ctx, "a", r); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if w, err := l.Wait(ctx, "a", r); err != nil || w != 0 {
				t.Fatalf("wait with one left: %v %v", w, err)
			}
		}
		if w, err := l.Take(ctx, "a", r); err != nil || w != 0 {
			t.Fatalf("the last one after waits: %v %v", w, err)
		}
		w, err := l.Wait(ctx, "a", r)
		if err != nil || w < 59*time.Minute || w > time.Hour {
			t.Fatalf("wait on an empty bucket: %v (want about an hour) %v", w, err)
		}
	})
}

func TestTakeDaily(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, l limits.Limiter) {
		ctx := context.Background()
		r := limits.PerMinute(100)
		for i := range 5 {
			if w, daily, err := l.TakeDaily(ctx, "k", r, 5); err != nil || w != 0 || daily {
				t.Fatalf("take %d of 5: %v %v %v", i, w, daily, err)
			}
		}
		now := time.Now().UTC()
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		w, daily, err := l.TakeDaily(ctx, "k", r, 5)
		if err != nil || !daily || w <= 0 || w > midnight.Sub(now)+time.Second || w < midnight.Sub(now)-5*time.Second {
			t.Fatalf("sixth of 5: wait %v daily %v %v; want until midnight UTC (%v)", w, daily, err, midnight.Sub(now))
		}
		if w, daily, err := l.TakeDaily(ctx, "other", r, 5); err != nil || w != 0 || daily {
			t.Fatalf("another key: %v %v %v", w, daily, err)
		}
	})
}

// A request the bucket refuses does not count against the day.
func TestTakeDailyRefusedDoesNotCount(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, l limits.Limiter) {
		ctx := context.Background()
		r := limits.Rate{Every: 300 * time.Millisecond, Burst: 1}
		taken, refused := 0, 0
		for taken < 3 {
			w, daily, err := l.TakeDaily(ctx, "k", r, 3)
			if err != nil || daily {
				t.Fatalf("after %d taken: daily %v %v", taken, daily, err)
			}
			if w == 0 {
				taken++
				continue
			}
			refused++
			if w > 300*time.Millisecond {
				t.Fatalf("bucket wait %v", w)
			}
			time.Sleep(w + 20*time.Millisecond)
		}
		if refused == 0 {
			t.Fatal("the bucket never refused")
		}
		time.Sleep(350 * time.Millisecond)
		if w, daily, err := l.TakeDaily(ctx, "k", r, 3); err != nil || !daily || w == 0 {
			t.Fatalf("fourth of 3 with the bucket full: %v %v %v", w, daily, err)
		}
	})
}

// Two Redis limiters on the same prefix (two replicas, or one restarted) share buckets
// and day counts.
func TestRedisShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prefix := limitstest.Prefix(t)
	a, b := limitstest.New(t, prefix, nil), limitstest.New(t, prefix, nil)
	r := limits.Rate{Every: time.Hour, Burst: 4}
	for i := range 4 {
		if w, err := []limits.Limiter{a, b}[i%2].Take(ctx, "b", r); err != nil || w != 0 {
			t.Fatalf("take %d: %v %v", i, w, err)
		}
	}
	for i, l := range []limits.Limiter{a, b} {
		if w, err := l.Take(ctx, "b", r); err != nil || w == 0 {
			t.Fatalf("replica %d past the shared burst: %v %v", i, w, err)
		}
	}
	// The day's count: 4 of 6 on two replicas, then a restarted one has 2 left.
	r = limits.PerMinute(100)
	for i := range 4 {
		if w, daily, err := []limits.Limiter{a, b}[i%2].TakeDaily(ctx, "d", r, 6); err != nil || w != 0 || daily {
			t.Fatalf("daily %d: %v %v %v", i, w, daily, err)
		}
	}
	_, _ = a.Close(), b.Close()
	c := limitstest.New(t, prefix, nil)
	for i := range 2 {
		if w, daily, err := c.TakeDaily(ctx, "d", r, 6); err != nil || w != 0 || daily {
			t.Fatalf("restarted, daily %d: %v %v %v", 4+i, w, daily, err)
		}
	}
	if w, daily, err := c.TakeDaily(ctx, "d", r, 6); err != nil || !daily || w == 0 {
		t.Fatalf("restarted limiter forgot the day: %v %v %v", w, daily, err)
	}
}

// When Redis does not answer, the limiter counts in process and says so once.
func TestRedisDownFallsBack(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	l, err := limits.OpenRedis("redis://127.0.0.1:1/0?dial_timeout=200ms", "x:", slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	ctx := context.Background()
	r := limits.Rate{Every: time.Hour, Burst: 2}
	for i := range 2 {
		if w, err := l.Take(ctx, "a", r); err != nil || w != 0 {
			t.Fatalf("take %d: %v %v", i, w, err)
		}
	}
	if w, err := l.Take(ctx, "a", r); err != nil || w == 0 {
		t.Fatalf("the in-process fallback did not limit: %v %v", w, err)
	}
	if w, daily, err := l.TakeDaily(ctx, "d", r, 1); err != nil || w != 0 || daily {
		t.Fatalf("daily fallback: %v %v %v", w, daily, err)
	}
	if n := strings.Count(buf.String(), "redis limits unavailable"); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, buf.String())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	l2, _ := limits.OpenRedis("redis://127.0.0.1:1/0", "x:", slog.New(slog.DiscardHandler))
	defer func() { _ = l2.Close() }()
	if _, err := l2.Take(cctx, "a", r); err == nil {
		t.Fatal("a cancelled request got no error")
	}
}

func TestMemoryNewDay(t *testing.T) {
	t.Parallel()
	m := limits.NewMemory()
	now := time.Date(2030, 1, 1, 23, 59, 59, 0, time.UTC)
	limits.SetClock(m, func() time.Time { return now })
	ctx := context.Background()
	r := limits.PerMinute(100)
	if w, _, _ := m.TakeDaily(ctx, "k", r, 1); w != 0 {
		t.Fatal("first of the day refused")
	}
	if w, daily, _ := m.TakeDaily(ctx, "k", r, 1); !daily || w != time.Second {
		t.Fatalf("second: %v %v, want daily, 1s", w, daily)
	}
	now = now.Add(2 * time.Second)
	if w, _, _ := m.TakeDaily(ctx, "k", r, 1); w != 0 {
		t.Fatal("first of the next day refused")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
