package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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

func printBanner(w io.Writer, url string, tokens []demoToken, apiKey, envFile, devSecret string, oauth bool) {
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
	fmt.Fprintf(w, "Demo tenant %q: one token per role, and an API key of the admin's for MCP clients.\n", demoTenant)
	if envFile != "" {
		fmt.Fprintf(w, "They are in %s; in another terminal:\n\n  source %s\n\n", envFile, envFile)
	} else {
		fmt.Fprintf(w, "Paste these into a terminal:\n\n")
	}
	for _, l := range demoEnv(url, tokens, apiKey) {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintf(w, "\n  curl -H \"Authorization: Bearer $MANAGER_TOKEN\" %s/api/v2/courses/find\n\n", url)
	fmt.Fprintf(w, "Paste a token into the explorer's Authorize dialog to try the API in the browser.\n")
	fmt.Fprintf(w, "Dev OAuth client (POST /api/v1/auth/token): client_id=%s:%s:admin client_secret=%s\n\n",
		demoTenant, demoUsers[1].personID(), devSecret)
}

// demoEnv is the demo's shell environment: the server's URL, a token per role
// (OWNER_TOKEN, ADMIN_TOKEN, MANAGER_TOKEN, LEARNER_TOKEN) and the admin's API key
// (LEARND_API_KEY, when one was made).
func demoEnv(url string, tokens []demoToken, apiKey string) []string {
	lines := []string{"export LEARND_URL=" + url}
	for _, t := range tokens {
		lines = append(lines, fmt.Sprintf("export %s_TOKEN=%s   # %s, %s", strings.ToUpper(string(t.user.role)), t.token, t.label, t.user.personID()))
	}
	if apiKey != "" {
		lines = append(lines, fmt.Sprintf("export LEARND_API_KEY=%s   # API key of %s (read, write)", apiKey, demoUsers[1].label))
	}
	return lines
}

// writeDemoEnv writes the demo's environment to path (mode 0600: it holds credentials),
// replacing the file of an earlier run.
func writeDemoEnv(path, url string, tokens []demoToken, apiKey string, ttl time.Duration) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("demo env: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# learnd's demo tenant %q, written by `learnd serve` in dev mode at %s.\n", demoTenant, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# The tokens are valid until %s; `make run` writes new ones.\n", time.Now().Add(ttl).UTC().Format(time.RFC3339))
	for _, l := range demoEnv(url, tokens, apiKey) {
		b.WriteString(l + "\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("demo env: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("demo env: %w", err)
	}
	return nil
}
