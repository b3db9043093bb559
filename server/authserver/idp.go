package authserver

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/idpsignin"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// IdPSignIn signs a person in through their organisation's own identity provider (the
// tenant's, registered with PUT /api/v2/tenant/identity-provider with a client id): the
// page asks for the organisation's learnd id and sends the browser to the provider; its
// callback (idpsignin.CallbackPath) finds the person's user as the provider's API tokens
// do, with tenant-bound trust, and resumes the authorization request.
type IdPSignIn struct {
	Flow  *idpsignin.Flow
	Store *store.Store
}

var (
	_ SignIn    = IdPSignIn{}
	_ Callbacks = IdPSignIn{}
)

func (IdPSignIn) Method() string { return "idp" }
func (IdPSignIn) Label() string  { return "Sign in with your organisation's identity provider" }

func (m IdPSignIn) SignIn(ctx context.Context, r *http.Request) (Person, error) {
	tenant := strings.TrimSpace(r.PostFormValue("organisation"))
	if tenant == "" {
		return Person{}, &SignInError{"Enter your organisation's learnd id (your administrator knows it, e.g. acme)."}
	}
	to, cookie, err := m.Flow.Start(ctx, tenant, r.PostFormValue("id"))
	switch {
	case errors.Is(err, idpsignin.ErrUnavailable):
		return Person{}, &SignInError{"This organisation has no identity provider to sign in with here; sign in with an API key, or ask your administrator."}
	case err != nil:
		return Person{}, err
	}
	return Person{}, &Redirect{URL: to, Cookies: []*http.Cookie{cookie}}
}

// Routes mounts the provider's callback.
func (m IdPSignIn) Routes(e *echo.Echo, s *Server) {
	e.GET(idpsignin.CallbackPath, func(c echo.Context) error {
		ctx := c.Request().Context()
		pend, in, err := m.Flow.Finish(ctx, c.Response(), c.Request())
		var f *idpsignin.Failure
		switch {
		case errors.As(err, &f):
			return s.errorPage(c.Response(), http.StatusUnauthorized, "You are not signed in", f.Message)
		case errors.Is(err, idpsignin.ErrUnavailable):
			return s.errorPage(c.Response(), http.StatusUnauthorized, "You are not signed in", "This organisation no longer signs in through an identity provider.")
		case errors.Is(err, auth.ErrInvalidToken):
			s.log.Warn("idp sign-in: the provider's ID token is invalid", "tenant", pend.Tenant, "err", err)
			return s.errorPage(c.Response(), http.StatusUnauthorized, "You are not signed in", "Your identity provider's answer could not be verified.")
		case err != nil:
			return err
		}
		// Tenant-bound trust, as for any token: a user of a tenant that exists, not banned,
		// never above the role the user holds nor the one the provider's claims map to.
		cl, err := m.Store.ResolveCaller(ctx, pend.Tenant, in.UserID, "")
		if err != nil {
			return err
		}
		if cl.Refusal() != "" {
			return s.errorPage(c.Response(), http.StatusUnauthorized, "You are not signed in", "Your account in this organisation is not active.")
		}
		// The role is the grant's cap (oauth.Approval): its tokens never act above it.
		p := auth.Principal{TenantID: pend.Tenant, PersonID: in.UserID, Subject: typeid.Format(typeid.Person, in.UserID),
			Role: cl.RoleFor(auth.RoleOwner, in.Cap), Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: auth.SurfaceMCP, Licence: cl.Licence, Known: true}
		return s.Resume(c, pend.Resume, Person{Principal: p})
	})
}
