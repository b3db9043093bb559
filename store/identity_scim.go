package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SCIMTokenPrefix starts every SCIM token secret ("scim_" and 43 base64url characters).
const SCIMTokenPrefix = "scim_"

// ErrInvalidSCIMToken means a SCIM token is unknown, malformed or revoked.
var ErrInvalidSCIMToken = errors.New("invalid scim token")

// NewSCIMTokenSecret returns a fresh SCIM token secret and the SHA-256 hash that is stored.
func NewSCIMTokenSecret() (secret string, hash []byte) { return newSecret(SCIMTokenPrefix) }

// SCIMCaller is an authenticated SCIM token: the tenant it provisions and the token's id.
type SCIMCaller struct {
	TenantID string
	TokenID  uuid.UUID
}

// AuthenticateSCIMToken finds the live SCIM token with this secret (by its SHA-256,
// compared in constant time). Tokens are not cached: a revoked token is refused from the
// next request. last_used_at is refreshed at most once a minute.
func (s *Store) AuthenticateSCIMToken(ctx context.Context, secret string) (SCIMCaller, error) {
	rest, ok := strings.CutPrefix(secret, SCIMTokenPrefix)
	if !ok || len(rest) != apiKeySecretLen {
		return SCIMCaller{}, ErrInvalidSCIMToken
	}
	if _, err := base64.RawURLEncoding.DecodeString(rest); err != nil {
		return SCIMCaller{}, ErrInvalidSCIMToken
	}
	sum := sha256.Sum256([]byte(secret))
	var (
		c        SCIMCaller
		hash     []byte
		revoked  *time.Time
		lastUsed *time.Time
		found    bool
	)
	err := s.scopedBatch(ctx, "", hex.EncodeToString(sum[:]), func(b *pgx.Batch) {
		b.Queue(`SELECT tenant_id, id, hash, revoked_at, last_used_at FROM scim_tokens WHERE hash = $1`, sum[:]).
			Query(func(rows pgx.Rows) error {
				for rows.Next() {
					found = true
					if err := rows.Scan(&c.TenantID, &c.TokenID, &hash, &revoked, &lastUsed); err != nil {
						return err
					}
				}
				return rows.Err()
			})
	})
	if err != nil {
		return SCIMCaller{}, fmt.Errorf("authenticate scim token: %w", err)
	}
	if !found || subtle.ConstantTimeCompare(hash, sum[:]) != 1 || revoked != nil {
		return SCIMCaller{}, ErrInvalidSCIMToken
	}
	if ts := time.Now(); lastUsed == nil || ts.Sub(*lastUsed) > time.Minute {
		err := s.scopedBatch(ctx, c.TenantID, "", func(b *pgx.Batch) {
			b.Queue(`UPDATE scim_tokens SET last_used_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, c.TokenID, Now())
		})
		if err != nil {
			return SCIMCaller{}, fmt.Errorf("authenticate scim token: %w", err)
		}
	}
	return c, nil
}
