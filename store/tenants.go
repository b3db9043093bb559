package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/learnd/learnd/auth"
)

// ErrTenantExists means a tenant with that id is already on record.
var ErrTenantExists = errors.New("tenant already exists")

// surfaceSystem marks audit entries written by operators (the learnd command), not a request.
const surfaceSystem = "system"

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
type TenantRepo struct{ s *Store }

// Tenants returns the tenant repository.
func (s *Store) Tenants() *TenantRepo { return &TenantRepo{s: s} }

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
func readTenant(t *Tx, lock bool) (Tenant, error) {
	out := Tenant{ID: t.p.TenantID, Name: t.p.TenantID, Licence: auth.Licence{Tier: auth.TierStarter, MCPAccess: auth.MCPNone}}
	sql := `SELECT name, tier, mcp_access, mcp_ai_access, created_at, updated_at FROM tenants WHERE id = learnd_tenant()`
	if lock {
		sql += ` FOR UPDATE`
	}
	var created, updated time.Time
	err := t.pg.QueryRow(t.ctx, sql).Scan(&out.Name, &out.Licence.Tier, &out.Licence.MCPAccess, &out.Licence.MCPAIAccess, &created, &updated)
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
	err := r.s.InTenant(ctx, func(t *Tx) (err error) {
		out, err = readTenant(t, false)
		return err
	})
	if err != nil {
		return Tenant{}, fmt.Errorf("get tenant: %w", err)
	}
	return out, nil
}

// asOperator runs fn in one transaction as the connecting role (which owns the tables
// and may write tenants) with learnd.tenant_id set to tenant, so the row-level-security
// policies admit exactly that tenant's rows. Audit entries it writes are marked system.
func (s *Store) asOperator(ctx context.Context, tenant string, fn func(t *Tx) error) error {
	p := auth.Principal{TenantID: tenant, Surface: surfaceSystem}
	var t *Tx
	err := pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error {
		if _, err := ptx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', '', true)`, tenant); err != nil {
			return fmt.Errorf("scope transaction: %w", err)
		}
		g := s.db.Session(&gorm.Session{DryRun: true, NewDB: true, Context: context.WithValue(ctx, pgTxKey{}, ptx)})
		t = &Tx{db: g, pg: ptx, ctx: ctx, p: p, s: s}
		return fn(t)
	})
	s.committed(t, err)
	return err
}

var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkLicence(v *ValidationError, l auth.Licence) {
	switch l.Tier {
	case auth.TierStarter, auth.TierBusiness, auth.TierEnterprise:
	default:
		v.add("tier", "must be starter, business or enterprise")
	}
	switch l.MCPAccess {
	case auth.MCPNone, auth.MCPRead, auth.MCPFull:
	default:
		v.add("mcp-access", "must be none, read or full")
	}
	// Seed 003: write tools need full access and AI tools mcpAiAccess, both Business or
	// Enterprise.
	if l.Tier == auth.TierStarter && l.MCPAccess == auth.MCPFull {
		v.add("mcp-access", "full MCP access needs the business or enterprise tier")
	}
	if l.Tier == auth.TierStarter && l.MCPAIAccess {
		v.add("mcp-ai", "AI course authoring (mcpAiAccess) needs the business or enterprise tier")
	}
}

// CreateTenant records a tenant with its licence and, when asked, its first owner (an
// operator's action: `learnd tenant create`). A tenant already on record is
// ErrTenantExists. Returns the owner, if created.
func (r *TenantRepo) CreateTenant(ctx context.Context, in NewTenant) (Tenant, *User, error) {
	v := &ValidationError{}
	if !tenantIDPattern.MatchString(in.ID) {
		v.add("id", "must be 1 to 64 letters, digits, - or _")
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
		v.add("owner-email", "give both the owner's email and name, or neither")
	}
	if err := v.err(); err != nil {
		return Tenant{}, nil, fmt.Errorf("create tenant: %w", err)
	}
	var out Tenant
	var owner *User
	err := r.s.asOperator(ctx, in.ID, func(t *Tx) error {
		t.ChangesCallers()
		_, err := t.pg.Exec(t.ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $2, $3, $4, $5)`,
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
		if err := t.audit("tenant.create", "tenant", in.ID, nil, auditTenant(out)); err != nil {
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
		v := &ValidationError{}
		v.add("id", "must be 1 to 64 letters, digits, - or _")
		return Tenant{}, fmt.Errorf("set licence: %w", v)
	}
	var out Tenant
	err := r.s.asOperator(ctx, id, func(t *Tx) error {
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
		v := &ValidationError{}
		checkLicence(v, next.Licence)
		if err := v.err(); err != nil {
			return err
		}
		t.ChangesCallers()
		_, err = t.pg.Exec(t.ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $2, $3, $4, $5)
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
		return t.audit("tenant.licence", "tenant", id, before, auditTenant(out))
	})
	if err != nil {
		return Tenant{}, fmt.Errorf("set licence: %w", err)
	}
	return out, nil
}
