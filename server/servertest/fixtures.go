package servertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

// User is a user row a fixture created, with a token for it.
type User struct {
	ID     string // per_…
	Tenant string
	Role   auth.Role
	Email  string
	Token  string // a JWT with the role and scopes asked for
}

// UserSpec describes a fixture user; zero values mean role learner, a generated name and
// email, scopes read and write.
type UserSpec struct {
	Tenant string
	Role   auth.Role
	Name   string
	Email  string
	Scopes []string
	Banned bool
}

// DB connects to the test database as the connecting (super)user, bypassing row-level
// security, for fixtures and for checking what is stored. Closed at cleanup.
func (e *Env) DB(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, e.DBURL)
	if err != nil {
		t.Fatalf("servertest: connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// User inserts a user straight into the database (a fixture: no audit entry) and mints a
// token for it.
func (e *Env) User(t testing.TB, s UserSpec) User {
	t.Helper()
	if s.Role == "" {
		s.Role = auth.RoleLearner
	}
	id, u := typeid.New(typeid.Person)
	if s.Name == "" {
		s.Name = "User " + id[len(id)-6:]
	}
	if s.Email == "" {
		s.Email = strings.ToLower(id[len(id)-10:]) + "@example.test"
	}
	status := "active"
	var bannedAt *time.Time
	if s.Banned {
		now := time.Now()
		status, bannedAt = "banned", &now
	}
	db := e.DB(t)
	_, err := db.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, role, status, banned_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())`, s.Tenant, u, s.Name, s.Email, string(s.Role), status, bannedAt)
	if err != nil {
		t.Fatalf("servertest: insert user: %v", err)
	}
	tok := e.Token(t, Caller{Tenant: s.Tenant, Role: s.Role, Subject: id, Scopes: s.Scopes})
	return User{ID: id, Tenant: s.Tenant, Role: s.Role, Email: s.Email, Token: tok}
}

// Licence sets a tenant's licence (creating the tenant when new).
func (e *Env) Licence(t testing.TB, tenant, tier, mcpAccess string, mcpAI bool) {
	t.Helper()
	db := e.DB(t)
	_, err := db.Exec(context.Background(), `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET tier = $2, mcp_access = $3, mcp_ai_access = $4, updated_at = now()`, tenant, tier, mcpAccess, mcpAI)
	if err != nil {
		t.Fatalf("servertest: licence: %v", fmt.Errorf("%s: %w", tenant, err))
	}
}

// provision makes c's tenant exist and c's person a user of it, unless they already are.
func (e *Env) provision(t testing.TB, c Caller) {
	t.Helper()
	id, err := typeid.Parse(typeid.Person, c.Subject)
	if err != nil {
		t.Fatalf("servertest: provision %q: %v", c.Subject, err)
	}
	role := c.Role
	if role == "" {
		role = auth.RoleLearner
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING`, c.Tenant)
	b.Queue(`INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, 'active', now(), now()) ON CONFLICT DO NOTHING`,
		c.Tenant, id, "Caller "+c.Subject[len(c.Subject)-6:], strings.ToLower(c.Subject[len(c.Subject)-12:])+"@caller.test", string(role))
	if e.fixtures != nil {
		err = e.fixtures.SendBatch(ctx, b).Close()
	} else { // an Env made by hand (a server started as a process): a connection of its own
		var conn *pgx.Conn
		if conn, err = pgx.Connect(ctx, e.DBURL); err == nil {
			err = conn.SendBatch(ctx, b).Close()
			_ = conn.Close(ctx)
		}
	}
	if err != nil {
		t.Fatalf("servertest: provision %s in %s: %v", c.Subject, c.Tenant, err)
	}
}
