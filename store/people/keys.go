package people

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// APIKey is a personal API key, without its secret.
type APIKey struct {
	ID         uuid.UUID  `gorm:"column:id"`
	UserID     uuid.UUID  `gorm:"column:user_id"`
	Name       string     `gorm:"column:name"`
	Hint       string     `gorm:"column:hint"`
	Scopes     []string   `gorm:"column:scopes"`
	AppID      *string    `gorm:"column:app_id"`
	ExpiresAt  *time.Time `gorm:"column:expires_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
	LastUsedAt *time.Time `gorm:"column:last_used_at"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	// ReadOnly keys never write: their callers hold the read scope only.
	ReadOnly bool `gorm:"column:read_only"`
	// Pseudonymise keys work only through the MCP endpoint, whose tool results show people
	// under aliases.
	Pseudonymise bool `gorm:"column:pseudonymise"`
	// OwnerRole is the key's user's current role (set by Revoke for its check; not a
	// column).
	OwnerRole auth.Role `db:"-"`
}

const keyCols = "api_keys.id, api_keys.user_id, api_keys.name, api_keys.hint, api_keys.scopes, api_keys.app_id, api_keys.expires_at, api_keys.revoked_at, api_keys.last_used_at, api_keys.created_at, api_keys.read_only, api_keys.pseudonymise"

// NewAPIKey is what creating a key takes; Scopes default to [read]. A ReadOnly key has
// the read scope only; a Pseudonymise key works only through the MCP endpoint. Both are
// fixed for the key's life.
type NewAPIKey struct {
	Name         string
	Scopes       []string
	AppID        *string
	ExpiresAt    *time.Time
	ReadOnly     bool
	Pseudonymise bool
}

// KeyPage is one page of keys.
type KeyPage struct {
	Items []APIKey
	Next  *store.TimeCursor // newest first
}

// KeyCheck vets a stored key before it is revoked (who may revoke it).
type KeyCheck func(k *APIKey) error

// KeyRepo reads and writes API keys.
type KeyRepo struct{ st *store.Store }

// Keys returns the API key repository.
func (s *Repo) Keys() *KeyRepo { return &KeyRepo{st: s.st} }

// keyAudit is a key as the audit log records it: never the secret or its hash.
type keyAudit struct {
	ID        string     `json:"id"`
	UserID    string     `json:"userId"`
	Name      string     `json:"name"`
	Hint      string     `json:"hint"`
	Scopes    []string   `json:"scopes"`
	AppID     *string    `json:"appId"`
	ExpiresAt *time.Time `json:"expiresAt"`
	RevokedAt *time.Time `json:"revokedAt"`
	ReadOnly  bool       `json:"readOnly"`
	Pseudo    bool       `json:"pseudonymise"`
}

func auditKey(k *APIKey) keyAudit {
	return keyAudit{ID: typeid.Format(typeid.APIKey, k.ID), UserID: typeid.Format(typeid.Person, k.UserID), Name: k.Name,
		Hint: k.Hint, Scopes: k.Scopes, AppID: k.AppID, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt,
		ReadOnly: k.ReadOnly, Pseudo: k.Pseudonymise}
}

// keyScopes validates and orders requested scopes (read before write, no repeats).
func keyScopes(v *store.ValidationError, in []string) []string {
	if len(in) == 0 {
		return []string{auth.ScopeRead}
	}
	var read, write bool
	for i, s := range in {
		switch s {
		case auth.ScopeRead:
			read = true
		case auth.ScopeWrite:
			write = true
		default:
			v.Add("/scopes/"+strconv.Itoa(i), "must be read or write")
		}
	}
	var out []string
	if read {
		out = append(out, auth.ScopeRead)
	}
	if write {
		out = append(out, auth.ScopeWrite)
	}
	return out
}

func validAppID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Create makes a key for user and returns it with its secret (shown once; only the
// SHA-256 is stored).
func (r *KeyRepo) Create(ctx context.Context, user uuid.UUID, in NewAPIKey) (*APIKey, string, error) {
	var k *APIKey
	secret, hash := store.NewAPIKeySecret()
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		v := &store.ValidationError{}
		in.Name = personName(v, "/name", in.Name)
		in.Scopes = keyScopes(v, in.Scopes)
		if in.ReadOnly && slices.Contains(in.Scopes, auth.ScopeWrite) {
			v.Add("/scopes", "a read-only key has the read scope only")
		}
		if in.AppID != nil && !validAppID(*in.AppID) {
			v.Add("/appId", "must be 1 to 128 visible ASCII characters")
		}
		if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
			v.Add("/expiresAt", "must be in the future")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var expires *time.Time
		if in.ExpiresAt != nil {
			e := in.ExpiresAt.UTC().Truncate(time.Microsecond)
			expires = &e
		}
		id := uuid.Must(uuid.NewV7())
		var row APIKey
		err := store.QueryOne(t, `INSERT INTO api_keys (tenant_id, id, user_id, name, hash, hint, scopes, app_id, expires_at, created_at, read_only, pseudonymise)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+keyCols,
			[]any{t.Caller().TenantID, id, user, in.Name, hash, secret[len(secret)-4:], in.Scopes, in.AppID, expires, store.Now(), in.ReadOnly, in.Pseudonymise}, &row)
		if err != nil {
			return err
		}
		k = &row
		return t.Audit("api_key.create", "api_key", typeid.Format(typeid.APIKey, id), nil, auditKey(k))
	})
	if err != nil {
		return nil, "", fmt.Errorf("create api key: %w", err)
	}
	return k, secret, nil
}

func getKey(t *store.Tx, id uuid.UUID, lock bool) (*APIKey, error) {
	sql := `SELECT ` + keyCols + ` FROM api_keys WHERE api_keys.tenant_id = learnd_tenant() AND api_keys.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var k APIKey
	if err := store.QueryOne(t, sql, []any{id}, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// List returns a page of user's keys, newest first, revoked and expired ones included.
func (r *KeyRepo) List(ctx context.Context, user uuid.UUID, limit int, after *store.TimeCursor) (KeyPage, error) {
	var page KeyPage
	err := r.st.Read(ctx, func(t *store.Tx) error {
		sql := `SELECT ` + keyCols + ` FROM api_keys WHERE api_keys.tenant_id = learnd_tenant() AND api_keys.user_id = $1`
		args := []any{user, limit + 1}
		if after != nil {
			sql += ` AND (api_keys.created_at, api_keys.id) < ($3, $4)`
			args = append(args, after.At, after.ID)
		}
		sql += ` ORDER BY api_keys.created_at DESC, api_keys.id DESC LIMIT $2`
		var err error
		page.Items, page.Next, err = store.KeysetPage(t, limit, sql, args, func(rows pgx.Rows, k *APIKey) (_ store.TimeCursor, err error) {
			*k, err = pgx.RowToStructByPos[APIKey](rows) // keyCols is in field order
			return store.TimeCursor{At: k.CreatedAt, ID: k.ID}, err
		})
		return err
	})
	if err != nil {
		return KeyPage{}, fmt.Errorf("list api keys: %w", err)
	}
	return page, nil
}

// Revoke ends a key (and every token exchanged for it) from the next request. check
// decides whether the caller may; revoking a revoked key changes nothing (changed false).
func (r *KeyRepo) Revoke(ctx context.Context, id uuid.UUID, check KeyCheck) (*APIKey, bool, error) {
	var k *APIKey
	changed := false
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getKey(t, id, true)
		if err != nil {
			return err
		}
		var role string
		if err := t.QueryRow(`SELECT role FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, cur.UserID).Scan(&role); err != nil {
			return err
		}
		cur.OwnerRole = auth.Role(role)
		if check != nil {
			if err := check(cur); err != nil {
				return err
			}
		}
		if cur.RevokedAt != nil {
			k = cur
			return nil
		}
		t.ChangesCallers()
		if _, err := t.Exec(`UPDATE api_keys SET revoked_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, id, store.Now()); err != nil {
			return err
		}
		if k, err = getKey(t, id, false); err != nil {
			return err
		}
		changed = true
		return t.Audit("api_key.revoke", "api_key", typeid.Format(typeid.APIKey, id), auditKey(cur), auditKey(k))
	})
	if err != nil {
		return nil, false, fmt.Errorf("revoke api key: %w", err)
	}
	return k, changed, nil
}
