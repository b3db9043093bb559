package people

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// ErrTenantExists means a tenant with that id is already on record.
var ErrTenantExists = errors.New("tenant already exists")

// Tenant is a tenant and its licence.
type Tenant struct {
	ID        string
	Name      string
	Licence   auth.Licence
	CreatedAt *time.Time // nil for a tenant without a row (the defaults apply)
	UpdatedAt *time.Time
}

// NewTenant is what an operator creates: the tenant, its licence and optionally its first
// owner.
type NewTenant struct {
	ID         string
	Name       string
	Licence    auth.Licence
	OwnerName  string // with OwnerEmail: create the first owner
	OwnerEmail string
}

// LicenceChange changes a tenant's licence; nil members stay as they are.
type LicenceChange struct {
	Tier        *string
	MCPAccess   *string
	MCPAIAccess *bool
}

// TenantRepo reads the caller's tenant and, for operators, creates tenants and sets
// licences.
type TenantRepo struct{ st *store.Store }

// Tenants returns the tenant repository.
func (s *Repo) Tenants() *TenantRepo { return &TenantRepo{st: s.st} }

type tenantAudit struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Tier        string `json:"tier"`
	MCPAccess   string `json:"mcpAccess"`
	MCPAIAccess bool   `json:"mcpAiAccess"`
}

func auditTenant(t Tenant) tenantAudit {
	return tenantAudit{ID: t.ID, Name: t.Name, Tier: t.Licence.Tier, MCPAccess: t.Licence.MCPAccess, MCPAIAccess: t.Licence.MCPAIAccess}
}

// readTenant reads the tenant of the transaction; without a row, the defaults: starter,
// no MCP access, named after its id.
func readTenant(t *store.Tx, lock bool) (Tenant, error) {
	out := Tenant{ID: t.Caller().TenantID, Name: t.Caller().TenantID, Licence: auth.Licence{Tier: auth.TierStarter, MCPAccess: auth.MCPNone}}
	sql := `SELECT name, tier, mcp_access, mcp_ai_access, created_at, updated_at FROM tenants WHERE id = learnd_tenant()`
	if lock {
		sql += ` FOR UPDATE`
	}
	var created, updated time.Time
	err := t.QueryRow(sql).Scan(&out.Name, &out.Licence.Tier, &out.Licence.MCPAccess, &out.Licence.MCPAIAccess, &created, &updated)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return out, nil
	case err != nil:
		return Tenant{}, fmt.Errorf("read tenant: %w", err)
	}
	out.CreatedAt, out.UpdatedAt = &created, &updated
	return out, nil
}

// Current returns the caller's tenant and licence.
func (r *TenantRepo) Current(ctx context.Context) (Tenant, error) {
	var out Tenant
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		out, err = readTenant(t, false)
		return err
	})
	if err != nil {
		return Tenant{}, fmt.Errorf("get tenant: %w", err)
	}
	return out, nil
}

var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkLicence(v *store.ValidationError, l auth.Licence) {
	switch l.Tier {
	case auth.TierStarter, auth.TierBusiness, auth.TierEnterprise:
	default:
		v.Add("tier", "must be starter, business or enterprise")
	}
	switch l.MCPAccess {
	case auth.MCPNone, auth.MCPRead, auth.MCPFull:
	default:
		v.Add("mcp-access", "must be none, read or full")
	}
	// Seed 003: write tools need full access and AI tools mcpAiAccess, both Business or
	// Enterprise.
	if l.Tier == auth.TierStarter && l.MCPAccess == auth.MCPFull {
		v.Add("mcp-access", "full MCP access needs the business or enterprise tier")
	}
	if l.Tier == auth.TierStarter && l.MCPAIAccess {
		v.Add("mcp-ai", "AI course authoring (mcpAiAccess) needs the business or enterprise tier")
	}
}

// CreateTenant records a tenant with its licence and, when asked, its first owner (an
// operator's action: `learnd tenant create`). A tenant already on record is
// ErrTenantExists. Returns the owner, if created.
func (r *TenantRepo) CreateTenant(ctx context.Context, in NewTenant) (Tenant, *User, error) {
	v := &store.ValidationError{}
	if !tenantIDPattern.MatchString(in.ID) {
		v.Add("id", "must be 1 to 64 letters, digits, - or _")
	}
	if in.Name == "" {
		in.Name = in.ID
	}
	in.Name = personName(v, "name", in.Name)
	if in.Licence.Tier == "" {
		in.Licence.Tier = auth.TierStarter
	}
	if in.Licence.MCPAccess == "" {
		in.Licence.MCPAccess = auth.MCPNone
	}
	checkLicence(v, in.Licence)
	if (in.OwnerEmail == "") != (in.OwnerName == "") {
		v.Add("owner-email", "give both the owner's email and name, or neither")
	}
	if err := v.Err(); err != nil {
		return Tenant{}, nil, fmt.Errorf("create tenant: %w", err)
	}
	var out Tenant
	var owner *User
	err := r.st.AsOperator(ctx, in.ID, func(t *store.Tx) error {
		t.ChangesCallers()
		_, err := t.Exec(`INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $2, $3, $4, $5)`,
			in.ID, in.Name, in.Licence.Tier, in.Licence.MCPAccess, in.Licence.MCPAIAccess)
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "23505" {
			return ErrTenantExists
		} else if err != nil {
			return err
		}
		if out, err = readTenant(t, false); err != nil {
			return err
		}
		if err := t.Audit("tenant.create", "tenant", in.ID, nil, auditTenant(out)); err != nil {
			return err
		}
		if in.OwnerEmail == "" {
			return nil
		}
		owner, err = createUser(t, NewUser{Name: in.OwnerName, Email: in.OwnerEmail, Role: string(auth.RoleOwner)})
		return err
	})
	if err != nil {
		return Tenant{}, nil, fmt.Errorf("create tenant: %w", err)
	}
	return out, owner, nil
}

// SetLicence changes a tenant's licence (an operator's action: `learnd tenant
// set-licence`). A tenant without a row gets one, named after its id.
func (r *TenantRepo) SetLicence(ctx context.Context, id string, ch LicenceChange) (Tenant, error) {
	if !tenantIDPattern.MatchString(id) {
		v := &store.ValidationError{}
		v.Add("id", "must be 1 to 64 letters, digits, - or _")
		return Tenant{}, fmt.Errorf("set licence: %w", v)
	}
	var out Tenant
	err := r.st.AsOperator(ctx, id, func(t *store.Tx) error {
		cur, err := readTenant(t, true)
		if err != nil {
			return err
		}
		next := cur
		if ch.Tier != nil {
			next.Licence.Tier = *ch.Tier
		}
		if ch.MCPAccess != nil {
			next.Licence.MCPAccess = *ch.MCPAccess
		}
		if ch.MCPAIAccess != nil {
			next.Licence.MCPAIAccess = *ch.MCPAIAccess
		}
		v := &store.ValidationError{}
		checkLicence(v, next.Licence)
		if err := v.Err(); err != nil {
			return err
		}
		t.ChangesCallers()
		_, err = t.Exec(`INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET tier = $3, mcp_access = $4, mcp_ai_access = $5, updated_at = now()`,
			id, next.Name, next.Licence.Tier, next.Licence.MCPAccess, next.Licence.MCPAIAccess)
		if err != nil {
			return err
		}
		if out, err = readTenant(t, false); err != nil {
			return err
		}
		var before any
		if cur.CreatedAt != nil {
			before = auditTenant(cur)
		}
		return t.Audit("tenant.licence", "tenant", id, before, auditTenant(out))
	})
	if err != nil {
		return Tenant{}, fmt.Errorf("set licence: %w", err)
	}
	return out, nil
}
