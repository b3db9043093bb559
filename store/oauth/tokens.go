package oauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// Grant is what a refresh token carries: who granted which client what, for which
// resource. Family is the chain of rotations one authorization code started.
type Grant struct {
	Family    uuid.UUID
	ClientID  string
	TenantID  string
	PersonID  uuid.UUID
	RoleCap   auth.Role // the most its tokens may act as ("": the user's role)
	Scopes    []string
	Resource  string
	AuthTime  time.Time
	ExpiresAt time.Time
}

// IssueRefresh stores the first refresh token (its secret token) of g's family, and
// forgets tokens expired for more than a day (a replay of one is refused as unknown).
func (r *Repo) IssueRefresh(ctx context.Context, token string, g Grant) error {
	return r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		if _, err := t.Exec(`DELETE FROM oauth_refresh_tokens WHERE expires_at < now() - interval '1 day'`); err != nil {
			return fmt.Errorf("issue refresh token: purge: %w", err)
		}
		_, err := t.Exec(`INSERT INTO oauth_refresh_tokens (hash, family, client_id, tenant_id, person_id, scopes, resource, auth_time, expires_at, role_cap)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''))`, Hash(token), g.Family, g.ClientID, g.TenantID, g.PersonID, g.Scopes, g.Resource, g.AuthTime, g.ExpiresAt, string(g.RoleCap))
		if err != nil {
			return fmt.Errorf("issue refresh token: %w", err)
		}
		return nil
	})
}

// Refresh returns the grant of the live refresh token token. A revoked one is
// ErrRefreshReused (and its family is revoked: a rotated token came back, so one of the
// two holders is not the client); an unknown or expired one store.ErrNotFound.
func (r *Repo) Refresh(ctx context.Context, token string) (Grant, error) {
	var g Grant
	reused := false
	err := r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		var revoked *time.Time
		err := t.QueryRow(`SELECT family, client_id, tenant_id, person_id, scopes, resource, auth_time, expires_at, revoked_at, coalesce(role_cap, '')
FROM oauth_refresh_tokens WHERE hash = $1`, Hash(token)).
			Scan(&g.Family, &g.ClientID, &g.TenantID, &g.PersonID, &g.Scopes, &g.Resource, &g.AuthTime, &g.ExpiresAt, &revoked, &g.RoleCap)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return store.ErrNotFound
		case err != nil:
			return err
		case revoked != nil:
			reused = true
			return revokeFamily(t, g.Family)
		case !time.Now().Before(g.ExpiresAt):
			return store.ErrNotFound
		}
		return nil
	})
	switch {
	case reused:
		return Grant{}, ErrRefreshReused
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Grant{}, fmt.Errorf("refresh token: %w", err)
	case err != nil:
		return Grant{}, err
	}
	return g, nil
}

// Rotate revokes the refresh token old and stores next in its place, in its family, with
// scopes (the same or fewer; nil: old's) and a new expiry. When old is no longer live (used at the
// same time by someone else), it is ErrRefreshReused and the family is revoked.
func (r *Repo) Rotate(ctx context.Context, old, next string, scopes []string, expires time.Time) error {
	reused := false
	err := r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		var family uuid.UUID
		err := t.QueryRow(`UPDATE oauth_refresh_tokens SET revoked_at = now() WHERE hash = $1 AND revoked_at IS NULL RETURNING family`, Hash(old)).Scan(&family)
		if errors.Is(err, pgx.ErrNoRows) {
			if err := t.QueryRow(`SELECT family FROM oauth_refresh_tokens WHERE hash = $1`, Hash(old)).Scan(&family); err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return store.ErrNotFound
				}
				return err
			}
			reused = true
			return revokeFamily(t, family)
		}
		if err != nil {
			return err
		}
		_, err = t.Exec(`INSERT INTO oauth_refresh_tokens (hash, family, client_id, tenant_id, person_id, scopes, resource, auth_time, expires_at, role_cap)
SELECT $2, family, client_id, tenant_id, person_id, coalesce($3, scopes), resource, auth_time, $4, role_cap FROM oauth_refresh_tokens WHERE hash = $1`,
			Hash(old), Hash(next), scopes, expires)
		return err
	})
	switch {
	case reused:
		return ErrRefreshReused
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("rotate refresh token: %w", err)
	}
	return err
}

// RevokeRefresh revokes the family of the refresh token token (RFC 7009); an unknown
// token is not an error.
func (r *Repo) RevokeRefresh(ctx context.Context, token, clientID string) error {
	return r.st.OnBehalf(ctx, auth.Principal{}, func(t *store.Tx) error {
		var family uuid.UUID
		err := t.QueryRow(`SELECT family FROM oauth_refresh_tokens WHERE hash = $1 AND client_id = $2`, Hash(token), clientID).Scan(&family)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("revoke refresh token: %w", err)
		}
		return revokeFamily(t, family)
	})
}

func revokeFamily(t *store.Tx, family uuid.UUID) error {
	if _, err := t.Exec(`UPDATE oauth_refresh_tokens SET revoked_at = now() WHERE family = $1 AND revoked_at IS NULL`, family); err != nil {
		return fmt.Errorf("revoke family: %w", err)
	}
	return nil
}
