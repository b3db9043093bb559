package auth

import (
	"crypto/sha256"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultVerifiedCache is how many verified signatures a Verifier remembers by default.
const DefaultVerifiedCache = 8192

// verifiedTTL bounds how long a remembered signature is trusted without checking it again.
// A token's claims (exp, nbf, iss, aud and learnd's) are still checked on every request;
// only the signature check is skipped, and only while the key that verified it is still
// the one in use (a key-set refresh forgets everything verified under the old set).
const verifiedTTL = 5 * time.Minute

// verified remembers the payloads of compact JWS tokens whose signatures were checked, so
// a client sending the same token on every request pays for one ECDSA verification, not
// one per request (about 100 µs of CPU each on a P-256 key). Keys are SHA-256 digests of
// the token and the way it was checked, so the cache holds no token.
type verified struct {
	lru *lru.Cache[[sha256.Size]byte, verifiedEntry] // (the expirable LRU runs a goroutine per cache, forever)
}

// verifiedEntry is a checked token's payload, the key ring that checked it (nil for
// learnd's own key, which never changes while the process runs) and when it stops being
// trusted.
type verifiedEntry struct {
	ring    *keyring
	payload []byte
	expires time.Time
}

func newVerified(size int) *verified {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = DefaultVerifiedCache
	}
	c, err := lru.New[[sha256.Size]byte, verifiedEntry](size)
	if err != nil { // only for a size below 1
		panic(err)
	}
	return &verified{lru: c}
}

// verifiedKey is the cache key of token checked by way: 'k' against the key ring, 'r'
// against learnd's own key only (a token for a protected resource).
func verifiedKey(way byte, token []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte{way})
	h.Write(token)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// check returns the payload of token verified by check, from the cache when ring (the key
// ring in use now; nil for learnd's own key) verified it before. A nil cache always checks.
func (c *verified) check(way byte, token []byte, ring *keyring, check func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return check()
	}
	k := verifiedKey(way, token)
	if e, ok := c.lru.Get(k); ok && e.ring == ring && time.Now().Before(e.expires) {
		return e.payload, nil
	}
	payload, err := check()
	if err != nil {
		return nil, err
	}
	c.lru.Add(k, verifiedEntry{ring: ring, payload: payload, expires: time.Now().Add(verifiedTTL)})
	return payload, nil
}
