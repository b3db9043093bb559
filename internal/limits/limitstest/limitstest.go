// Package limitstest gives tests a Redis limiter under a key prefix of their own, whose
// keys are deleted at cleanup.
//
// The Redis to use comes from LEARND_TEST_REDIS_URL (scripts/test.sh sets it to the Redis
// on 127.0.0.1:6379, database 15, or to a throwaway redis-server it starts), else
// redis://127.0.0.1:6379/15.
package limitstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/learnd/learnd/internal/limits"
)

// URL is the test Redis.
func URL() string {
	if v := os.Getenv("LEARND_TEST_REDIS_URL"); v != "" {
		return v
	}
	return "redis://127.0.0.1:6379/15"
}

// Prefix is a fresh key prefix for one test; the keys under it are deleted at cleanup.
func Prefix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "learnd-test:" + hex.EncodeToString(b[:]) + ":"
	r := open(t, prefix, nil)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Purge(ctx); err != nil {
			t.Errorf("limitstest: purge %s: %v", prefix, err)
		}
	})
	return prefix
}

// New is a limiter on the test Redis under prefix (from Prefix), closed at cleanup; it
// fails the test when Redis does not answer. log receives its warnings (nil: dropped).
func New(t testing.TB, prefix string, log *slog.Logger) *limits.Redis {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return open(t, prefix, log)
}

func open(t testing.TB, prefix string, log *slog.Logger) *limits.Redis {
	t.Helper()
	r, err := limits.OpenRedis(URL(), prefix, log)
	if err != nil {
		t.Fatalf("limitstest: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		t.Fatalf("limitstest: no Redis at %s (make test starts one; or set LEARND_TEST_REDIS_URL): %v", URL(), err)
	}
	return r
}

// Client is a plain client of the test Redis, closed at cleanup, to look at the keys a
// limiter wrote.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("limitstest: %v", err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { _ = c.Close() })
	return c
}
