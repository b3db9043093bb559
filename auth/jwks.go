package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// jwksInitialFetch bounds the first, synchronous JWKS fetch.
const jwksInitialFetch = 15 * time.Second

// remoteKeys is an external issuer's JWK Set, kept fresh by a jwk.Cache
// and merged with the static keys. The merged keyring is rebuilt only when
// the cache holds a new set, so Verify does no fetching and no conversions.
type remoteKeys struct {
	cache  *jwk.Cache
	res    *httprc.ResourceBase[jwk.Set]
	static *keyring

	mu  sync.Mutex
	cur atomic.Pointer[mergedRing]
}

type mergedRing struct {
	src  jwk.Set
	ring *keyring
}

// newRemoteKeys registers url with a fresh jwk.Cache (whose background
// refresh lives as long as ctx) and fetches it once, failing if that fetch
// fails or yields no usable key.
func newRemoteKeys(ctx context.Context, url string, static *keyring) (*remoteKeys, error) {
	cache, err := jwk.NewCache(ctx, httprc.NewClient())
	if err != nil {
		return nil, fmt.Errorf("jwks: cache: %w", err)
	}
	rk, err := registerRemote(ctx, cache, url, static)
	if err != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = cache.Shutdown(sctx)
		return nil, err
	}
	return rk, nil
}

func registerRemote(ctx context.Context, cache *jwk.Cache, url string, static *keyring) (*remoteKeys, error) {
	if err := cache.Register(ctx, url,
		jwk.WithMinInterval(jwksMinRefresh),
		jwk.WithWaitReady(false),
	); err != nil {
		return nil, fmt.Errorf("jwks: register %s: %w", url, err)
	}
	fctx, cancel := context.WithTimeout(ctx, jwksInitialFetch)
	defer cancel()
	// Refresh rather than wait for readiness: it reports why a fetch
	// failed instead of blocking until the next retry.
	if _, err := cache.Refresh(fctx, url); err != nil {
		return nil, fmt.Errorf("jwks: fetch %s: %w", url, err)
	}
	res, err := cache.LookupResource(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	rk := &remoteKeys{cache: cache, res: res, static: static}
	if rk.ring().len() == static.len() {
		return nil, fmt.Errorf("jwks: %s has no usable keys", url)
	}
	return rk, nil
}

// ring returns the static keys merged with the current JWK Set.
func (r *remoteKeys) ring() *keyring {
	src := r.res.Resource()
	if m := r.cur.Load(); m != nil && m.src == src {
		return m.ring
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m := r.cur.Load(); m != nil && m.src == src {
		return m.ring
	}
	ring := r.static.clone()
	if src != nil {
		for i := range src.Len() {
			k, ok := src.Key(i)
			if !ok {
				continue
			}
			vk, err := newVerifyKey(k)
			if err != nil {
				continue // not a key we may verify with (alg, type, use)
			}
			vk.anyS = true         // an external provider's signer may emit either S (lows.go)
			_ = ring.add(vk, true) // a kid clashing with a static key is skipped
		}
	}
	r.cur.Store(&mergedRing{src: src, ring: ring})
	return ring
}

// close stops the background refresh.
func (r *remoteKeys) close(ctx context.Context) error {
	if err := r.cache.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("jwks: shutdown: %w", err)
	}
	return nil
}
