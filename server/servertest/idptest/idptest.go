// Package idptest starts a real OpenID Connect provider for tests: a discovery document, a
// rotating JWK Set, RS256 tokens, and a browser sign-in (authorization code with PKCE and
// a nonce) that signs in whoever the test says, for a client the test registers.
package idptest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
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

// Server is an OpenID Connect provider started for the test: it serves a discovery
// document and a JWK Set over HTTP and signs RS256 tokens with its current key, which
// Rotate replaces (the old key then leaves the JWK Set, as providers do).
type Server struct {
	URL      string // the issuer
	srv      *httptest.Server
	mu       sync.Mutex
	key      jwk.Key // the current private key
	public   jwk.Set
	old      jwk.Key      // the key before the last rotation
	jwksHits atomic.Int32 // JWK Set fetches

	// Browser sign-in: /authorize signs in whoever `person` says (the provider's own login
	// is not learnd's business) and /token redeems its codes for a client with this id
	// and secret ("" for a public client).
	clientID, clientSecret string
	person                 Claims
	codes                  map[string]issuedCode
}

// issuedCode is an authorization code the test provider issued.
type issuedCode struct {
	claims    Claims
	challenge string
	redirect  string
}

// Start starts a provider; it stops at the test's cleanup.
func Start(t *testing.T) *Server {
	t.Helper()
	p := &Server{}
	p.Rotate(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.URL, "jwks_uri": p.URL + "/keys", "authorization_endpoint": p.URL + "/authorize",
			"token_endpoint": p.URL + "/token", "id_token_signing_alg_values_supported": []string{"RS256"},
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
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.tokenEndpoint)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	return p
}

// Rotate makes a fresh signing key the only one published.
func (p *Server) Rotate(t *testing.T) {
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

// Claims are a token's claims besides iss, iat, nbf, exp and jti.
type Claims map[string]any

// Token signs claims (aud and sub required in them) with the current key, valid for an hour.
func (p *Server) Token(t *testing.T, c Claims) string {
	t.Helper()
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	return p.Sign(t, key, c)
}

// Sign signs claims with key (Retired's, say).
func (p *Server) Sign(t *testing.T, key jwk.Key, c Claims) string {
	t.Helper()
	tok, err := p.mint(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (p *Server) mint(key jwk.Key, c Claims) (string, error) {
	now := time.Now()
	b := jwt.NewBuilder().Issuer(p.URL).IssuedAt(now).NotBefore(now).Expiration(now.Add(time.Hour)).JwtID(uuid.NewString())
	for k, v := range c {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		return "", err
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), key))
	return string(signed), err
}

func (p *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	ok := q.Get("client_id") == p.clientID && q.Get("response_type") == "code" && q.Get("code_challenge_method") == "S256" && p.person != nil
	var code string
	if ok {
		c := Claims{"aud": p.clientID, "nonce": q.Get("nonce")}
		for k, v := range p.person {
			c[k] = v
		}
		code = uuid.NewString()
		if p.codes == nil {
			p.codes = map[string]issuedCode{}
		}
		p.codes[code] = issuedCode{claims: c, challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	}
	p.mu.Unlock()
	if !ok {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+q.Get("state"), http.StatusFound)
}

func (p *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.mu.Lock()
	c, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	wantID, wantSecret := p.clientID, p.clientSecret
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case id != wantID || secret != wantSecret:
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	case !found || c.redirect != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	idToken, err := p.mint(key, c.claims)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "opaque", "token_type": "Bearer", "expires_in": 3600, "id_token": idToken})
}

// JWKSHits is how many times the JWK Set was fetched.
func (p *Server) JWKSHits() int32 { return p.jwksHits.Load() }

// Retired is the key the last Rotate replaced.
func (p *Server) Retired() jwk.Key {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.old
}

// SetClient registers the browser sign-in's client (secret "" for a public client).
func (p *Server) SetClient(id, secret string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clientID, p.clientSecret = id, secret
}

// SignInAs makes the browser sign-in sign in the person with these claims (sub, email …).
func (p *Server) SignInAs(c Claims) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.person = c
}
