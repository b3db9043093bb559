package people

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// SCIMToken is a token an identity provider provisions the tenant with at /scim/v2,
// without its secret.
type SCIMToken struct {
	ID         uuid.UUID  `gorm:"column:id"`
	Name       string     `gorm:"column:name"`
	Hint       string     `gorm:"column:hint"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	CreatedBy  *uuid.UUID `gorm:"column:created_by"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
	LastUsedAt *time.Time `gorm:"column:last_used_at"`
}

const scimTokenCols = "scim_tokens.id, scim_tokens.name, scim_tokens.hint, scim_tokens.created_at, scim_tokens.created_by, scim_tokens.revoked_at, scim_tokens.last_used_at"

// SCIMTokenPage is one page of SCIM tokens, newest first.
type SCIMTokenPage struct {
	Items []SCIMToken
	Next  *store.TimeCursor
}

// SCIMTokenRepo reads and writes SCIM tokens.
type SCIMTokenRepo struct{ st *store.Store }

// SCIMTokens returns the SCIM token repository.
func (s *Repo) SCIMTokens() *SCIMTokenRepo { return &SCIMTokenRepo{st: s.st} }

// scimTokenAudit is a token as the audit log records it: never the secret or its hash.
type scimTokenAudit struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Hint      string     `json:"hint"`
	RevokedAt *time.Time `json:"revokedAt"`
}

func auditSCIMToken(k *SCIMToken) scimTokenAudit {
	return scimTokenAudit{ID: typeid.Format(typeid.SCIMToken, k.ID), Name: k.Name, Hint: k.Hint, RevokedAt: k.RevokedAt}
}

func scanSCIMToken(rows pgx.Rows, k *SCIMToken) (store.TimeCursor, error) {
	err := rows.Scan(&k.ID, &k.Name, &k.Hint, &k.CreatedAt, &k.CreatedBy, &k.RevokedAt, &k.LastUsedAt)
	return store.TimeCursor{At: k.CreatedAt, ID: k.ID}, err
}

// Create makes a SCIM token and returns it with its secret (shown once; only the SHA-256
// is stored).
func (r *SCIMTokenRepo) Create(ctx context.Context, name string) (*SCIMToken, string, error) {
	secret, hash := store.NewSCIMTokenSecret()
	var k SCIMToken
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		v := &store.ValidationError{}
		name = personName(v, "/name", name)
		if err := v.Err(); err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7())
		err := store.QueryOne(t, `INSERT INTO scim_tokens (tenant_id, id, name, hash, hint, created_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+scimTokenCols,
			[]any{t.Caller().TenantID, id, name, hash, secret[len(secret)-4:], store.Now(), actorID(t)}, &k)
		if err != nil {
			return err
		}
		return t.Audit("scim_token.create", "scim_token", typeid.Format(typeid.SCIMToken, id), nil, auditSCIMToken(&k))
	})
	if err != nil {
		return nil, "", fmt.Errorf("create scim token: %w", err)
	}
	return &k, secret, nil
}

// List returns a page of the tenant's SCIM tokens, newest first, revoked ones included.
func (r *SCIMTokenRepo) List(ctx context.Context, limit int, after *store.TimeCursor) (SCIMTokenPage, error) {
	var page SCIMTokenPage
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		sql := `SELECT ` + scimTokenCols + ` FROM scim_tokens WHERE scim_tokens.tenant_id = learnd_tenant()`
		args := []any{limit + 1}
		if after != nil {
			sql += ` AND (scim_tokens.created_at, scim_tokens.id) < ($2, $3)`
			args = append(args, after.At, after.ID)
		}
		sql += ` ORDER BY scim_tokens.created_at DESC, scim_tokens.id DESC LIMIT $1`
		page.Items, page.Next, err = store.KeysetPage(t, limit, sql, args, scanSCIMToken)
		return err
	})
	if err != nil {
		return SCIMTokenPage{}, fmt.Errorf("list scim tokens: %w", err)
	}
	return page, nil
}

// Revoke ends a SCIM token from the next request (tokens are never cached). Revoking a
// revoked token changes nothing (changed false).
func (r *SCIMTokenRepo) Revoke(ctx context.Context, id uuid.UUID) (*SCIMToken, bool, error) {
	var k *SCIMToken
	changed := false
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var cur, next SCIMToken
		err := store.QueryOne(t, `SELECT `+scimTokenCols+` FROM scim_tokens WHERE scim_tokens.tenant_id = learnd_tenant() AND scim_tokens.id = $1 FOR UPDATE`, []any{id}, &cur)
		if err != nil {
			return err
		}
		if cur.RevokedAt != nil {
			k = &cur
			return nil
		}
		err = store.QueryOne(t, `UPDATE scim_tokens SET revoked_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING `+scimTokenCols, []any{id, store.Now()}, &next)
		if err != nil {
			return err
		}
		k, changed = &next, true
		return t.Audit("scim_token.revoke", "scim_token", typeid.Format(typeid.SCIMToken, id), auditSCIMToken(&cur), auditSCIMToken(&next))
	})
	if err != nil {
		return nil, false, fmt.Errorf("revoke scim token: %w", err)
	}
	return k, changed, nil
}
