package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/auth"
	"gorm.io/gorm"
)

// OnBuild registers fn to see every query statement the store's SQL builder builds (after
// GORM's own query callback), with the statement's context; PGTx finds the transaction the
// statement runs in. Tests use it to EXPLAIN list queries where they run.
func (s *Store) OnBuild(name string, fn func(*gorm.DB)) error {
	if err := s.db.Callback().Query().After("gorm:query").Register(name, fn); err != nil {
		return fmt.Errorf("on build: %w", err)
	}
	return nil
}

// PGTx returns the pgx transaction a built statement's context belongs to.
func PGTx(ctx context.Context) (pgx.Tx, bool) { return txFrom(ctx) }

// BuilderTx is a Tx over a dry-run GORM session that builds statements for p and runs
// nothing: tests compare what Table builds with prebuilt SQL.
func BuilderTx(db *gorm.DB, p auth.Principal) *Tx {
	return &Tx{db: db.Session(&gorm.Session{DryRun: true, NewDB: true}), p: p}
}
