package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"

	"github.com/learnd/learnd/typeid"
)

// newTestIssuer returns an Issuer with a fresh in-memory key.
func newTestIssuer(t testing.TB) *Issuer {
	t.Helper()
	iss, err := NewIssuer(Config{GenerateIfMissing: true})
	if err != nil {
		t.Fatalf("NewIssuer: %v", err)
	}
	return iss
}

func newTestVerifier(t testing.TB, cfg Config, local *Issuer) *Verifier {
	t.Helper()
	v, err := NewVerifier(context.Background(), cfg, local)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	t.Cleanup(func() { _ = v.Close(context.Background()) })
	return v
}

// privateKey returns the issuer's raw signing key.
func privateKey(t testing.TB, iss *Issuer) *ecdsa.PrivateKey {
	t.Helper()
	var raw any
	if err := jwk.Export(iss.key, &raw); err != nil {
		t.Fatalf("export: %v", err)
	}
	k, ok := raw.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("signing key is %T", raw)
	}
	return k
}

func newPersonID() string {
	s, _ := typeid.New(typeid.Person)
	return s
}

// claimSet returns valid claims for a learnd token, to be edited by a case.
func claimSet(sub string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{
		"iss":       DefaultIssuer,
		"aud":       DefaultAudience,
		"sub":       sub,
		"iat":       now,
		"nbf":       now,
		"exp":       now + 600,
		"jti":       "tok-1",
		"tenant_id": "acme",
		"role":      "manager",
		"scope":     "read",
	}
}

// b64 base64url-encodes v as JSON; a json.RawMessage is taken verbatim,
// even when it is not valid JSON.
func b64(v any) string {
	if raw, ok := v.(json.RawMessage); ok {
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// signCompact builds a compact JWS by hand so tests can produce tokens the
// library would refuse to make: alg "none", HMAC with a public key, crit...
// alg "none" gets an empty signature; HS* is HMAC-SHA256 with key.([]byte).
// claims may be a json.RawMessage for payloads a map cannot express.
func signCompact(t testing.TB, header map[string]any, claims any, key any) string {
	t.Helper()
	input := b64(header) + "." + b64(claims)
	alg, _ := header["alg"].(string)
	if alg == "" {
		alg = "ES256" // a header without alg, signed anyway
	}
	var sig []byte
	switch {
	case alg == "none":
	case strings.HasPrefix(alg, "HS"):
		m := hmac.New(sha256.New, key.([]byte))
		m.Write([]byte(input))
		sig = m.Sum(nil)
	default:
		var err error
		if sig, err = jwsbb.Sign(key, alg, []byte(input), nil); err != nil {
			t.Fatalf("sign %s: %v", alg, err)
		}
	}
	tok := input + "." + base64.RawURLEncoding.EncodeToString(sig)
	if ec, ok := key.(*ecdsa.PrivateKey); ok && alg != "none" && !strings.HasPrefix(alg, "HS") {
		tok = string(canonicalES(&ec.PublicKey, []byte(tok))) // as a careful signer does (lows.go)
	}
	return tok
}

// wantInvalid checks err against want: "" means success, otherwise err must
// wrap ErrInvalidToken and mention want.
func wantInvalid(t testing.TB, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("Verify: unexpected error %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Verify: got nil error, want %q", want)
	}
	if !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("Verify: error %v does not wrap ErrInvalidToken", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("Verify: error %q, want it to mention %q", err, want)
	}
}

func wantErrContains(t testing.TB, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want it to mention %q", err, want)
	}
}
