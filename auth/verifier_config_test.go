package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVerifyConfig(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	sub := newPersonID()
	priv := privateKey(t, iss)
	tok := func(edit func(c map[string]any)) string {
		c := claimSet(sub)
		edit(c)
		return signCompact(t, map[string]any{"alg": "ES256", "kid": iss.KeyID()}, c, priv)
	}
	now := time.Now().Unix()

	tests := []struct {
		name  string
		cfg   Config
		token string
		want  string
	}{
		{"custom iss and aud", Config{Issuer: "https://id.example", Audience: "api://learnd"},
			tok(func(c map[string]any) { c["iss"], c["aud"] = "https://id.example", "api://learnd" }), ""},
		{"default iss rejected by custom config", Config{Issuer: "https://id.example"}, tok(func(map[string]any) {}), "wrong issuer"},
		{"small leeway", Config{Leeway: time.Second}, tok(func(c map[string]any) { c["exp"] = now - 10 }), "expired"},
		{"large leeway", Config{Leeway: time.Minute}, tok(func(c map[string]any) { c["nbf"] = now + 45 }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newTestVerifier(t, tt.cfg, iss)
			_, err := v.Verify(t.Context(), tt.token)
			wantInvalid(t, err, tt.want)
		})
	}
}

func TestNewVerifierErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	spki, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	smallPath := filepath.Join(dir, "small.pem")
	if err := os.WriteFile(smallPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no keys", Config{}, "no keys"},
		{"negative leeway", Config{Leeway: -time.Second, PublicKeyFiles: []string{smallPath}}, "negative leeway"},
		{"missing public key file", Config{PublicKeyFiles: []string{filepath.Join(dir, "nope.pem")}}, "no such file"},
		{"not pem", Config{PublicKeyFiles: []string{junk}}, "no public key"},
		{"rsa too small", Config{PublicKeyFiles: []string{smallPath}}, "too small"},
		{"jwks unreachable", Config{JWKSURL: "http://127.0.0.1:1/jwks.json"}, "jwks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewVerifier(t.Context(), tt.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewVerifier error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// writePublicPEM writes pub as a PKIX PEM file and returns its path.
func writePublicPEM(t *testing.T, dir, name string, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifyPublicKeyFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, strangerPriv, _ := ed25519.GenerateKey(rand.Reader)

	local := newTestIssuer(t)
	v := newTestVerifier(t, Config{PublicKeyFiles: []string{
		writePublicPEM(t, dir, "rsa.pem", &rsaKey.PublicKey),
		writePublicPEM(t, dir, "ed.pem", edPub),
	}}, local)
	rsaKID, err := verifyKeyFromRaw(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	sub := newPersonID()
	localTok, _, err := local.Mint(Claims{TenantID: "acme", Subject: sub}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"rsa without kid", signCompact(t, map[string]any{"alg": "RS256"}, claimSet(sub), rsaKey), ""},
		{"rsa with thumbprint kid", signCompact(t, map[string]any{"alg": "RS256", "kid": rsaKID.kid}, claimSet(sub), rsaKey), ""},
		{"rsa with its own kid", signCompact(t, map[string]any{"alg": "RS256", "kid": "idp-2024"}, claimSet(sub), rsaKey), ""},
		{"eddsa without kid", signCompact(t, map[string]any{"alg": "EdDSA"}, claimSet(sub), edPriv), ""},
		{"local issuer still accepted", localTok, ""},
		{"rsa key but RS512", signCompact(t, map[string]any{"alg": "RS512"}, claimSet(sub), rsaKey), "not allowed"},
		{"unknown ed25519 key", signCompact(t, map[string]any{"alg": "EdDSA"}, claimSet(sub), strangerPriv), "bad signature"},
		{"HS256 with rsa public PEM", signCompact(t, map[string]any{"alg": "HS256"}, claimSet(sub),
			mustRead(t, filepath.Join(dir, "rsa.pem"))), "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := v.Verify(t.Context(), tt.token)
			wantInvalid(t, err, tt.want)
		})
	}

	// Without a local issuer the PEM keys alone are enough.
	only := newTestVerifier(t, Config{PublicKeyFiles: []string{filepath.Join(dir, "ed.pem")}}, nil)
	if _, err := only.Verify(t.Context(), signCompact(t, map[string]any{"alg": "EdDSA"}, claimSet(sub), edPriv)); err != nil {
		t.Fatalf("PEM-only verifier: %v", err)
	}
	if _, err := only.Verify(t.Context(), localTok); err == nil {
		t.Fatal("PEM-only verifier accepted a token of the local issuer")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
