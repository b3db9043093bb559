package people

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// NotProvisionedError means a tenant's identity provider vouches for a person who is not a
// user of the tenant and may not become one; Reason says why, for the 401's detail.
type NotProvisionedError struct{ Reason string }

func (e *NotProvisionedError) Error() string { return "not a user of the tenant: " + e.Reason }

// SignedIn is the user a provider's token stands for.
type SignedIn struct {
	UserID uuid.UUID
	// Cap is the role the token's claims map to ("" when none does): the caller's role is
	// never above it, nor above the role the user holds.
	Cap auth.Role
}

// SignIn finds the user a verified token of the tenant's provider p stands for: the user
// bound to its subject; the first time, the user with the token's e-mail address (unless
// the provider says it is not verified), who is then bound; else, when p allows it, a
// user created just in time with the mapped role (never above p.MaxRole, never owner).
// Addresses outside p.AllowedEmailDomains (when set) are neither matched nor created.
func (r *ProviderRepo) SignIn(ctx context.Context, p *Provider, tok *auth.ExternalToken) (SignedIn, error) {
	capRole := p.mapRole(tok)
	as := func(person uuid.UUID, role auth.Role) context.Context {
		return auth.WithPrincipal(ctx, auth.Principal{TenantID: p.Tenant, PersonID: person, Subject: typeid.Format(typeid.Person, person),
			Role: role, Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, Surface: auth.SurfaceAPI, Known: true})
	}
	bound, err := r.boundUser(as(uuid.Nil, auth.RoleLearner), p, tok.Subject)
	if err != nil || bound != uuid.Nil {
		return SignedIn{UserID: bound, Cap: capRole}, err
	}
	email := strings.TrimSpace(tok.String(p.Claims.Email))
	verified, said := tok.Bool("email_verified")
	switch {
	case email == "" || !userEmailOK(email):
		return SignedIn{}, &NotProvisionedError{Reason: fmt.Sprintf("the token carries no e-mail address in claim %q to match a user by", p.Claims.Email)}
	case said && !verified:
		return SignedIn{}, &NotProvisionedError{Reason: "the identity provider says the token's e-mail address is not verified"}
	case !p.domainAllowed(email):
		return SignedIn{}, &NotProvisionedError{Reason: "the e-mail address's domain is not one this tenant's identity provider may sign in"}
	}
	var user uuid.UUID
	var role string
	err = r.st.Read(as(uuid.Nil, auth.RoleLearner), func(t *store.Tx) error {
		err := t.QueryRow(`SELECT id, role FROM users WHERE tenant_id = learnd_tenant() AND lower(email) = lower($1)`, email).Scan(&user, &role)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return SignedIn{}, fmt.Errorf("sign in: %w", err)
	}
	if user != uuid.Nil {
		if !auth.Role(p.MaxRole).AtLeast(auth.Role(role)) {
			// Matching by address trusts the provider's e-mail claim: never for an owner, nor
			// for a role above what the provider may give. Such a user is bound by an owner
			// (or signs in with an API key).
			return SignedIn{}, &NotProvisionedError{Reason: "the user with the token's e-mail address holds the " + role + " role, above what this identity provider may sign in by address (maxRole " + p.MaxRole + ")"}
		}
		err := r.st.InTenant(as(user, auth.Role(role)), func(t *store.Tx) error { return bind(t, p, tok.Subject, user, "user.identity_link") })
		if err != nil {
			return SignedIn{}, fmt.Errorf("sign in: %w", err)
		}
		return SignedIn{UserID: user, Cap: capRole}, nil
	}
	if !p.JIT {
		return SignedIn{}, &NotProvisionedError{Reason: "no user of the tenant has the token's e-mail address, and the tenant's identity provider does not create users"}
	}
	role = p.DefaultRole
	if capRole != "" {
		role = string(capRole)
	}
	if !auth.Role(p.MaxRole).AtLeast(auth.Role(role)) {
		role = p.MaxRole
	}
	id := uuid.Must(uuid.NewV7())
	err = r.st.InTenant(as(id, auth.Role(role)), func(t *store.Tx) error {
		if _, err := createUser(t, NewUser{Name: claimedName(tok.String(p.Claims.Name), email), Email: email, Role: role, id: id}); err != nil {
			return err
		}
		return bind(t, p, tok.Subject, id, "")
	})
	if errors.Is(err, ErrEmailTaken) {
		// Another first request of the same person created the user meanwhile.
		if bound, berr := r.boundUser(as(uuid.Nil, auth.RoleLearner), p, tok.Subject); berr == nil && bound != uuid.Nil {
			return SignedIn{UserID: bound, Cap: capRole}, nil
		}
	}
	if err != nil {
		return SignedIn{}, fmt.Errorf("sign in: create user just in time: %w", err)
	}
	return SignedIn{UserID: id, Cap: auth.Role(role)}, nil
}

// claimedName is a provider's name claim as a user's name: trimmed, at most 200
// characters, else the e-mail address's local part.
func claimedName(name, email string) string {
	name = strings.Join(strings.Fields(name), " ")
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || !utf8.ValidString(name) {
		name, _, _ = strings.Cut(email, "@")
	}
	return name
}

// boundUser is the user bound to the provider's subject (uuid.Nil when none).
func (r *ProviderRepo) boundUser(ctx context.Context, p *Provider, subject string) (uuid.UUID, error) {
	k := bindKey{tenant: p.Tenant, issuer: p.Issuer, subject: subject}
	if user, ok := r.cache.binding(k); ok {
		return user, nil
	}
	epoch, cached := r.cache.snapshot()
	fetched := time.Now()
	var user uuid.UUID
	err := r.st.Read(ctx, func(t *store.Tx) error {
		err := t.QueryRow(`SELECT user_id FROM user_identities WHERE tenant_id = learnd_tenant() AND issuer = $1 AND subject = $2`,
			p.Issuer, subject).Scan(&user)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("sign in: %w", err)
	}
	if cached && user != uuid.Nil {
		r.cache.putBinding(k, user, epoch, fetched)
	}
	return user, nil
}

// bind records that the provider's subject is user; with action, in the audit log too.
func bind(t *store.Tx, p *Provider, subject string, user uuid.UUID, action string) error {
	tag, err := t.Exec(`INSERT INTO user_identities (tenant_id, issuer, subject, user_id, created_at)
VALUES (learnd_tenant(), $1, $2, $3, $4) ON CONFLICT DO NOTHING`, p.Issuer, subject, user, store.Now())
	if err != nil || action == "" || tag.RowsAffected() == 0 {
		return err
	}
	type identity struct {
		Issuer  string `json:"issuer"`
		Subject string `json:"subject"`
	}
	return t.Audit(action, "user", typeid.Format(typeid.Person, user), nil, identity{Issuer: p.Issuer, Subject: subject})
}

// mapRole is the highest role p.RoleMapping gives the values of the token's role and
// groups claims ("" when the provider maps no roles).
//
// A provider with a role mapping decides roles: a token whose claims map to none is
// capped at p.DefaultRole.
func (p *Provider) mapRole(tok *auth.ExternalToken) auth.Role {
	var values []string
	if p.Claims.Role != "" {
		values = append(values, tok.Strings(p.Claims.Role)...)
	}
	values = append(values, tok.Strings(p.Claims.Groups)...)
	var best auth.Role
	for _, v := range values {
		r, ok := p.RoleMapping[v]
		if ok && providerRole(r) && (best == "" || auth.Role(r).AtLeast(best)) {
			best = auth.Role(r)
		}
	}
	if best == "" && len(p.RoleMapping) > 0 {
		best = auth.Role(p.DefaultRole)
	}
	return best
}

// domainAllowed reports whether email's domain may be signed in (any when no list is set).
func (p *Provider) domainAllowed(email string) bool {
	if len(p.AllowedEmailDomains) == 0 {
		return true
	}
	_, domain, _ := strings.Cut(email, "@")
	domain = strings.ToLower(domain)
	for _, d := range p.AllowedEmailDomains {
		if domain == d {
			return true
		}
	}
	return false
}
