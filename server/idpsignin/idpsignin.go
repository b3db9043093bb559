// Package idpsignin signs a person in, in the browser, through their tenant's own OpenID
// Connect identity provider: the authorization code flow with PKCE (RFC 7636), a state and
// a nonce, the code exchanged with golang.org/x/oauth2 and the ID token verified with the
// provider's keys (auth.ProviderKeys). learnd's OAuth authorization server uses it on its
// sign-in page; the person is then the user the provider's sign-in finds or creates
// (people.ProviderRepo.SignIn), as for the provider's API tokens.
package idpsignin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/people"
)

// CallbackPath is where providers send the browser back; the redirect URI to register at
// the provider is the public URL followed by it.
const CallbackPath = "/oauth/idp/callback"

// cookieName holds the sealed Pending of the browser's round trip to the provider.
const cookieName = "learnd_idp_signin"

// lifetime bounds the round trip to the provider.
const lifetime = 10 * time.Minute

// Flow signs people in through their tenants' providers.
type Flow struct {
	Providers   *people.ProviderRepo
	Keys        *auth.ProviderKeys
	CallbackURL string // the public URL + CallbackPath
	Key         []byte // ≥ 32 bytes; seals the pending round trip in a cookie
	Secure      bool   // the cookie only over https
	HTTPClient  *http.Client
}

// Pending is what the round trip to the provider carries, sealed in a cookie: the tenant,
// the state, nonce and PKCE verifier of this attempt, and Resume, the caller's own
// reference (the authorization request being approved).
type Pending struct {
	Tenant   string    `json:"t"`
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Resume   string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// ErrUnavailable means the tenant has no provider people can sign in with in the browser.
var ErrUnavailable = errors.New("the organisation has no identity provider to sign in with")

// Start begins a sign-in for tenant: it returns the provider's authorization URL to send
// the browser to, and the cookie that must go with that redirect.
func (f *Flow) Start(ctx context.Context, tenant, resume string) (string, *http.Cookie, error) {
	p, err := f.Providers.ForTenant(ctx, tenant)
	if errors.Is(err, people.ErrNoProvider) || (err == nil && !p.BrowserSignIn()) {
		return "", nil, ErrUnavailable
	}
	if err != nil {
		return "", nil, err
	}
	pend := Pending{Tenant: tenant, State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), Resume: resume,
		Expires: time.Now().Add(lifetime)}
	// Lax: the provider sends the browser back with a top-level GET.
	cookie := &http.Cookie{Name: cookieName, Value: f.seal(pend), Path: CallbackPath, HttpOnly: true, Secure: f.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(lifetime.Seconds())}
	return f.config(p).AuthCodeURL(pend.State, oauth2.S256ChallengeOption(pend.Verifier),
		oauth2.SetAuthURLParam("nonce", pend.Nonce)), cookie, nil
}

// Failure is a sign-in the person can retry; Message says why, for the page.
type Failure struct{ Message string }

func (e *Failure) Error() string { return e.Message }

// Finish completes the sign-in the provider sent the browser back from (r is the callback
// request): it checks the state, exchanges the code, verifies the ID token (issuer, the
// client id as audience, nonce) and signs the person in. It returns the pending round
// trip (Resume) and the user.
func (f *Flow) Finish(ctx context.Context, w http.ResponseWriter, r *http.Request) (Pending, people.SignedIn, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return Pending{}, people.SignedIn{}, &Failure{"The sign-in took too long or started in another browser; go back to your app and connect again."}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: CallbackPath, MaxAge: -1, HttpOnly: true, Secure: f.Secure})
	pend, ok := f.open(c.Value)
	q := r.URL.Query()
	switch {
	case !ok || time.Now().After(pend.Expires):
		return Pending{}, people.SignedIn{}, &Failure{"The sign-in took too long; go back to your app and connect again."}
	case !hmac.Equal([]byte(q.Get("state")), []byte(pend.State)):
		return Pending{}, people.SignedIn{}, &Failure{"The identity provider's answer does not belong to this sign-in."}
	case q.Get("error") != "":
		return pend, people.SignedIn{}, &Failure{"Your identity provider did not sign you in: " + q.Get("error") + " " + q.Get("error_description")}
	case q.Get("code") == "":
		return pend, people.SignedIn{}, &Failure{"Your identity provider sent no authorization code."}
	}
	p, err := f.Providers.ForTenant(ctx, pend.Tenant)
	if errors.Is(err, people.ErrNoProvider) || (err == nil && !p.BrowserSignIn()) {
		return pend, people.SignedIn{}, ErrUnavailable
	}
	if err != nil {
		return pend, people.SignedIn{}, err
	}
	if f.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, f.HTTPClient)
	}
	tok, err := f.config(p).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return pend, people.SignedIn{}, &Failure{"Your identity provider did not accept the sign-in: " + err.Error()}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return pend, people.SignedIn{}, &Failure{"Your identity provider returned no ID token (is the openid scope allowed?)."}
	}
	id, err := f.Keys.Verify(ctx, raw, auth.Provider{Issuer: p.Issuer, Audience: *p.ClientID, JWKSURL: p.JWKSURL})
	if err != nil {
		return pend, people.SignedIn{}, fmt.Errorf("idp sign-in: id token: %w", err)
	}
	if n := id.String("nonce"); !hmac.Equal([]byte(n), []byte(pend.Nonce)) {
		return pend, people.SignedIn{}, &Failure{"The identity provider's ID token does not belong to this sign-in (nonce)."}
	}
	in, err := f.Providers.SignIn(ctx, p, id)
	var np *people.NotProvisionedError
	if errors.As(err, &np) {
		return pend, people.SignedIn{}, &Failure{"You are not a user of this organisation in learnd: " + np.Reason + "."}
	}
	return pend, in, err
}

// config is the OAuth client of provider p.
func (f *Flow) config(p *people.Provider) *oauth2.Config {
	c := &oauth2.Config{ClientID: *p.ClientID, RedirectURL: f.CallbackURL, Scopes: []string{"openid", "email", "profile"},
		Endpoint: oauth2.Endpoint{AuthURL: *p.AuthorizeURL, TokenURL: *p.TokenURL}}
	if p.ClientSecret != nil {
		c.ClientSecret = *p.ClientSecret
	} else {
		c.Endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client sends its id only
	}
	return c
}

func (f *Flow) seal(p Pending) string {
	b, _ := json.Marshal(p)
	body := base64.RawURLEncoding.EncodeToString(b)
	return body + "." + base64.RawURLEncoding.EncodeToString(f.mac(body))
}

func (f *Flow) open(v string) (Pending, bool) {
	body, sig, ok := strings.Cut(v, ".")
	if !ok {
		return Pending{}, false
	}
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(want, f.mac(body)) {
		return Pending{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Pending{}, false
	}
	var p Pending
	return p, json.Unmarshal(b, &p) == nil
}

func (f *Flow) mac(body string) []byte {
	m := hmac.New(sha256.New, f.Key)
	m.Write([]byte("learnd idp sign-in\x00"))
	m.Write([]byte(body))
	return m.Sum(nil)
}

func random() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
