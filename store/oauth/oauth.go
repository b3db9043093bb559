// Package oauth is the state of learnd's OAuth 2.1 authorization server (the MCP
// endpoint's, issue 11): the clients that registered themselves (RFC 7591), the
// authorization requests from /authorize until their code is exchanged, and the refresh
// tokens, which rotate. Clients and requests belong to no tenant until a person signs in,
// so every operation runs as the owner (store.OnBehalf), on tables learnd_app cannot
// read; the grant itself is audited in the person's tenant. Codes and refresh tokens are
// kept as SHA-256 hashes only.
package oauth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// Errors of the authorization server's state.
var (
	// ErrCodeReused means an authorization code was presented again: the tokens it
	// brought are revoked.
	ErrCodeReused = errors.New("authorization code already used")
	// ErrRefreshReused means a rotated (revoked) refresh token was presented again: its
	// whole family is revoked.
	ErrRefreshReused = errors.New("refresh token already used")
)

// Repo is the authorization server's state over one store.
type Repo struct{ st *store.Store }

// New returns the repository of st.
func New(st *store.Store) *Repo { return &Repo{st: st} }

// Hash is how codes and refresh tokens are stored.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Client is a registered OAuth client: public (no secret), authorization code with PKCE.
type Client struct {
	ID           string
	Name         string
	RedirectURIs []string
	CreatedAt    time.Time
}

// RegisterClient stores c (ID, Name and RedirectURIs set by the caller).
func (r *Repo) RegisterClient(ctx context.Context, c Client) error {
	return r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		if _, err := t.Exec(`INSERT INTO oauth_clients (id, name, redirect_uris) VALUES ($1, $2, $3)`, c.ID, c.Name, c.RedirectURIs); err != nil {
			return fmt.Errorf("register client: %w", err)
		}
		return nil
	})
}

// Client returns the client id, or store.ErrNotFound.
func (r *Repo) Client(ctx context.Context, id string) (Client, error) {
	var c Client
	err := r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		return t.QueryRow(`SELECT id, name, redirect_uris, created_at FROM oauth_clients WHERE id = $1`, id).
			Scan(&c.ID, &c.Name, &c.RedirectURIs, &c.CreatedAt)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return Client{}, store.ErrNotFound
	}
	if err != nil {
		return Client{}, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

// Request is an authorization request. TenantID, PersonID and AuthTime are set once the
// person signed in and approved it.
type Request struct {
	ID                  string
	Grant               uuid.UUID // the refresh-token family the request's code starts
	ClientID            string
	RedirectURI         string
	Scopes              []string
	State               string
	Nonce               string
	ResponseMode        string
	CodeChallenge       string
	CodeChallengeMethod string
	Resource            string
	TenantID            string
	PersonID            uuid.UUID
	RoleCap             auth.Role // the most its tokens may act as ("": the user's role)
	AuthTime            time.Time
	ExpiresAt           time.Time
}

// Approved reports whether a person approved the request.
func (q Request) Approved() bool { return q.TenantID != "" && q.PersonID != uuid.Nil }

const requestColumns = `id, grant_id, client_id, redirect_uri, scopes, state, nonce, response_mode, code_challenge,
code_challenge_method, resource, coalesce(tenant_id, ''), coalesce(person_id, '00000000-0000-0000-0000-000000000000'), coalesce(role_cap, ''), coalesce(auth_time, 'epoch'), expires_at`

func scanRequest(row pgx.Row) (Request, error) {
	var q Request
	err := row.Scan(&q.ID, &q.Grant, &q.ClientID, &q.RedirectURI, &q.Scopes, &q.State, &q.Nonce, &q.ResponseMode,
		&q.CodeChallenge, &q.CodeChallengeMethod, &q.Resource, &q.TenantID, &q.PersonID, &q.RoleCap, &q.AuthTime, &q.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Request{}, store.ErrNotFound
	}
	return q, err
}

// CreateRequest stores q (every field but the approval set by the caller) and forgets
// requests that lapsed more than a day ago.
func (r *Repo) CreateRequest(ctx context.Context, q Request) error {
	return r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		if _, err := t.Exec(`DELETE FROM oauth_requests WHERE expires_at < now() - interval '1 day'`); err != nil {
			return fmt.Errorf("create request: purge: %w", err)
		}
		_, err := t.Exec(`INSERT INTO oauth_requests (id, grant_id, client_id, redirect_uri, scopes, state, nonce, response_mode,
code_challenge, code_challenge_method, resource, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			q.ID, q.Grant, q.ClientID, q.RedirectURI, q.Scopes, q.State, q.Nonce, q.ResponseMode,
			q.CodeChallenge, q.CodeChallengeMethod, q.Resource, q.ExpiresAt)
		if err != nil {
			return fmt.Errorf("create request: %w", err)
		}
		return nil
	})
}

// Request returns the live (not lapsed, code not yet issued) request id, or
// store.ErrNotFound.
func (r *Repo) Request(ctx context.Context, id string) (Request, error) {
	var q Request
	err := r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) (err error) {
		q, err = scanRequest(t.QueryRow(`SELECT `+requestColumns+` FROM oauth_requests WHERE id = $1 AND expires_at > now() AND code_hash IS NULL`, id))
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Request{}, fmt.Errorf("request: %w", err)
	}
	return q, err
}

// Approval is who approved a request on the consent page and what they granted.
type Approval struct {
	Person     auth.Principal // the signed-in person (tenant, person id, the role the sign-in gave: the grant's cap); the audit's actor
	Scopes     []string       // the scopes granted (the request's, capped by the sign-in)
	ClientName string         // for the audit entry
}

// Approve records that a.Person approved the live request id, with a.Scopes, and audits
// the grant in their tenant (action oauth.grant, target the client) in the same
// transaction. A request approved, used or lapsed already is store.ErrNotFound.
func (r *Repo) Approve(ctx context.Context, id string, a Approval) error {
	p := a.Person
	p.Surface = auth.SurfaceMCP
	err := r.st.OnBehalf(ctx, p, func(t *store.Tx) error {
		var client string
		var roleCap *string
		if p.Role != "" {
			r := string(p.Role)
			roleCap = &r
		}
		err := t.QueryRow(`UPDATE oauth_requests SET tenant_id = $2, person_id = $3, auth_time = now(), scopes = $4, role_cap = $5
WHERE id = $1 AND expires_at > now() AND tenant_id IS NULL AND code_hash IS NULL RETURNING client_id`,
			id, p.TenantID, p.PersonID, a.Scopes, roleCap).Scan(&client)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		return t.Audit("oauth.grant", "oauth_client", client, nil, map[string]any{"client": a.ClientName, "scopes": a.Scopes})
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("approve: %w", err)
	}
	return err
}

// SaveCode stores the hash of the code issued for the approved request id.
func (r *Repo) SaveCode(ctx context.Context, id string, code string) error {
	return r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		tag, err := t.Exec(`UPDATE oauth_requests SET code_hash = $2 WHERE id = $1 AND tenant_id IS NOT NULL AND code_hash IS NULL AND expires_at > now()`, id, Hash(code))
		if err != nil {
			return fmt.Errorf("save code: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("save code: %w", store.ErrNotFound)
		}
		return nil
	})
}

// UseCode returns the request of code and marks the code used: a code is good once. A
// code used before is ErrCodeReused, and every refresh token its first use brought is
// revoked; an unknown or lapsed code is store.ErrNotFound.
func (r *Repo) UseCode(ctx context.Context, code string) (Request, error) {
	var q Request
	reused := false
	err := r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) (err error) {
		q, err = scanRequest(t.QueryRow(`UPDATE oauth_requests SET code_used_at = now()
WHERE code_hash = $1 AND code_used_at IS NULL AND expires_at > now() RETURNING `+requestColumns, Hash(code)))
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var grant uuid.UUID
		if err := t.QueryRow(`SELECT grant_id FROM oauth_requests WHERE code_hash = $1 AND code_used_at IS NOT NULL`, Hash(code)).Scan(&grant); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			return err
		}
		reused = true
		return revokeFamily(t, grant)
	})
	switch {
	case reused:
		return Request{}, ErrCodeReused
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Request{}, fmt.Errorf("use code: %w", err)
	}
	return q, err
}
