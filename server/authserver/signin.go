package authserver

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// SignIn is one way the consent page signs a person in. learnd has one today, the API
// key (APIKeySignIn: the person pastes an lk_ key of theirs — development, and tenants
// without an identity provider). Signing in through the tenant's OIDC identity provider
// (issue 11 part 2) is the next implementation of this seam: its Method is a choice on the
// page; its SignIn returns a *Redirect to the provider (with a state bound to the browser
// and the request id of the form's "id" field); its Callbacks route takes the provider's
// answer, resolves the person and calls Server.Resume.
type SignIn interface {
	// Method is the value of the form's "method" field that selects this sign-in.
	Method() string
	// Label is the page's heading for the method.
	Label() string
	// SignIn returns who the submitted consent form r proves the person is. A
	// *SignInError is shown on the page; other errors are server failures.
	SignIn(ctx context.Context, r *http.Request) (Person, error)
}

// Redirect is the answer of a SignIn that signs the person in elsewhere (an identity
// provider), returned as its error: the consent page sends the browser to URL, and the
// method's callback resumes the authorization request (Server.Resume).
type Redirect struct {
	URL     string
	Cookies []*http.Cookie // set with the redirect (the round trip's state)
}

func (r *Redirect) Error() string { return "sign in at " + r.URL }

// Callbacks is a SignIn with routes of its own (an identity provider's redirect URI),
// mounted with the server's routes.
type Callbacks interface {
	Routes(e *echo.Echo, s *Server)
}

// Person is who signed in: the principal (tenant, person, role, licence) and the most
// the sign-in lets them grant (nil: any learnd scope).
type Person struct {
	Principal auth.Principal
	MaxScopes []string
}

// SignInError is a sign-in the person can correct; Message is shown on the page.
type SignInError struct{ Message string }

func (e *SignInError) Error() string { return e.Message }

// APIKeySignIn signs a person in with one of their API keys (form field "api_key").
// The grant can carry at most the key's scopes, and ai only with write.
type APIKeySignIn struct{ Store *store.Store }

func (APIKeySignIn) Method() string { return "api_key" }
func (APIKeySignIn) Label() string  { return "Sign in with one of your learnd API keys (lk_…)" }

func (a APIKeySignIn) SignIn(ctx context.Context, r *http.Request) (Person, error) {
	key := strings.TrimSpace(r.PostFormValue("api_key"))
	if key == "" {
		return Person{}, &SignInError{"Paste one of your API keys (lk_…)."}
	}
	kc, err := a.Store.AuthenticateKey(ctx, key)
	switch {
	case errors.Is(err, store.ErrInvalidKey):
		return Person{}, &SignInError{"This API key is invalid, expired or revoked."}
	case errors.Is(err, store.ErrBanned):
		return Person{}, &SignInError{"Your account is banned."}
	case err != nil:
		return Person{}, err
	}
	if kc.Principal.Pseudonymised { // a grant would show the people the key may not see
		return Person{}, &SignInError{"This API key is pseudonymised: use it as the MCP client's key itself, not to sign in."}
	}
	p := kc.Principal
	p.KeyID, p.AppID = "", "" // the grant acts as the person, not as the key
	max := slices.Clone(kc.Principal.Scopes)
	if slices.Contains(max, auth.ScopeWrite) {
		max = append(max, auth.ScopeAI)
	}
	return Person{Principal: p, MaxScopes: max}, nil
}
