package main

import (
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

// demoTenant is the tenant `learnd seed` fills and `make run` prints tokens for.
const demoTenant = "demo"

// demoUser is one of the demo tenant's people, one per role.
type demoUser struct {
	label string
	role  auth.Role
	id    uuid.UUID
	name  string
	email string
}

var demoUsers = []demoUser{
	{"owner (Olivia Owner)", auth.RoleOwner, uuid.MustParse("01936b2e-1f00-7a00-8000-000000000001"), "Olivia Owner", "olivia.owner@acme.example"},
	{"admin (Adam Admin)", auth.RoleAdmin, uuid.MustParse("01936b2e-1f00-7a00-8000-000000000002"), "Adam Admin", "adam.admin@acme.example"},
	{"manager (Maya Manager)", auth.RoleManager, uuid.MustParse("01936b2e-1f00-7a00-8000-000000000003"), "Maya Manager", "maya.manager@acme.example"},
	{"learner (Leo Learner)", auth.RoleLearner, uuid.MustParse("01936b2e-1f00-7a00-8000-000000000004"), "Leo Learner", "leo.learner@acme.example"},
}

func (u demoUser) personID() string { return typeid.Format(typeid.Person, u.id) }

func (u demoUser) principal() auth.Principal {
	return auth.Principal{TenantID: demoTenant, Subject: u.personID(), PersonID: u.id, Role: u.role,
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: auth.SurfaceAPI}
}

type demoToken struct {
	label, token string
	user         demoUser
}

func demoTokens(iss *auth.Issuer, ttl time.Duration) ([]demoToken, error) {
	out := make([]demoToken, 0, len(demoUsers))
	for _, u := range demoUsers {
		tok, _, err := iss.Mint(auth.Claims{TenantID: demoTenant, Subject: u.personID(), Role: u.role}, ttl)
		if err != nil {
			return nil, fmt.Errorf("demo token: %w", err)
		}
		out = append(out, demoToken{label: u.label, token: tok, user: u})
	}
	return out, nil
}

func printBanner(w io.Writer, url string, tokens []demoToken, devSecret string, oauth bool) {
	fmt.Fprintf(w, "\nlearnd is running (dev mode)\n\n")
	fmt.Fprintf(w, "  API explorer:  %s/docs/\n", url)
	fmt.Fprintf(w, "  OpenAPI:       %s/openapi.json\n", url)
	fmt.Fprintf(w, "  Health:        %s/healthz   %s/readyz   %s/metrics\n", url, url, url)
	if oauth {
		fmt.Fprintf(w, "  MCP:           %s/mcp  (connect an MCP client by this URL; sign in with an API key)\n", url)
	} else {
		fmt.Fprintf(w, "  MCP:           %s/mcp  (with an API key: X-MCP-Key)\n", url)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Demo tenant %q — paste a token into the explorer's Authorize dialog, or:\n\n", demoTenant)
	for _, t := range tokens {
		fmt.Fprintf(w, "  # %s, %s\n  export TOKEN=%s\n\n", t.label, t.user.personID(), t.token)
	}
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $TOKEN\" %s/api/v1/learning/cohorts\n\n", url)
	fmt.Fprintf(w, "Dev OAuth client (POST /api/v1/auth/token): client_id=%s:%s:admin client_secret=%s\n\n",
		demoTenant, demoUsers[1].personID(), devSecret)
}
