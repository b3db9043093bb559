package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/jackc/pgx/v5"
)

// CountVisibleKeys counts the api_keys rows a transaction with no tenant sees when it
// presents secret's hash (the key-lookup policy).
func CountVisibleKeys(ctx context.Context, s *Store, secret string) (int, error) {
	hash := ""
	if secret != "" {
		sum := sha256.Sum256([]byte(secret))
		hash = hex.EncodeToString(sum[:])
	}
	n := 0
	err := s.scopedBatch(ctx, "", hash, func(b *pgx.Batch) {
		b.Queue(`SELECT count(*) FROM api_keys`).QueryRow(func(r pgx.Row) error { return r.Scan(&n) })
	})
	return n, err
}

// RegisterTypes is registerTypes, for a test's own connection.
func RegisterTypes(c *pgx.Conn) { registerTypes(c) }
