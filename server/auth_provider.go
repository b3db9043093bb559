package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// identifyByProvider accepts a token of a tenant's own identity provider: the providers
// registered for the token's issuer (of any tenant) are tried in turn; the one whose keys
// verify it, with its audience, names the tenant, and the person is the user that
// provider's sign-in finds or creates (people.ProviderRepo.SignIn); a token that two
// tenants' registrations verify (several audiences) is refused. found is false when no
// tenant registered the token's issuer: the token is then simply invalid.
func (s *Server) identifyByProvider(ctx context.Context, token string) (p auth.Principal, detail string, found bool, err error) {
	iss, ok := auth.PeekIssuer(token)
	if !ok {
		return auth.Principal{}, "", false, nil
	}
	provs, err := s.people.Providers().ForIssuer(ctx, iss)
	if err != nil || len(provs) == 0 {
		return auth.Principal{}, "", false, err
	}
	detail = "the token of identity provider " + iss + " is invalid"
	var (
		match *people.Provider
		tok   *auth.ExternalToken
	)
	for i := range provs {
		pr := &provs[i]
		t, err := s.cfg.ProviderKeys.Verify(ctx, token, pr.Verification())
		switch {
		case errors.Is(err, auth.ErrInvalidToken):
			detail = fmt.Sprintf("the token of identity provider %s is invalid: %s", iss, err)
			continue
		case err != nil:
			s.log.Warn("identity provider: its keys cannot be fetched", "tenant", pr.Tenant, "issuer", pr.Issuer, "jwks_url", pr.JWKSURL, "err", err)
			detail = "the keys of identity provider " + iss + " cannot be fetched now; try again later"
			continue
		case match != nil:
			// Its audiences name two tenants' registrations: it is for neither.
			return auth.Principal{}, "the token of identity provider " + iss + " names the audiences of more than one organisation", true, nil
		}
		match, tok = pr, t
	}
	if match == nil {
		return auth.Principal{}, detail, true, nil
	}
	in, err := s.people.Providers().SignIn(ctx, match, tok)
	var np *people.NotProvisionedError
	switch {
	case errors.As(err, &np):
		return auth.Principal{}, np.Reason, true, nil
	case err != nil:
		return auth.Principal{}, "", true, err
	}
	p = auth.Principal{
		TenantID: match.Tenant, PersonID: in.UserID, Subject: typeid.Format(typeid.Person, in.UserID),
		Role:   auth.RoleOwner, // trust lowers it to the user's role and the provider's cap
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: auth.SurfaceAPI, TokenID: tok.ID,
	}
	p, detail, err = s.trust(ctx, p, in.Cap)
	return p, detail, true, err
}
