package server_test

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

	// Browser sign-in: /authorize signs in whoever `person` says (the provider's own login
	// is not learnd's business) and /token redeems its codes for a client with this id
	// and secret ("" for a public client).
	clientID, clientSecret string
	person                 idpClaims
	codes                  map[string]idpCode
}

// idpCode is an authorization code the test provider issued.
type idpCode struct {
	claims    idpClaims
	challenge string
	redirect  string
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
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.tokenEndpoint)
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
	tok, err := p.mint(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (p *idpServer) mint(key jwk.Key, c idpClaims) (string, error) {
	now := time.Now()
	b := jwt.NewBuilder().Issuer(p.srv.URL).IssuedAt(now).NotBefore(now).Expiration(now.Add(time.Hour)).JwtID(uuid.NewString())
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

func (p *idpServer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	ok := q.Get("client_id") == p.clientID && q.Get("response_type") == "code" && q.Get("code_challenge_method") == "S256" && p.person != nil
	var code string
	if ok {
		c := idpClaims{"aud": p.clientID, "nonce": q.Get("nonce")}
		for k, v := range p.person {
			c[k] = v
		}
		code = uuid.NewString()
		if p.codes == nil {
			p.codes = map[string]idpCode{}
		}
		p.codes[code] = idpCode{claims: c, challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	}
	p.mu.Unlock()
	if !ok {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+q.Get("state"), http.StatusFound)
}

func (p *idpServer) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
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
