package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestVerifiedCache: a token sent again skips its signature check (the check runs once),
// but its claims are checked every time (an expired token is refused although its
// signature is remembered), and a key-set change forgets what the old keys verified.
func TestVerifiedCache(t *testing.T) {
	t.Parallel()

	t.Run("checks a signature once", func(t *testing.T) {
		t.Parallel()
		c := newVerified(4)
		ring := newKeyring()
		calls := 0
		check := func() ([]byte, error) { calls++; return []byte(`{}`), nil }
		for range 3 {
			if _, err := c.check('k', []byte("a.b.c"), ring, check); err != nil {
				t.Fatal(err)
			}
		}
		if calls != 1 {
			t.Fatalf("signature checked %d times for one token, want 1", calls)
		}
		// Another way of checking, another ring or another token is checked anew.
		_, _ = c.check('r', []byte("a.b.c"), ring, check)
		_, _ = c.check('k', []byte("a.b.c"), newKeyring(), check)
		_, _ = c.check('k', []byte("a.b.d"), ring, check)
		if calls != 4 {
			t.Fatalf("signature checked %d times, want 4", calls)
		}
		// An entry past its time is checked again.
		k := verifiedKey('k', []byte("a.b.c"))
		e, _ := c.lru.Get(k)
		e.expires = time.Now().Add(-time.Second)
		c.lru.Add(k, e)
		_, _ = c.check('k', []byte("a.b.c"), ring, check)
		_, _ = c.check('k', []byte("a.b.c"), ring, check)
		if calls != 5 {
			t.Fatalf("an expired entry: signature checked %d times in all, want 5", calls)
		}
		// A failed check is not remembered.
		bad := errors.New("bad signature")
		for range 2 {
			if _, err := c.check('k', []byte("x.y.z"), ring, func() ([]byte, error) { calls++; return nil, bad }); !errors.Is(err, bad) {
				t.Fatalf("err = %v, want %v", err, bad)
			}
		}
		if calls != 7 {
			t.Fatalf("a failed check ran %d times in all, want 7", calls)
		}
	})

	t.Run("negative size disables it", func(t *testing.T) {
		t.Parallel()
		v := newTestVerifier(t, Config{VerifiedCache: -1}, newTestIssuer(t))
		if v.verified != nil {
			t.Fatal("VerifiedCache -1 still caches")
		}
	})

	t.Run("claims are checked every time", func(t *testing.T) {
		t.Parallel()
		local := newTestIssuer(t)
		v := newTestVerifier(t, Config{Leeway: time.Millisecond}, local)
		tok, exp, err := local.Mint(Claims{TenantID: "acme", Subject: newPersonID()}, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(t.Context(), tok); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
		if v.verified.lru.Len() != 1 {
			t.Fatalf("cache holds %d entries, want 1", v.verified.lru.Len())
		}
		time.Sleep(time.Until(exp) + 50*time.Millisecond)
		_, err = v.Verify(t.Context(), tok)
		wantInvalid(t, err, "expired")
	})

	t.Run("a key-set change forgets", func(t *testing.T) {
		t.Parallel()
		old, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		rotated, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		var doc atomic.Pointer[[]byte]
		doc.Store(marshalSet(t, jwkOf(t, &old.PublicKey, map[string]any{"kid": "old", "alg": "ES256"})))
		srv := jwksServer(t, &doc)
		v := newTestVerifier(t, Config{JWKSURL: srv.URL + "/jwks.json"}, newTestIssuer(t))
		tok := signCompact(t, map[string]any{"alg": "ES256", "kid": "old"}, claimSet(newPersonID()), old)
		for range 2 {
			if _, err := v.Verify(t.Context(), tok); err != nil {
				t.Fatalf("old key: %v", err)
			}
		}
		doc.Store(marshalSet(t, jwkOf(t, &rotated.PublicKey, map[string]any{"kid": "new", "alg": "ES256"})))
		if _, err := v.remote.cache.Refresh(t.Context(), srv.URL+"/jwks.json"); err != nil {
			t.Fatalf("refresh: %v", err)
		}
		_, err := v.Verify(t.Context(), tok)
		wantInvalid(t, err, "unknown key")
	})

	t.Run("a resource token needs learnd's key, remembered or not", func(t *testing.T) {
		t.Parallel()
		local := newTestIssuer(t)
		other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		v := newTestVerifier(t, Config{}, local)
		res := Resource{Issuer: DefaultIssuer, Audience: DefaultAudience}
		tok := signCompact(t, map[string]any{"alg": "ES256", "kid": local.pub.kid}, claimSet(newPersonID()), other)
		for range 2 {
			_, err := v.Verify(WithResource(t.Context(), res), tok)
			wantInvalid(t, err, "bad signature")
		}
		if v.verified.lru.Len() != 0 {
			t.Fatalf("a refused token was remembered (%d entries)", v.verified.lru.Len())
		}
	})
}
