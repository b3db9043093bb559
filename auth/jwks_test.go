package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// jwkOf turns a raw public key into a JWK with the given fields set.
func jwkOf(t *testing.T, raw any, fields map[string]any) jwk.Key {
	t.Helper()
	k, err := jwk.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range fields {
		if err := k.Set(name, v); err != nil {
			t.Fatalf("set %s: %v", name, err)
		}
	}
	return k
}

// jwksServer serves whatever JWK Set doc holds.
func jwksServer(t *testing.T, doc *atomic.Pointer[[]byte]) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(*doc.Load())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func marshalSet(t *testing.T, keys ...jwk.Key) *[]byte {
	t.Helper()
	set := jwk.NewSet()
	for _, k := range keys {
		if err := set.AddKey(k); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestVerifyJWKSURL(t *testing.T) {
	t.Parallel()
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	encKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rotated, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	var doc atomic.Pointer[[]byte]
	doc.Store(marshalSet(t,
		jwkOf(t, edPub, map[string]any{"kid": "ext-ed", "alg": "EdDSA", "use": "sig"}),
		jwkOf(t, &rsaKey.PublicKey, map[string]any{"kid": "ext-rsa"}), // no alg: pinned to RS256
		jwkOf(t, &ecKey.PublicKey, map[string]any{"kid": "ext-es384", "alg": "ES384"}),
		jwkOf(t, &encKey.PublicKey, map[string]any{"kid": "ext-enc", "use": "enc"}),
	))
	srv := jwksServer(t, &doc)

	local := newTestIssuer(t)
	v := newTestVerifier(t, Config{JWKSURL: srv.URL + "/jwks.json"}, local)
	sub := newPersonID()
	localTok, _, err := local.Mint(Claims{TenantID: "acme", Subject: sub}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ext := func(alg, kid string, key any) string {
		return signCompact(t, map[string]any{"alg": alg, "kid": kid}, claimSet(sub), key)
	}

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"eddsa key", ext("EdDSA", "ext-ed", edPriv), ""},
		{"rsa key without alg", ext("RS256", "ext-rsa", rsaKey), ""},
		{"local issuer too", localTok, ""},
		{"rsa key, other rsa alg", ext("RS512", "ext-rsa", rsaKey), "not allowed"},
		{"rsa key, eddsa header", ext("EdDSA", "ext-rsa", edPriv), "alg not allowed for key"},
		{"key declaring a disallowed alg is dropped", ext("ES256", "ext-es384", ecKey), "unknown key"},
		{"encryption key is dropped", ext("ES256", "ext-enc", encKey), "unknown key"},
		{"unknown kid", ext("EdDSA", "nope", edPriv), "unknown key"},
		{"kid of another key", ext("EdDSA", "ext-ed", ed25519.NewKeyFromSeed(make([]byte, 32))), "bad signature"},
		{"HS256 with the JWKS", ext("HS256", "ext-rsa", *doc.Load()), "not allowed"},
	}
	t.Run("before rotation", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				_, err := v.Verify(t.Context(), tt.token)
				wantInvalid(t, err, tt.want)
			})
		}
	})

	if got := v.KeySet().Len(); got != 3 { // local + ext-ed + ext-rsa
		t.Fatalf("KeySet has %d keys, want 3", got)
	}

	// Rotation: once the cache holds the new set, its keys are used and the
	// old ones are gone.
	doc.Store(marshalSet(t, jwkOf(t, &rotated.PublicKey, map[string]any{"kid": "ext-new", "alg": "ES256"})))
	if _, err := v.remote.cache.Refresh(t.Context(), srv.URL+"/jwks.json"); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := v.Verify(t.Context(), ext("ES256", "ext-new", rotated)); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	wantInvalid(t, func() error { _, err := v.Verify(t.Context(), ext("EdDSA", "ext-ed", edPriv)); return err }(), "unknown key")
	if _, err := v.Verify(t.Context(), localTok); err != nil {
		t.Fatalf("local key after rotation: %v", err)
	}
}

func TestNewVerifierJWKSErrors(t *testing.T) {
	t.Parallel()
	small, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	tests := []struct {
		name string
		doc  []byte
		want string
	}{
		{"not json", []byte("nope"), "jwks"},
		{"no usable keys", *marshalSet(t, jwkOf(t, &small.PublicKey, map[string]any{"kid": "p384"})), "no usable keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var doc atomic.Pointer[[]byte]
			doc.Store(&tt.doc)
			srv := jwksServer(t, &doc)
			_, err := NewVerifier(t.Context(), Config{JWKSURL: srv.URL}, nil)
			wantErrContains(t, err, tt.want)
		})
	}
}
