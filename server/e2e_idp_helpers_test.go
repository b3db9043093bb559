package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// idpServer is a real OpenID Connect provider's key side, started for the test: it serves
// a discovery document and a JWK Set over HTTP and signs RS256 tokens with its current key,
// which rotate replaces (the old key then leaves the JWK Set, as providers do).
type idpServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	key      jwk.Key // the current private key
	public   jwk.Set
	old      jwk.Key // the key before the last rotation
	jwksHits atomic.Int32
}

func startIdP(t *testing.T) *idpServer {
	t.Helper()
	p := &idpServer{}
	p.rotate(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.srv.URL, "jwks_uri": p.srv.URL + "/keys", "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "id_token_signing_alg_values_supported": []string{"RS256"},
			"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		p.jwksHits.Add(1)
		p.mu.Lock()
		b, err := json.Marshal(p.public)
		p.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// rotate makes a fresh signing key the only one published.
func (p *idpServer) rotate(t *testing.T) {
	t.Helper()
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	k, err := jwk.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	kid := "k-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	_ = k.Set(jwk.KeyIDKey, kid)
	_ = k.Set(jwk.AlgorithmKey, jwa.RS256())
	pub, err := jwk.PublicKeyOf(k)
	if err != nil {
		t.Fatal(err)
	}
	_ = pub.Set(jwk.KeyUsageKey, "sig")
	set := jwk.NewSet()
	_ = set.AddKey(pub)
	p.mu.Lock()
	p.old, p.key, p.public = p.key, k, set
	p.mu.Unlock()
}

// idpClaims are a token's claims besides iss, iat, nbf, exp and jti.
type idpClaims map[string]any

// token signs claims (aud and sub required in them) with the current key, valid for an hour.
func (p *idpServer) token(t *testing.T, c idpClaims) string {
	t.Helper()
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	return p.sign(t, key, c)
}

func (p *idpServer) sign(t *testing.T, key jwk.Key, c idpClaims) string {
	t.Helper()
	now := time.Now()
	b := jwt.NewBuilder().Issuer(p.srv.URL).IssuedAt(now).NotBefore(now).Expiration(now.Add(time.Hour)).JwtID(uuid.NewString())
	for k, v := range c {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), key))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}
