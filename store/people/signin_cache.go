package people

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
)

// signinTTL bounds how long a cached provider or binding is used without a notification.
const signinTTL = time.Minute

// signinMaxIssuers bounds the issuers remembered (an issuer no tenant registered is
// remembered too, so tokens naming made-up issuers cost no query each; they cannot grow the
// cache without bound).
const signinMaxIssuers = 4096

// signinCache keeps, per process, what accepting a token of a tenant's identity provider
// reads on every request: the providers of an issuer and the user bound to a subject. It
// is used only while the store's callers cache is live (the listener that hears every
// replica's changes) and forgets a tenant's entries whenever the store forgets that
// tenant's callers (store.OnForget): a provider's change or removal, or any change of the
// tenant's users, takes effect at the next request as it does for callers.
type signinCache struct {
	st      *store.Store
	mu      sync.Mutex
	epoch   uint64
	issuers map[string]cachedProviders
	bound   map[bindKey]cachedBinding
}

type cachedProviders struct {
	provs   []Provider
	fetched time.Time
}

type bindKey struct{ tenant, issuer, subject string }

type cachedBinding struct {
	user    uuid.UUID
	fetched time.Time
}

func newSigninCache(st *store.Store) *signinCache {
	c := &signinCache{st: st, issuers: map[string]cachedProviders{}, bound: map[bindKey]cachedBinding{}}
	st.OnForget(c.forget)
	return c
}

func (c *signinCache) forget(tenant string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	clear(c.issuers) // an issuer's providers may belong to several tenants
	for k := range c.bound {
		if tenant == "" || k.tenant == tenant {
			delete(c.bound, k)
		}
	}
}

// snapshot returns the epoch a lookup starts at, and whether the cache may be used.
func (c *signinCache) snapshot() (uint64, bool) {
	if c == nil || !c.st.CallerCacheLive() {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch, true
}

func (c *signinCache) providers(issuer string) ([]Provider, bool) {
	if _, ok := c.snapshot(); !ok {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.issuers[issuer]
	if !ok || time.Since(e.fetched) > signinTTL {
		return nil, false
	}
	return append([]Provider(nil), e.provs...), true
}

func (c *signinCache) putProviders(issuer string, provs []Provider, epoch uint64, fetched time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch == epoch && c.st.CallerCacheLive() {
		if len(c.issuers) >= signinMaxIssuers {
			clear(c.issuers)
		}
		c.issuers[issuer] = cachedProviders{provs: append([]Provider(nil), provs...), fetched: fetched}
	}
}

func (c *signinCache) binding(k bindKey) (uuid.UUID, bool) {
	if _, ok := c.snapshot(); !ok {
		return uuid.Nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.bound[k]
	if !ok || time.Since(e.fetched) > signinTTL {
		return uuid.Nil, false
	}
	return e.user, true
}

func (c *signinCache) putBinding(k bindKey, user uuid.UUID, epoch uint64, fetched time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch == epoch && c.st.CallerCacheLive() {
		c.bound[k] = cachedBinding{user: user, fetched: fetched}
	}
}
