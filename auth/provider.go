package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"code.dny.dev/ssrf"
	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/valyala/fastjson"
)

// Provider is a tenant's own OpenID Connect identity provider, as verifying its tokens
// needs it.
type Provider struct {
	Issuer   string
	Audience string
	JWKSURL  string
}

// ExternalToken is a verified token of a tenant's identity provider.
type ExternalToken struct {
	Subject string
	ID      string         // jti
	Claims  map[string]any // every claim (numbers as json.Number)
}

// String returns claim name when it is a string, else "".
func (t *ExternalToken) String(name string) string {
	s, _ := t.Claims[name].(string)
	return s
}

// Strings returns claim name when it is a string or an array of strings; other values
// are skipped.
func (t *ExternalToken) Strings(name string) []string {
	switch v := t.Claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Bool returns claim name as a boolean and whether it was one (true, false, or the strings
// "true" and "false", as some providers send).
func (t *ExternalToken) Bool(name string) (bool, bool) {
	switch v := t.Claims[name].(type) {
	case bool:
		return v, true
	case string:
		switch strings.ToLower(v) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// PeekIssuer reads the iss claim of a token without verifying anything: it only tells
// which providers' keys to try.
func PeekIssuer(token string) (string, bool) {
	if len(token) > maxTokenLen {
		return "", false
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	iss := fastjson.GetString(b, "iss")
	return iss, iss != ""
}

// Timeouts of a provider's documents.
const (
	providerFetchTimeout = 10 * time.Second
	providerMaxDocument  = 1 << 20
	// providerMissRefresh is how often a token naming an unknown key may make learnd
	// fetch the provider's JWK Set again (key rotation).
	providerMissRefresh = 10 * time.Second
	// providerRetry is how long a JWK Set that could not be fetched is not tried again.
	providerRetry = 10 * time.Second
)

// ProviderKeys verifies the tokens of tenants' identity providers: one JWK Set per JWKS
// URL in one jwk.Cache, fetched when first needed, refreshed in the background (at most
// every 5 minutes), and again at once when a token names a key the set lacks (the
// provider rotated its keys), at most every 10 seconds.
type ProviderKeys struct {
	cache       *jwk.Cache
	client      *http.Client
	leeway      time.Duration
	missRefresh time.Duration
	private     bool

	mu   sync.Mutex
	sets map[string]*providerSet
}

type providerSet struct {
	mu          sync.Mutex
	rk          *remoteKeys
	lastFetch   time.Time
	lastFailure time.Time
	failure     error
}

// ProviderKeysOption tunes NewProviderKeys.
type ProviderKeysOption func(*ProviderKeys)

// WithPrivateNetworks lets learnd reach providers on loopback, private and link-local
// addresses (development, tests, or a provider inside the operator's network); by default
// discovery, JWK Sets and token exchanges reach public addresses only (SSRF).
func WithPrivateNetworks() ProviderKeysOption {
	return func(k *ProviderKeys) { k.private = true }
}

// WithMissRefresh sets how often a token naming an unknown key may make a provider's JWK
// Set be fetched again (10 seconds by default).
func WithMissRefresh(d time.Duration) ProviderKeysOption {
	return func(k *ProviderKeys) { k.missRefresh = d }
}

// NewProviderKeys returns an empty ProviderKeys whose background refreshes live until
// ctx ends or Close is called.
func NewProviderKeys(ctx context.Context, opts ...ProviderKeysOption) (*ProviderKeys, error) {
	k := &ProviderKeys{leeway: DefaultLeeway, missRefresh: providerMissRefresh, sets: map[string]*providerSet{}}
	for _, o := range opts {
		o(k)
	}
	k.client = &http.Client{Timeout: providerFetchTimeout}
	if !k.private {
		// Only public addresses, on any port: the dialer checks the address it connects to,
		// after DNS, so a name cannot lead to an internal host.
		dialer := &net.Dialer{Timeout: providerFetchTimeout, Control: ssrf.New(ssrf.WithAnyPort()).Safe}
		k.client.Transport = &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: providerFetchTimeout,
			ResponseHeaderTimeout: providerFetchTimeout, MaxIdleConnsPerHost: 2}
	}
	cache, err := jwk.NewCache(ctx, httprc.NewClient(httprc.WithHTTPClient(k.client)))
	if err != nil {
		return nil, fmt.Errorf("provider keys: %w", err)
	}
	k.cache = cache
	return k, nil
}

// HTTPClient is the client learnd reaches providers with (the token exchange of browser
// sign-in uses it too).
func (k *ProviderKeys) HTTPClient() *http.Client { return k.client }

// Close stops the background refreshes.
func (k *ProviderKeys) Close(ctx context.Context) error {
	if err := k.cache.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("provider keys: shutdown: %w", err)
	}
	return nil
}

// Verify checks token against provider p: signed by a key of p's JWK Set, iss p.Issuer,
// aud holding p.Audience, exp (required), nbf and iat with leeway, and a sub. Failures of
// the token wrap ErrInvalidToken; a JWK Set that cannot be fetched is another error.
func (k *ProviderKeys) Verify(ctx context.Context, token string, p Provider) (*ExternalToken, error) {
	buf, alg, kid, err := splitToken(token)
	if err != nil {
		return nil, err
	}
	set, err := k.set(ctx, p.JWKSURL)
	if err != nil {
		return nil, err
	}
	raw, err := set.rk.ring().verify(buf, kid, alg)
	if errors.Is(err, errUnknownKey) && set.refresh(ctx, k.cache, p.JWKSURL, k.missRefresh) {
		raw, err = set.rk.ring().verify(buf, kid, alg)
	}
	if err != nil {
		return nil, err
	}
	claims, err := decodePayload(raw)
	if err != nil {
		return nil, err
	}
	if err := claims.checkRegistered(p.Issuer, p.Audience, k.leeway, time.Now()); err != nil {
		return nil, err
	}
	if !claims.sub.ok || claims.sub.v == "" {
		return nil, errMissingSub
	}
	all := map[string]any{}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&all); err != nil {
		return nil, errBadClaims
	}
	return &ExternalToken{Subject: claims.sub.v, ID: claims.jti.v, Claims: all}, nil
}

// Check fetches the JWK Set at url and reports whether it holds a key learnd can verify
// with: what registering a provider checks. It leaves nothing behind: a set is kept (and
// refreshed in the background) only once a token needs it, so URLs that were only checked,
// or belong to providers replaced since, do not accumulate.
func (k *ProviderKeys) Check(ctx context.Context, url string) error {
	k.mu.Lock()
	_, inUse := k.sets[url]
	k.mu.Unlock()
	if inUse {
		fctx, cancel := context.WithTimeout(ctx, providerFetchTimeout)
		defer cancel()
		if _, err := k.cache.Refresh(fctx, url); err != nil {
			return fmt.Errorf("jwks: fetch %s: %w", url, err)
		}
		return nil
	}
	_, err := registerRemote(ctx, k.cache, url, newKeyring())
	if k.cache.IsRegistered(ctx, url) {
		_ = k.cache.Unregister(ctx, url)
	}
	return err
}

// set returns the JWK Set at url, fetching it the first time.
func (k *ProviderKeys) set(ctx context.Context, url string) (*providerSet, error) {
	k.mu.Lock()
	s, ok := k.sets[url]
	if !ok {
		s = &providerSet{}
		k.sets[url] = s
	}
	k.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rk != nil {
		return s, nil
	}
	if s.failure != nil && time.Since(s.lastFailure) < providerRetry {
		return nil, s.failure
	}
	rk, err := registerRemote(ctx, k.cache, url, newKeyring())
	if err != nil {
		s.failure, s.lastFailure = err, time.Now()
		if k.cache.IsRegistered(ctx, url) {
			_ = k.cache.Unregister(ctx, url)
		}
		return nil, err
	}
	s.rk, s.lastFetch, s.failure = rk, time.Now(), nil
	return s, nil
}

// refresh fetches the set again unless it was fetched within every; it
// reports whether it did.
func (s *providerSet) refresh(ctx context.Context, cache *jwk.Cache, url string, every time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.lastFetch) < every {
		return false
	}
	s.lastFetch = time.Now()
	fctx, cancel := context.WithTimeout(ctx, providerFetchTimeout)
	defer cancel()
	_, err := cache.Refresh(fctx, url)
	return err == nil
}

// Discovery is what learnd reads of a provider's OpenID Connect discovery document.
type Discovery struct {
	Issuer                string `json:"issuer"`
	JWKSURI               string `json:"jwks_uri"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
}

// Discover reads an OpenID Connect discovery document. Its issuer must be issuer exactly
// (OpenID Connect Discovery 1.0, section 4.3) and it must name a jwks_uri.
func (k *ProviderKeys) Discover(ctx context.Context, discoveryURL, issuer string) (Discovery, error) {
	ctx, cancel := context.WithTimeout(ctx, providerFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, discoveryURL, nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("discovery: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := k.client.Do(req)
	if err != nil {
		return Discovery{}, fmt.Errorf("discovery: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		return Discovery{}, fmt.Errorf("discovery: %s answered %s", discoveryURL, res.Status)
	}
	var doc Discovery
	if err := json.NewDecoder(io.LimitReader(res.Body, providerMaxDocument)).Decode(&doc); err != nil {
		return Discovery{}, fmt.Errorf("discovery: %s is not a discovery document: %w", discoveryURL, err)
	}
	switch {
	case doc.Issuer != issuer:
		return Discovery{}, fmt.Errorf("discovery: the document's issuer is %q, not %q", doc.Issuer, issuer)
	case doc.JWKSURI == "":
		return Discovery{}, fmt.Errorf("discovery: the document has no jwks_uri")
	}
	return doc, nil
}
