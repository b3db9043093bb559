package main

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// callerCache is learnd's per-process caller cache (store/callers.go): a resolved caller
// is reused for callerTTL, so a request usually skips the lookup's round trip. learnd
// also drops a tenant's entries when a LISTEN/NOTIFY announcement says its users, keys or
// licence changed; the benchmark changes none of them, so the mirror keeps only the TTL.
type callerCache struct {
	mu      sync.Mutex
	entries map[callerCacheKey]callerCacheEntry
}

const callerTTL = time.Minute

type callerCacheKey struct {
	tenant string
	person uuid.UUID
}

type callerCacheEntry struct {
	c       caller
	fetched time.Time
}

func (cc *callerCache) get(k callerCacheKey, now time.Time) (caller, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	e, ok := cc.entries[k]
	if !ok || now.Sub(e.fetched) > callerTTL {
		return caller{}, false
	}
	return e.c, true
}

func (cc *callerCache) put(k callerCacheKey, c caller, now time.Time) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.entries == nil {
		cc.entries = map[callerCacheKey]callerCacheEntry{}
	}
	cc.entries[k] = callerCacheEntry{c: c, fetched: now}
}
