package authserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/oauth"
)

//go:embed consent.html
var consentHTML string

var consentTmpl = template.Must(template.New("consent").Parse(consentHTML))

// scopeText says what each scope lets a client do, on the page.
var scopeText = map[string]string{
	auth.ScopeRead:  "read courses, assignments, progress and reports you may see",
	auth.ScopeWrite: "create and change courses, assignments and users as your role allows",
	auth.ScopeAI:    "author courses with AI (generation, refinement), counted against your organisation's AI quota",
}

type scopeView struct{ Name, Description string }

// consentView is what the page shows.
type consentView struct {
	Fatal, Error         string
	Client, RedirectHost string
	Scopes               []scopeView
	ID, CSRF, Action     string
	SignIns              []SignIn
}

// csrfCookie holds the page's CSRF token (double submit: the form carries it too).
const csrfCookie = "learnd_oauth_csrf"

// consentPage shows the sign-in and consent page of a pending authorization request.
func (s *Server) consentPage(c echo.Context) error {
	q, cl, err := s.pending(c.Request().Context(), c.QueryParam("id"))
	if err != nil {
		return s.fatal(c, err)
	}
	return s.render(c, http.StatusOK, s.view(q, cl, s.newCSRF(c), ""))
}

// newCSRF sets a fresh CSRF cookie for the page's form and returns its value.
func (s *Server) newCSRF(c echo.Context) string {
	token := csrfToken()
	http.SetCookie(c.Response(), &http.Cookie{Name: csrfCookie, Value: token, Path: PathConsent, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(), MaxAge: int(s.cfg.RequestTTL.Seconds())})
	return token
}

// consentSubmit signs the person in and approves (or denies) the request.
func (s *Server) consentSubmit(c echo.Context) error {
	r := c.Request()
	ctx := r.Context()
	cookie, err := r.Cookie(csrfCookie)
	if err != nil || cookie.Value == "" || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		return s.errorPage(c.Response(), http.StatusForbidden, "This form has expired",
			"Go back to your app and connect again (the page's security token did not match).")
	}
	q, cl, err := s.pending(ctx, r.PostFormValue("id"))
	if err != nil {
		return s.fatal(c, err)
	}
	if r.PostFormValue("action") != "approve" {
		return c.Redirect(http.StatusSeeOther, withIssuer(denied(q), s.issuer))
	}
	i := slices.IndexFunc(s.signIns, func(m SignIn) bool { return m.Method() == r.PostFormValue("method") })
	if i < 0 {
		return s.render(c, http.StatusBadRequest, s.view(q, cl, cookie.Value, "Choose how to sign in."))
	}
	person, err := s.signIns[i].SignIn(ctx, r)
	var se *SignInError
	var redirect *Redirect
	switch {
	case errors.As(err, &redirect):
		for _, ck := range redirect.Cookies {
			http.SetCookie(c.Response(), ck)
		}
		return c.Redirect(http.StatusSeeOther, redirect.URL)
	case errors.As(err, &se):
		return s.render(c, http.StatusUnauthorized, s.view(q, cl, cookie.Value, se.Message))
	case err != nil:
		return err
	}
	return s.approve(c, q, cl, person, cookie.Value)
}

// Resume finishes the authorization request id for person, whom a SignIn that left the
// page (Redirect) signed in elsewhere — an identity provider — as if they had approved on
// the page: its callback route (Callbacks) calls it once it has checked that the round
// trip belongs to the browser that started it (the provider's state). The browser goes
// on to the client with a code, or sees on the page why not.
func (s *Server) Resume(c echo.Context, id string, person Person) error {
	q, cl, err := s.pending(c.Request().Context(), id)
	if err != nil {
		return s.fatal(c, err)
	}
	return s.approve(c, q, cl, person, "")
}

// approve grants q to person, as much of it as they may grant, audited, and sends the
// browser on to the code (zitadel's callback); a person who may grant nothing sees why.
func (s *Server) approve(c echo.Context, q oauth.Request, cl oauth.Client, person Person, csrf string) error {
	granted, msg := grantable(q.Scopes, person)
	if msg != "" {
		if csrf == "" {
			csrf = s.newCSRF(c)
		}
		return s.render(c, http.StatusForbidden, s.view(q, cl, csrf, msg))
	}
	err := s.repo.Approve(c.Request().Context(), q.ID, oauth.Approval{Person: person.Principal, Scopes: granted, ClientName: cl.Name})
	if errors.Is(err, store.ErrNotFound) {
		return s.fatal(c, errNoRequest)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.issuer+PathCallback+"?id="+url.QueryEscape(q.ID))
}

// grantable is what person may grant of requested: their sign-in's scopes, with the
// read scope, and MCP access in their licence; msg says why nothing can be granted.
func grantable(requested []string, person Person) (granted []string, msg string) {
	for _, sc := range requested {
		if person.MaxScopes == nil || slices.Contains(person.MaxScopes, sc) {
			granted = append(granted, sc)
		}
	}
	switch {
	case person.Principal.Licence.MCPAccess == auth.MCPNone:
		return nil, "Your organisation's licence has no MCP access (mcpAccess: none); ask your administrator to upgrade."
	case !slices.Contains(granted, auth.ScopeRead):
		return nil, "This sign-in cannot grant the read scope (an API key with the read scope can)."
	}
	return granted, ""
}

// pending is the live, not yet approved request id and its client.
func (s *Server) pending(ctx context.Context, id string) (oauth.Request, oauth.Client, error) {
	if id == "" {
		return oauth.Request{}, oauth.Client{}, errNoRequest
	}
	q, err := s.repo.Request(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && q.Approved()) {
		return oauth.Request{}, oauth.Client{}, errNoRequest
	}
	if err != nil {
		return oauth.Request{}, oauth.Client{}, err
	}
	cl, err := s.repo.Client(ctx, q.ClientID)
	if err != nil {
		return oauth.Request{}, oauth.Client{}, err
	}
	return q, cl, nil
}

func (s *Server) view(q oauth.Request, cl oauth.Client, token, msg string) consentView {
	v := consentView{Client: cl.Name, ID: q.ID, CSRF: token, Action: s.issuer + PathConsent, SignIns: s.signIns, Error: msg}
	if u, err := url.Parse(q.RedirectURI); err == nil {
		v.RedirectHost = u.Host
	}
	for _, sc := range q.Scopes {
		v.Scopes = append(v.Scopes, scopeView{Name: sc, Description: scopeText[sc]})
	}
	return v
}

// fatal answers a page that cannot go on: the request is unknown, used or lapsed, or the
// server failed.
func (s *Server) fatal(c echo.Context, err error) error {
	if errors.Is(err, errNoRequest) {
		return s.errorPage(c.Response(), http.StatusBadRequest, "This sign-in link has expired or was already used",
			"Go back to your app and connect to learnd again.")
	}
	return err
}

// render writes the page with headers that keep it out of frames, caches and referrers.
func (s *Server) render(c echo.Context, status int, v consentView) error {
	h := c.Response().Header()
	// No form-action: browsers check it against every redirect after the form's POST, and
	// signing in through an identity provider redirects to the provider's host, which is
	// known only once the person has named their organisation. The form is learnd's own
	// template (escaped) and carries the CSRF token.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
	c.Response().WriteHeader(status)
	return consentTmpl.Execute(c.Response(), v)
}

// errorPage writes a page that only says what went wrong.
func (s *Server) errorPage(w http.ResponseWriter, status int, title, detail string) error {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return consentTmpl.Execute(w, consentView{Fatal: title, Error: detail})
}

// denied is the redirect telling the client the person said no (RFC 6749 §4.1.2.1).
func denied(q oauth.Request) string {
	u, _ := url.Parse(q.RedirectURI)
	v := u.Query()
	v.Set("error", "access_denied")
	v.Set("error_description", "the person denied access")
	if q.State != "" {
		v.Set("state", q.State)
	}
	u.RawQuery = v.Encode()
	return u.String()
}

func (s *Server) secure() bool { u, _ := url.Parse(s.issuer); return u.Scheme == "https" }

func csrfToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
