package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"testing"
	"time"
)

// highS rewrites a compact ES token's signature to its malleated twin (s → n−s).
func highS(t *testing.T, key *ecdsa.PublicKey, token string) string {
	t.Helper()
	input, sig, ok := sigParts([]byte(token))
	if !ok {
		t.Fatalf("not a compact JWS: %q", token)
	}
	size := (key.Curve.Params().BitSize + 7) / 8
	s := new(big.Int).SetBytes(sig[size:])
	s.Sub(key.Curve.Params().N, s)
	out := append([]byte{}, sig[:size]...)
	out = append(out, s.FillBytes(make([]byte, size))...)
	return string(input) + "." + base64.RawURLEncoding.EncodeToString(out)
}

// TestLowS: every token learnd mints carries a low-S signature; the malleated high-S
// twin of a valid token is refused, for learnd's own key and for a PEM key file.
func TestLowS(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newTestVerifier(t, Config{}, iss)
	pub := &privateKey(t, iss).PublicKey
	sub := newPersonID()
	for i := range 64 { // about half of raw ECDSA signatures are high-S
		tok, _, err := iss.Mint(Claims{TenantID: "acme", Subject: sub}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		_, sig, _ := sigParts([]byte(tok))
		if !lowS(pub, sig) {
			t.Fatalf("token %d has a high-S signature", i)
		}
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if _, err := v.Verify(context.Background(), highS(t, pub, tok)); err == nil {
			t.Fatalf("token %d: the high-S twin verified", i)
		}
	}

	// A PEM key file (another learnd, or a script's own key): its low-S tokens verify,
	// their high-S twins do not.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	vf := newTestVerifier(t, Config{PublicKeyFiles: []string{writePublicPEM(t, t.TempDir(), "ext.pem", &key.PublicKey)}}, nil)
	for i := range 16 {
		tok := signCompact(t, map[string]any{"alg": "ES256", "typ": "JWT"}, claimSet(sub), key)
		if _, err := vf.Verify(context.Background(), tok); err != nil {
			t.Fatalf("PEM key, token %d: %v", i, err)
		}
		if _, err := vf.Verify(context.Background(), highS(t, &key.PublicKey, tok)); err == nil {
			t.Fatalf("PEM key, token %d: the high-S twin verified", i)
		}
	}
}
