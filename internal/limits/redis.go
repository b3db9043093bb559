package limits

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// DefaultPrefix starts the names of the keys learnd keeps in Redis (redis_rate adds its
// own "rate:" in front of the buckets' names).
const DefaultPrefix = "learnd:"

// downFor is how long Redis counts as down after a failed call: meanwhile every call is
// answered by the in-process fallback, so an outage costs one failed call per period
// rather than one per request.
const downFor = 5 * time.Second

// Redis counts in a Redis server, shared by every replica that uses the same server and
// prefix. Buckets are GCRA states (redis_rate): key "rate:<prefix>b:<key>", expiring once
// full again. A day's allowance is the counter "<prefix>d:<YYYY-MM-DD>:<key>", which
// expires an hour after the next UTC midnight (the hour absorbs clock skew between
// replicas and Redis).
//
// When Redis fails (unreachable, timed out, an error reply), Redis logs a warning, counts
// in its in-process fallback (the same as Memory, so each replica on its own) for the
// next five seconds, then tries Redis again; it logs once more when Redis answers again.
// Only the caller's own cancellation is returned as an error.
type Redis struct {
	rdb      *redis.Client
	rl       *redis_rate.Limiter
	prefix   string
	log      *slog.Logger
	fallback *Memory
	down     atomic.Int64 // unix nanoseconds until which Redis counts as down
	failed   atomic.Bool  // a failure was logged and no success since
	now      func() time.Time
}

// NewRedis counts in rdb under prefix (DefaultPrefix when empty), logging Redis failures
// to log (slog.Default() when nil).
func NewRedis(rdb *redis.Client, prefix string, log *slog.Logger) *Redis {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if log == nil {
		log = slog.Default()
	}
	return &Redis{rdb: rdb, rl: redis_rate.NewLimiter(rdb), prefix: prefix, log: log, fallback: NewMemory(), now: time.Now}
}

// OpenRedis connects to the Redis at url (redis://[user:password@]host:port/db or
// rediss://…; go-redis query options such as dial_timeout=…&read_timeout=… apply) with
// short timeouts unless the URL sets them: a limiter must not hold a request up for long.
// It does not fail when Redis does not answer yet (see Ping).
func OpenRedis(url, prefix string, log *slog.Logger) (*Redis, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 500 * time.Millisecond
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = o.ReadTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 1
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = 1
	}
	o.ContextTimeoutEnabled = true
	return NewRedis(redis.NewClient(o), prefix, log), nil
}

// LogRedisTo sends go-redis's own log lines (one per failed dial, say) to log at debug
// level instead of the standard logger: Redis logs its failures once, as warnings. It
// sets go-redis's process-wide logger.
func LogRedisTo(log *slog.Logger) { redis.SetLogger(redisLog{log}) }

type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// Close closes the connections to Redis.
func (r *Redis) Close() error { return r.rdb.Close() }

// Purge deletes every key this limiter's prefix names (for tests).
func (r *Redis) Purge(ctx context.Context) error {
	for _, pattern := range []string{"rate:" + r.prefix + "*", r.prefix + "*"} {
		iter := r.rdb.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			if err := r.rdb.Del(ctx, iter.Val()).Err(); err != nil {
				return fmt.Errorf("redis purge: %w", err)
			}
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("redis purge: %w", err)
		}
	}
	return nil
}

// Take implements Limiter.
func (r *Redis) Take(ctx context.Context, key string, rt Rate) (time.Duration, error) {
	if r.isDown() {
		return r.fallback.Take(ctx, key, rt)
	}
	wait, err := r.take(ctx, key, rt.valid())
	if err != nil {
		if err := r.fail(ctx, err); err != nil {
			return 0, err
		}
		return r.fallback.Take(ctx, key, rt)
	}
	r.ok()
	return wait, nil
}

// Wait implements Limiter. It asks for nothing (a cost of 0): the bucket holds
// Burst-(state-now)/Every events, so it holds one once state-now ≤ (Burst-1)·Every.
func (r *Redis) Wait(ctx context.Context, key string, rt Rate) (time.Duration, error) {
	if r.isDown() {
		return r.fallback.Wait(ctx, key, rt)
	}
	rt = rt.valid()
	res, err := r.rl.AllowN(ctx, r.bucketKey(key), limit(rt), 0)
	if err != nil {
		if err := r.fail(ctx, err); err != nil {
			return 0, err
		}
		return r.fallback.Wait(ctx, key, rt)
	}
	r.ok()
	switch {
	case res.RetryAfter > 0: // over-full (the rate changed): empty until then
		return res.RetryAfter + rt.Every, nil
	case res.Remaining >= 1:
		return 0, nil
	}
	return max(res.ResetAfter-time.Duration(rt.Burst-1)*rt.Every, time.Millisecond), nil
}

// TakeDaily implements Limiter: the day's counter goes up first (so two replicas never
// both take the last one) and back down when the request is refused.
func (r *Redis) TakeDaily(ctx context.Context, key string, rt Rate, perDay int) (time.Duration, bool, error) {
	if r.isDown() {
		return r.fallback.TakeDaily(ctx, key, rt, perDay)
	}
	wait, daily, err := r.takeDaily(ctx, key, rt.valid(), perDay)
	if err != nil {
		if err := r.fail(ctx, err); err != nil {
			return 0, false, err
		}
		return r.fallback.TakeDaily(ctx, key, rt, perDay)
	}
	r.ok()
	return wait, daily, nil
}

func (r *Redis) takeDaily(ctx context.Context, key string, rt Rate, perDay int) (time.Duration, bool, error) {
	now := r.now()
	midnight := nextMidnight(now)
	dayKey := r.prefix + "d:" + now.UTC().Format(time.DateOnly) + ":" + key
	var incr *redis.IntCmd
	if _, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, dayKey)
		p.ExpireAt(ctx, dayKey, midnight.Add(time.Hour))
		return nil
	}); err != nil {
		return 0, false, fmt.Errorf("redis day count: %w", err)
	}
	if incr.Val() > int64(perDay) {
		return midnight.Sub(now), true, r.undo(ctx, dayKey)
	}
	wait, err := r.take(ctx, key, rt)
	if err != nil {
		return 0, false, errors.Join(err, r.undo(ctx, dayKey))
	}
	if wait > 0 {
		return wait, false, r.undo(ctx, dayKey)
	}
	return 0, false, nil
}

func (r *Redis) undo(ctx context.Context, dayKey string) error {
	if err := r.rdb.Decr(ctx, dayKey).Err(); err != nil {
		return fmt.Errorf("redis day count: %w", err)
	}
	return nil
}

func (r *Redis) take(ctx context.Context, key string, rt Rate) (time.Duration, error) {
	res, err := r.rl.Allow(ctx, r.bucketKey(key), limit(rt))
	if err != nil {
		return 0, fmt.Errorf("redis bucket: %w", err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}

func (r *Redis) bucketKey(key string) string { return r.prefix + "b:" + key }

// limit is rt as redis_rate counts it: one event per Every, Burst at once.
func limit(rt Rate) redis_rate.Limit {
	return redis_rate.Limit{Rate: 1, Period: rt.Every, Burst: rt.Burst}
}

func (r *Redis) isDown() bool { return r.now().UnixNano() < r.down.Load() }

// fail handles a failed call: the caller's own cancellation is returned; anything else
// marks Redis down for a while (logged once) and returns nil, so the fallback answers.
func (r *Redis) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("limits: %w", ctx.Err())
	}
	r.down.Store(r.now().Add(downFor).UnixNano())
	if !r.failed.Swap(true) {
		r.log.Warn("redis limits unavailable: counting in this process until Redis answers again",
			"err", strings.TrimSpace(err.Error()), "retry_in", downFor)
	}
	return nil
}

// ok notes a call that Redis answered.
func (r *Redis) ok() {
	if r.failed.Load() && r.failed.Swap(false) {
		r.log.Info("redis limits available again")
	}
}
