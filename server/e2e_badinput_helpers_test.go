package server_test

// Helpers of the bad-input end-to-end test (e2e_badinput_test.go): records created over
// raw HTTP, fresh ids, and tokens signed by a foreign key or already expired.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func biDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// biCreate POSTs body and returns the id of the created record.
func biCreate(t *testing.T, base, token, path, body string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create %s: status %d: %s", path, res.StatusCode, raw)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" {
		t.Fatalf("create %s: %v: %s", path, err, raw)
	}
	return out.ID
}

func biNewID(prefix string) string {
	s, _ := typeid.New(prefix)
	return s
}

// biForeignKeyToken mints a well-formed token with learnd's issuer and audience, signed
// by a key the server does not know.
func biForeignKeyToken(t *testing.T) string {
	t.Helper()
	iss, err := auth.NewIssuer(auth.Config{GenerateIfMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := iss.Mint(auth.Claims{TenantID: "acme", Subject: biNewID(typeid.Person), Role: auth.RoleAdmin}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// biExpiredToken signs, with the server's own key, a token that expired an hour ago (well
// beyond the verifier's leeway). servertest keeps the key in the first t.TempDir of the
// test, a sibling of any directory the test asks for afterwards.
func biExpiredToken(t *testing.T, env *servertest.Env) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(t.TempDir()), "*", "key.pem"))
	var key *ecdsa.PrivateKey
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		if k := biParseKey(data); k != nil {
			key = k
			break
		}
	}
	if key == nil {
		t.Fatalf("cannot find servertest's signing key next to %s", t.TempDir())
	}
	now := time.Now().Unix()
	sub := biNewID(typeid.Person)
	env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Subject: sub}) // makes sub an admin of acme
	header := map[string]any{"alg": "ES256", "typ": "JWT", "kid": env.Issuer.KeyID()}
	claims := map[string]any{
		"iss": auth.DefaultIssuer, "aud": auth.DefaultAudience, "sub": sub,
		"iat": now - 7200, "nbf": now - 7200, "exp": now - 3600, "jti": "expired-1",
		"tenant_id": "acme", "role": "admin", "scope": "read write",
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	tok := e2eLowS(&key.PublicKey, signing+"."+base64.RawURLEncoding.EncodeToString(sig))

	// The same key and claims with a future exp must be accepted, or the 401 of the
	// expired token proves nothing.
	claims["exp"] = now + 3600
	claims["iat"], claims["nbf"] = now, now
	signing2 := enc(header) + "." + enc(claims)
	sum2 := sha256.Sum256([]byte(signing2))
	r2, s2, _ := ecdsa.Sign(rand.Reader, key, sum2[:])
	sig2 := make([]byte, 64)
	r2.FillBytes(sig2[:32])
	s2.FillBytes(sig2[32:])
	valid := e2eLowS(&key.PublicKey, signing2+"."+base64.RawURLEncoding.EncodeToString(sig2))
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/api/v1/learning/cohorts", nil)
	req.Header.Set("Authorization", "Bearer "+valid)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("hand-signed control token refused (%d): %s", res.StatusCode, bytes.TrimSpace(b))
	}
	return tok
}

func biParseKey(data []byte) *ecdsa.PrivateKey {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil
		}
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			if ek, ok := k.(*ecdsa.PrivateKey); ok {
				return ek
			}
		}
		if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
			return k
		}
	}
}
