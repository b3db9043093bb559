package store

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Callers are cached per process so a request does not pay a round trip to learn who its
// caller is. A cached answer is used only while this process listens on channel
// learnd_callers, where triggers (migration 00025) announce, at commit, every change to a
// tenant's users, API keys or licence; each announcement drops that tenant's entries on
// every replica. While the listener is disconnected the cache is neither read nor
// filled, so a ban, a role change, a revoked key or a new licence always takes effect by
// the next request; the window is the notification's delivery (milliseconds). Entries
// also expire after callerTTL, and an API key's entry at the key's own expiry.

const (
	callerTTL     = time.Minute
	callerChannel = "learnd_callers"
)

type callerKey struct {
	tenant string
	person uuid.UUID
	key    string
}

type callerEntry struct {
	c       Caller
	keyExp  *time.Time // the API key's expiry, when the token was exchanged for one
	fetched time.Time
}

// callerCache is the per-process cache of resolved callers.
type callerCache struct {
	mu      sync.Mutex
	entries map[callerKey]callerEntry
	epoch   uint64      // bumped on every invalidation; a lookup racing one is not stored
	live    atomic.Bool // the listener is connected
	stop    context.CancelFunc
	done    chan struct{}
	hooks   []func(tenant string) // OnForget's
}

func newCallerCache() *callerCache {
	return &callerCache{entries: map[callerKey]callerEntry{}, done: make(chan struct{})}
}

// get returns a fresh cached caller, with its key's liveness judged now.
func (c *callerCache) get(k callerKey, now time.Time) (Caller, bool) {
	if !c.live.Load() {
		return Caller{}, false
	}
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if !ok || now.Sub(e.fetched) > callerTTL {
		return Caller{}, false
	}
	if e.keyExp != nil && !now.Before(*e.keyExp) {
		e.c.KeyLive = false
	}
	return e.c, true
}

// snapshot is the epoch a lookup starts at; put stores its result only if no
// invalidation came in between (and the listener is up).
func (c *callerCache) snapshot() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

func (c *callerCache) put(k callerKey, e callerEntry, epoch uint64) {
	if !c.live.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch == epoch {
		c.entries[k] = e
	}
}

// forget drops a tenant's entries ("" drops all), and tells the OnForget hooks.
func (c *callerCache) forget(tenant string) {
	c.mu.Lock()
	c.epoch++
	if tenant == "" {
		clear(c.entries)
	}
	for k := range c.entries {
		if k.tenant == tenant {
			delete(c.entries, k)
		}
	}
	hooks := c.hooks
	c.mu.Unlock()
	for _, h := range hooks {
		h(tenant)
	}
}

// OnForget registers f, called with a tenant id whenever what is cached about that
// tenant's callers must be forgotten ("" for every tenant): on every replica when the
// tenant's users, keys, licence or identity provider change, and whenever the listener
// (re)connects. Caches kept beside the callers' (people's sign-ins) stay as fresh this
// way; they are used only while CallerCacheLive.
func (s *Store) OnForget(f func(tenant string)) {
	if s.callers == nil {
		return
	}
	s.callers.mu.Lock()
	defer s.callers.mu.Unlock()
	s.callers.hooks = append(s.callers.hooks, f)
}

// listen keeps a connection listening on the callers channel until ctx ends,
// reconnecting with backoff; the cache is live only while it listens.
func (s *Store) listen(ctx context.Context, log *slog.Logger) {
	c := s.callers
	defer close(c.done)
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx)
		c.live.Store(false)
		c.forget("")
		if ctx.Err() != nil {
			return
		}
		log.Warn("caller cache: listener disconnected; resolving callers from the database until it is back", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+callerChannel); err != nil {
		return err
	}
	// Anything cached before this point may have missed a notification.
	s.callers.forget("")
	s.callers.live.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.callers.forget(n.Payload)
	}
}

// startCallerCache starts the listener (Open does, unless Options.NoCallerCache).
func (s *Store) startCallerCache(log *slog.Logger) {
	s.callers = newCallerCache()
	ctx, cancel := context.WithCancel(context.Background())
	s.callers.stop = cancel
	go s.listen(ctx, log)
}

// stopCallerCache stops the listener and waits for it.
func (s *Store) stopCallerCache() {
	if s.callers == nil || s.callers.stop == nil {
		return
	}
	s.callers.stop()
	<-s.callers.done
}

// CallerCacheLive reports whether cached callers are in use (the listener is connected).
func (s *Store) CallerCacheLive() bool { return s.callers != nil && s.callers.live.Load() }
