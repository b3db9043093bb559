package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/learnd/learnd/typeid"
)

func TestNewIssuerGenerateIfMissing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "secrets")
	path := filepath.Join(dir, "signing.pem")

	first, err := NewIssuer(Config{SigningKeyFile: path, GenerateIfMissing: true})
	if err != nil {
		t.Fatalf("NewIssuer (generate): %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("key file not created: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode = %o, want 600", got)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("stat dir: %v", err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("key dir mode = %o, want 700", got)
	}
	if first.KeyID() == "" {
		t.Fatal("empty kid")
	}

	pemBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := newTestIssuer(t)
	otherPEM, err := encodeSigningKeyPEM(privateKey(t, other))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		cfg     Config
		wantKID string
	}{
		{"reuse with generate", Config{SigningKeyFile: path, GenerateIfMissing: true}, first.KeyID()},
		{"reuse without generate", Config{SigningKeyFile: path}, first.KeyID()},
		{"inline pem", Config{SigningKeyPEM: string(pemBytes)}, first.KeyID()},
		{"inline pem wins over file", Config{SigningKeyPEM: string(otherPEM), SigningKeyFile: path}, other.KeyID()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss, err := NewIssuer(tt.cfg)
			if err != nil {
				t.Fatalf("NewIssuer: %v", err)
			}
			if iss.KeyID() != tt.wantKID {
				t.Fatalf("kid = %q, want %q", iss.KeyID(), tt.wantKID)
			}
		})
	}
}

func TestNewIssuerKeyErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384DER, _ := x509.MarshalECPrivateKey(p384)

	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing configured", Config{}, "none configured"},
		{"missing file", Config{SigningKeyFile: filepath.Join(dir, "nope.pem")}, "no such file"},
		{"not pem", Config{SigningKeyFile: write("junk.pem", []byte("junk"))}, "no private key"},
		{"rsa key", Config{SigningKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaDER}))}, "want ecdsa"},
		{"p-384 key", Config{SigningKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: p384DER}))}, "want P-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewIssuer(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewIssuer error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestIssuerSEC1KeyWithParams(t *testing.T) {
	t.Parallel()
	// openssl ecparam -genkey writes an "EC PARAMETERS" block first.
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})...)
	if _, err := NewIssuer(Config{SigningKeyPEM: string(data)}); err != nil {
		t.Fatalf("NewIssuer: %v", err)
	}
}

func TestIssuerJWKS(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	doc, err := iss.JWKS()
	if err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		t.Fatalf("JWKS is not JSON: %v", err)
	}
	if len(raw.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(raw.Keys))
	}
	want := map[string]any{"kty": "EC", "crv": "P-256", "kid": iss.KeyID(), "alg": "ES256", "use": "sig"}
	for k, v := range want {
		if raw.Keys[0][k] != v {
			t.Errorf("JWKS %s = %v, want %v", k, raw.Keys[0][k], v)
		}
	}
	for _, k := range []string{"x", "y"} {
		if s, _ := raw.Keys[0][k].(string); s == "" {
			t.Errorf("JWKS %s missing", k)
		}
	}
	if _, ok := raw.Keys[0]["d"]; ok {
		t.Fatal("JWKS leaks the private key")
	}

	set, err := jwk.Parse(doc)
	if err != nil {
		t.Fatalf("jwk.Parse: %v", err)
	}
	tok, _, err := iss.Mint(Claims{TenantID: "acme", Subject: newPersonID()}, time.Minute)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	if _, err := jwt.ParseString(tok, jwt.WithKeySet(set), jwt.WithIssuer(DefaultIssuer), jwt.WithAudience(DefaultAudience)); err != nil {
		t.Fatalf("minted token does not verify against JWKS(): %v", err)
	}
	other := newTestIssuer(t)
	tok2, _, err := other.Mint(Claims{TenantID: "acme", Subject: newPersonID()}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwt.ParseString(tok2, jwt.WithKeySet(set)); err == nil {
		t.Fatal("token of another key verified against JWKS()")
	}
}

func TestMintClaims(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	_, u := typeid.New(typeid.Person)
	legacy := "per-" + u.String()
	canonical := typeid.Format(typeid.Person, u)

	tests := []struct {
		name      string
		claims    Claims
		wantRole  string
		wantScope string
		wantApp   string // "" means absent
	}{
		{"defaults", Claims{TenantID: "acme", Subject: canonical}, "learner", "read write", ""},
		{"legacy sub, app, role, scope", Claims{TenantID: "acme", Subject: legacy, AppID: "app_1", Role: RoleAdmin, Scopes: []string{ScopeRead}}, "admin", "read", "app_1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := time.Now().Truncate(time.Second)
			s, exp, err := iss.Mint(tt.claims, time.Hour)
			if err != nil {
				t.Fatalf("Mint: %v", err)
			}
			msg, err := jws.ParseString(s)
			if err != nil {
				t.Fatal(err)
			}
			if kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID(); kid != iss.KeyID() {
				t.Errorf("kid header = %q, want %q", kid, iss.KeyID())
			}
			var c map[string]any
			if err := json.Unmarshal(msg.Payload(), &c); err != nil {
				t.Fatal(err)
			}
			checks := map[string]any{
				"iss": DefaultIssuer, "aud": DefaultAudience, "sub": canonical,
				"tenant_id": "acme", "role": tt.wantRole, "scope": tt.wantScope,
			}
			for k, v := range checks {
				if c[k] != v {
					t.Errorf("claim %s = %v, want %v", k, c[k], v)
				}
			}
			if got, ok := c["app_id"]; (tt.wantApp == "") == ok || (ok && got != tt.wantApp) {
				t.Errorf("app_id = %v (present %v), want %q", got, ok, tt.wantApp)
			}
			if jti, _ := c["jti"].(string); jti == "" {
				t.Error("jti missing")
			}
			for _, k := range []string{"iat", "nbf"} {
				if v, _ := c[k].(float64); int64(v) < before.Unix() {
					t.Errorf("%s = %v, want >= %d", k, c[k], before.Unix())
				}
			}
			if v, _ := c["exp"].(float64); int64(v) != exp.Unix() {
				t.Errorf("exp = %v, want %d", c["exp"], exp.Unix())
			}
			if d := exp.Sub(before); d < time.Hour || d > time.Hour+2*time.Second {
				t.Errorf("expiresAt - now = %s, want ~1h", d)
			}
		})
	}
}

func TestMintUniqueJTI(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newTestVerifier(t, Config{}, iss)
	seen := map[string]bool{}
	for range 5 {
		s, _, err := iss.Mint(Claims{TenantID: "acme", Subject: newPersonID()}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		p, err := v.Verify(t.Context(), s)
		if err != nil {
			t.Fatal(err)
		}
		if p.TokenID == "" || seen[p.TokenID] {
			t.Fatalf("jti %q empty or repeated", p.TokenID)
		}
		seen[p.TokenID] = true
	}
}

func TestMintRejects(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	sub := newPersonID()
	tests := []struct {
		name   string
		claims Claims
		ttl    time.Duration
		want   string
	}{
		{"zero ttl", Claims{TenantID: "acme", Subject: sub}, 0, "ttl"},
		{"missing tenant", Claims{Subject: sub}, time.Minute, "tenant"},
		{"bad tenant", Claims{TenantID: "a b", Subject: sub}, time.Minute, "tenant"},
		{"bad subject", Claims{TenantID: "acme", Subject: "usr_01h455vb4pex5vsknk084sn02q"}, time.Minute, "subject"},
		{"empty subject", Claims{TenantID: "acme"}, time.Minute, "subject"},
		{"bad app", Claims{TenantID: "acme", Subject: sub, AppID: "a b"}, time.Minute, "app"},
		{"unknown role", Claims{TenantID: "acme", Subject: sub, Role: "root"}, time.Minute, "unknown role"},
		{"unknown scope", Claims{TenantID: "acme", Subject: sub, Scopes: []string{"admin"}}, time.Minute, "scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := iss.Mint(tt.claims, tt.ttl)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Mint error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
