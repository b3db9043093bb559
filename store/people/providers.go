package people

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// ErrIssuerTaken means another tenant registered an identity provider with the same
// issuer and audience: a token could then not tell which tenant it is for.
var ErrIssuerTaken = errors.New("another tenant registered this issuer and audience")

// Provider is a tenant's own OpenID Connect identity provider (issue 11): tokens it signs
// are accepted for this tenant only.
type Provider struct {
	Tenant              string
	Issuer              string
	Audience            string
	DiscoveryURL        *string
	JWKSURL             string
	ClientID            *string // browser sign-in: learnd's client at the provider
	ClientSecret        *string // a confidential client's secret (never shown)
	AuthorizeURL        *string // the provider's authorization and token endpoints (discovery)
	TokenURL            *string
	Claims              ProviderClaims
	RoleMapping         map[string]string // a value of the role or groups claim → a role
	DefaultRole         string
	MaxRole             string
	JIT                 bool
	AllowedEmailDomains []string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Version             int
}

// ProviderClaims names the claims that carry a person's e-mail, name, groups and role.
type ProviderClaims struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Groups string `json:"groups"`
	Role   string `json:"role"` // "": no role claim is read
}

// withDefaults fills the default claim names.
func (c ProviderClaims) withDefaults() ProviderClaims {
	if c.Email == "" {
		c.Email = "email"
	}
	if c.Name == "" {
		c.Name = "name"
	}
	if c.Groups == "" {
		c.Groups = "groups"
	}
	return c
}

// BrowserSignIn reports whether people can sign in through the provider in the browser.
func (p *Provider) BrowserSignIn() bool {
	return p.ClientID != nil && p.AuthorizeURL != nil && p.TokenURL != nil
}

// Verification is what verifying the provider's tokens needs.
func (p *Provider) Verification() auth.Provider {
	return auth.Provider{Issuer: p.Issuer, Audience: p.Audience, JWKSURL: p.JWKSURL}
}

// ProviderInput registers or replaces a provider. Nil optional members take the defaults.
type ProviderInput struct {
	Issuer              string
	Audience            string
	DiscoveryURL        *string
	JWKSURL             *string
	ClientID            *string
	ClientSecret        *string
	Claims              ProviderClaims
	RoleMapping         map[string]string
	DefaultRole         *string
	MaxRole             *string
	JIT                 bool
	AllowedEmailDomains []string
	// AllowLoopbackHTTP admits http:// URLs on a loopback address (development mode).
	AllowLoopbackHTTP bool
}

// ProviderReach reaches a provider before it is saved: Discover reads the jwks_uri of a
// discovery document whose issuer must match, Check fetches a JWK Set and fails unless it
// holds a usable key (auth.ProviderKeys).
type ProviderReach interface {
	Discover(ctx context.Context, discoveryURL, issuer string) (auth.Discovery, error)
	Check(ctx context.Context, jwksURL string) error
}

// ProviderRepo reads and writes the tenant's identity provider.
type ProviderRepo struct {
	st    *store.Store
	cache *signinCache
}

// Providers returns the identity provider repository.
func (s *Repo) Providers() *ProviderRepo { return &ProviderRepo{st: s.st, cache: s.signins} }

const providerCols = `tenant_id, issuer, audience, discovery_url, jwks_url, client_id, client_secret, authorization_endpoint, token_endpoint, claims, role_mapping, default_role, max_role, jit, allowed_email_domains, created_at, updated_at, version`

func scanProvider(row pgx.Row) (*Provider, error) {
	var p Provider
	err := row.Scan(&p.Tenant, &p.Issuer, &p.Audience, &p.DiscoveryURL, &p.JWKSURL, &p.ClientID, &p.ClientSecret, &p.AuthorizeURL, &p.TokenURL,
		&p.Claims, &p.RoleMapping, &p.DefaultRole, &p.MaxRole, &p.JIT, &p.AllowedEmailDomains, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	p.Claims = p.Claims.withDefaults()
	return &p, nil
}

// Get returns the tenant's provider (store.ErrNotFound when none).
func (r *ProviderRepo) Get(ctx context.Context) (*Provider, error) {
	var p *Provider
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		p, err = scanProvider(t.QueryRow(`SELECT ` + providerCols + ` FROM identity_providers WHERE tenant_id = learnd_tenant()`))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get identity provider: %w", err)
	}
	return p, nil
}

// ErrNoProvider means the tenant registered no identity provider.
var ErrNoProvider = errors.New("the tenant has no identity provider")

// ForTenant returns tenant's provider (ErrNoProvider when none): where no caller is known
// yet, as on the sign-in page, which names the tenant.
func (r *ProviderRepo) ForTenant(ctx context.Context, tenant string) (*Provider, error) {
	var p *Provider
	ctx = auth.WithPrincipal(ctx, auth.Principal{TenantID: tenant, Surface: auth.SurfaceAPI})
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		p, err = scanProvider(t.QueryRow(`SELECT ` + providerCols + ` FROM identity_providers WHERE tenant_id = learnd_tenant()`))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoProvider
	}
	if err != nil {
		return nil, fmt.Errorf("identity provider of tenant: %w", err)
	}
	return p, nil
}

// ForIssuer returns the providers, of any tenant, registered for issuer: the first step
// of accepting a token no tenant's learnd key signed.
func (r *ProviderRepo) ForIssuer(ctx context.Context, issuer string) ([]Provider, error) {
	if provs, ok := r.cache.providers(issuer); ok {
		return provs, nil
	}
	epoch, cached := r.cache.snapshot()
	fetched := time.Now()
	var out []Provider
	err := r.st.ReadIssuer(ctx, issuer, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT `+providerCols+` FROM identity_providers WHERE issuer = $1`, issuer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProvider(rows)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("identity providers of issuer: %w", err)
	}
	if cached {
		r.cache.putProviders(issuer, out, epoch, fetched)
	}
	return out, nil
}

// providerAudit is a provider as the audit log records it.
type providerAudit struct {
	Issuer              string            `json:"issuer"`
	Audience            string            `json:"audience"`
	DiscoveryURL        *string           `json:"discoveryUrl"`
	JWKSURL             string            `json:"jwksUrl"`
	ClientID            *string           `json:"clientId"`
	HasClientSecret     bool              `json:"hasClientSecret"`
	Claims              ProviderClaims    `json:"claims"`
	RoleMapping         map[string]string `json:"roleMapping"`
	DefaultRole         string            `json:"defaultRole"`
	MaxRole             string            `json:"maxRole"`
	JIT                 bool              `json:"jit"`
	AllowedEmailDomains []string          `json:"allowedEmailDomains"`
	Version             int               `json:"version"`
}

func auditProvider(p *Provider) any {
	if p == nil {
		return nil
	}
	return providerAudit{Issuer: p.Issuer, Audience: p.Audience, DiscoveryURL: p.DiscoveryURL, JWKSURL: p.JWKSURL,
		ClientID: p.ClientID, HasClientSecret: p.ClientSecret != nil,
		Claims: p.Claims, RoleMapping: p.RoleMapping, DefaultRole: p.DefaultRole, MaxRole: p.MaxRole, JIT: p.JIT,
		AllowedEmailDomains: p.AllowedEmailDomains, Version: p.Version}
}

// Put registers the tenant's provider or replaces it. expected (optional) is the version
// the caller read. The provider is reached before anything is saved: its discovery
// document (unless in.JWKSURL is given) and its JWK Set must be usable, or the URL's
// member is invalid.
func (r *ProviderRepo) Put(ctx context.Context, in ProviderInput, expected *int, keys ProviderReach) (*Provider, error) {
	p, err := checkProvider(in)
	if err != nil {
		return nil, fmt.Errorf("put identity provider: %w", err)
	}
	if err := reachProvider(ctx, p, keys, in.AllowLoopbackHTTP); err != nil {
		return nil, fmt.Errorf("put identity provider: %w", err)
	}
	var out *Provider
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := scanProvider(t.QueryRow(`SELECT ` + providerCols + ` FROM identity_providers WHERE tenant_id = learnd_tenant() FOR UPDATE`))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		switch {
		case expected != nil && cur == nil:
			return store.ErrNotFound
		case expected != nil && *expected != cur.Version:
			return &store.VersionMismatchError{Expected: *expected, Current: cur.Version}
		}
		if in.ClientSecret == nil && cur != nil && cur.ClientID != nil && p.ClientID != nil && *cur.ClientID == *p.ClientID {
			p.ClientSecret = cur.ClientSecret // never returned, so a read-modify-write omits it: keep it
		}
		ts, by := store.Now(), actorID(t)
		out, err = scanProvider(t.QueryRow(`INSERT INTO identity_providers (tenant_id, issuer, audience, discovery_url, jwks_url,
  claims, role_mapping, default_role, max_role, jit, allowed_email_domains, created_at, updated_at, created_by, updated_by, version,
  client_id, client_secret, authorization_endpoint, token_endpoint)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $12, 1, $13, $14, $15, $16)
ON CONFLICT (tenant_id) DO UPDATE SET issuer = $1, audience = $2, discovery_url = $3, jwks_url = $4, claims = $5,
  role_mapping = $6, default_role = $7, max_role = $8, jit = $9, allowed_email_domains = $10, updated_at = $11,
  updated_by = $12, version = identity_providers.version + 1, client_id = $13, client_secret = $14,
  authorization_endpoint = $15, token_endpoint = $16
RETURNING `+providerCols, p.Issuer, p.Audience, p.DiscoveryURL, p.JWKSURL, p.Claims, p.RoleMapping, p.DefaultRole,
			p.MaxRole, p.JIT, p.AllowedEmailDomains, ts, by, p.ClientID, p.ClientSecret, p.AuthorizeURL, p.TokenURL))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return ErrIssuerTaken
		}
		if err != nil {
			return err
		}
		if cur != nil && cur.Issuer != out.Issuer {
			// People bound through the old issuer are matched afresh through the new one.
			if _, err := t.Exec(`DELETE FROM user_identities WHERE tenant_id = learnd_tenant() AND issuer = $1`, cur.Issuer); err != nil {
				return err
			}
		}
		t.ChangesCallers()
		return t.Audit("identity_provider.put", "identity_provider", out.Tenant, auditProvider(cur), auditProvider(out))
	})
	if err != nil {
		return nil, fmt.Errorf("put identity provider: %w", err)
	}
	return out, nil
}

// Delete removes the tenant's provider and its people's bindings (not the users).
func (r *ProviderRepo) Delete(ctx context.Context) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := scanProvider(t.QueryRow(`DELETE FROM identity_providers WHERE tenant_id = learnd_tenant() RETURNING ` + providerCols))
		if err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM user_identities WHERE tenant_id = learnd_tenant()`); err != nil {
			return err
		}
		t.ChangesCallers()
		return t.Audit("identity_provider.delete", "identity_provider", cur.Tenant, auditProvider(cur), nil)
	})
	if err != nil {
		return fmt.Errorf("delete identity provider: %w", err)
	}
	return nil
}
