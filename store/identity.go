package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/typeid"
)

// API key secrets: wire.APIKeyPrefix and 43 base64url characters (32 random bytes).
const apiKeySecretLen = 43

// ErrInvalidKey means an API key is unknown, malformed, expired or revoked.
var ErrInvalidKey = errors.New("invalid api key")

// ErrBanned means the person is a banned user of the tenant.
var ErrBanned = errors.New("user is banned")

// NewAPIKeySecret returns a fresh key secret and the SHA-256 hash that is stored.
func NewAPIKeySecret() (secret string, hash []byte) { return newSecret(wire.APIKeyPrefix) }

// newSecret is prefix and 43 base64url characters (32 random bytes), with the SHA-256 of
// the whole that is stored: API keys' and SCIM tokens' secrets.
func newSecret(prefix string) (secret string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("new secret: %w", err)) // crypto/rand never fails on supported platforms
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	h := sha256.Sum256([]byte(secret))
	return secret, h[:]
}

// LooksLikeAPIKey reports whether s has the shape of a key secret.
func LooksLikeAPIKey(s string) bool {
	if len(s) != len(wire.APIKeyPrefix)+apiKeySecretLen || !strings.HasPrefix(s, wire.APIKeyPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(wire.APIKeyPrefix):])
	return err == nil
}

func ParseKeyID(s string) (uuid.UUID, error) { return typeid.Parse(typeid.APIKey, s) }

// Caller is what the database says about an authenticated person of a tenant.
type Caller struct {
	Tenant  bool      // the tenant exists
	Known   bool      // a user row exists
	Role    auth.Role // the user's role (when Known)
	Banned  bool
	Licence auth.Licence
	KeyLive bool // the API key a token was exchanged for is neither revoked nor expired
	// The options of that key (people.NewAPIKey): a read-only key's callers hold no write
	// scope; a pseudonymise key's work only through the MCP endpoint.
	KeyReadOnly, KeyPseudonymise bool
}

// Apply sets the key options of c on p: a read-only key loses the write scope (and the
// ai scope, which acts too); a pseudonymise key marks p Pseudonymised.
func (c Caller) Apply(p auth.Principal) auth.Principal {
	if c.KeyReadOnly {
		p.Scopes = slices.DeleteFunc(slices.Clone(p.Scopes), func(s string) bool { return s != auth.ScopeRead })
	}
	p.Pseudonymised = p.Pseudonymised || c.KeyPseudonymise
	return p
}

// Refusal says why a token of this caller is not trusted, "" when it is (tenant-bound
// trust): its tenant must exist and its person be a user of it who is not banned.
func (c Caller) Refusal() string {
	switch {
	case !c.Tenant:
		return "the token's tenant does not exist"
	case !c.Known:
		return "the token's subject is not a user of its tenant"
	case c.Banned:
		return "this user is banned"
	}
	return ""
}

// RoleFor is the role a token claiming claimed acts with: never above the role the user
// holds now, nor above limit when one is set (an identity provider's mapped role, an
// OAuth grant's).
func (c Caller) RoleFor(claimed, limit auth.Role) auth.Role {
	r := claimed
	if !c.Role.AtLeast(r) {
		r = c.Role
	}
	if limit != "" && !limit.AtLeast(r) {
		r = limit
	}
	return r
}

// scopedBatch runs the queries of b after switching to the row-level-security role with
// tenant (and optionally extra settings) in one round trip: the statements of one batch
// form one implicit transaction, so the local settings hold for all of them.
func (s *Store) scopedBatch(ctx context.Context, tenant string, keyHash string, queue func(b *pgx.Batch)) error {
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', '', true), set_config('learnd.key_hash', $2, true)`, tenant, keyHash)
	queue(b)
	return s.pool.SendBatch(ctx, b).Close()
}

const callerSQL = `SELECT u.role, u.status, t.tier, t.mcp_access, t.mcp_ai_access
FROM (SELECT 1) one
LEFT JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = $1
LEFT JOIN tenants t ON t.id = learnd_tenant()`

func scanCaller(row pgx.Row, c *Caller) error {
	var role, status, tier, mcp *string
	var ai *bool
	if err := row.Scan(&role, &status, &tier, &mcp, &ai); err != nil {
		return err
	}
	c.Licence = auth.Licence{Tier: auth.TierStarter, MCPAccess: auth.MCPNone}
	if tier != nil {
		c.Tenant = true
		c.Licence = auth.Licence{Tier: *tier, MCPAccess: *mcp, MCPAIAccess: *ai}
	}
	if role != nil {
		c.Known, c.Role, c.Banned = true, auth.Role(*role), *status == "banned"
	}
	return nil
}

// ResolveCaller looks up the person behind a verified token: their role and status when
// they are a user of the tenant, and the tenant's licence; with keyID (a token exchanged
// for an API key), whether that key is still live. From the process's caller cache when
// it holds the answer (callers.go), else one round trip.
func (s *Store) ResolveCaller(ctx context.Context, tenant string, person uuid.UUID, keyID string) (Caller, error) {
	k := callerKey{tenant: tenant, person: person, key: keyID}
	now := time.Now()
	var epoch uint64
	if s.callers != nil {
		if c, ok := s.callers.get(k, now); ok {
			return c, nil
		}
		epoch = s.callers.snapshot()
	}
	var c Caller
	var kid uuid.UUID
	if keyID != "" {
		var err error
		if kid, err = ParseKeyID(keyID); err != nil {
			return c, nil
		}
	}
	var (
		keyFound, keyRevoked bool
		keyExp               *time.Time
	)
	err := s.scopedBatch(ctx, tenant, "", func(b *pgx.Batch) {
		b.Queue(callerSQL, person).QueryRow(func(row pgx.Row) error { return scanCaller(row, &c) })
		if keyID != "" {
			b.Queue(`SELECT revoked_at IS NOT NULL, expires_at, read_only, pseudonymise FROM api_keys WHERE tenant_id = learnd_tenant() AND id = $1 AND user_id = $2`, kid, person).
				Query(func(rows pgx.Rows) error {
					for rows.Next() {
						keyFound = true
						if err := rows.Scan(&keyRevoked, &keyExp, &c.KeyReadOnly, &c.KeyPseudonymise); err != nil {
							return err
						}
					}
					return rows.Err()
				})
		}
	})
	if err != nil {
		return Caller{}, fmt.Errorf("resolve caller: %w", err)
	}
	c.KeyLive = keyFound && !keyRevoked && (keyExp == nil || now.Before(*keyExp))
	if s.callers != nil {
		s.callers.put(k, callerEntry{c: c, keyExp: keyExp, fetched: now}, epoch)
	}
	return c, nil
}

// KeyCaller is an authenticated API key: the principal it acts as and its user's state.
type KeyCaller struct {
	Principal auth.Principal
	Caller    Caller
}

type keyRow struct {
	tenant   string
	id, user uuid.UUID
	hash     []byte
	scopes   []string
	app      *string
	expires  *time.Time
	revoked  *time.Time
	lastUsed *time.Time
	readOnly bool
	pseudo   bool
}

// AuthenticateKey finds the key with this secret (by its SHA-256, compared in constant
// time), checks it is live, and returns the principal it acts as: its user with the
// user's current role, the key's scopes and application. last_used_at is refreshed at
// most once a minute.
func (s *Store) AuthenticateKey(ctx context.Context, secret string) (KeyCaller, error) {
	if !LooksLikeAPIKey(secret) {
		return KeyCaller{}, ErrInvalidKey
	}
	sum := sha256.Sum256([]byte(secret))
	var k keyRow
	found := false
	err := s.scopedBatch(ctx, "", hex.EncodeToString(sum[:]), func(b *pgx.Batch) {
		b.Queue(`SELECT tenant_id, id, user_id, hash, scopes, app_id, expires_at, revoked_at, last_used_at, read_only, pseudonymise FROM api_keys WHERE hash = $1`, sum[:]).
			Query(func(rows pgx.Rows) error {
				for rows.Next() {
					found = true
					if err := rows.Scan(&k.tenant, &k.id, &k.user, &k.hash, &k.scopes, &k.app, &k.expires, &k.revoked, &k.lastUsed, &k.readOnly, &k.pseudo); err != nil {
						return err
					}
				}
				return rows.Err()
			})
	})
	if err != nil {
		return KeyCaller{}, fmt.Errorf("authenticate key: %w", err)
	}
	ts := time.Now()
	if !found || subtle.ConstantTimeCompare(k.hash, sum[:]) != 1 || k.revoked != nil || (k.expires != nil && !ts.Before(*k.expires)) {
		return KeyCaller{}, ErrInvalidKey
	}
	var c Caller
	err = s.scopedBatch(ctx, k.tenant, "", func(b *pgx.Batch) {
		b.Queue(callerSQL, k.user).QueryRow(func(row pgx.Row) error { return scanCaller(row, &c) })
		if k.lastUsed == nil || ts.Sub(*k.lastUsed) > time.Minute {
			b.Queue(`UPDATE api_keys SET last_used_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, k.id, Now())
		}
	})
	if err != nil {
		return KeyCaller{}, fmt.Errorf("authenticate key: %w", err)
	}
	if !c.Known || !c.Tenant {
		return KeyCaller{}, ErrInvalidKey
	}
	c.KeyReadOnly, c.KeyPseudonymise = k.readOnly, k.pseudo
	p := auth.Principal{
		TenantID: k.tenant, Subject: typeid.Format(typeid.Person, k.user), PersonID: k.user,
		Role: c.Role, Scopes: k.scopes, KeyID: typeid.Format(typeid.APIKey, k.id),
		Surface: auth.SurfaceAPI, Licence: c.Licence, Known: true,
	}
	if k.app != nil {
		p.AppID = *k.app
	}
	p = c.Apply(p)
	if c.Banned {
		return KeyCaller{Principal: p, Caller: c}, ErrBanned
	}
	return KeyCaller{Principal: p, Caller: c}, nil
}

// CallerIn reads person's role, status and the tenant's licence in t, as ResolveCaller
// does for a request.
func CallerIn(t *Tx, person uuid.UUID) (Caller, error) {
	var c Caller
	if err := scanCaller(t.QueryRow(callerSQL, person), &c); err != nil {
		return Caller{}, err
	}
	return c, nil
}
