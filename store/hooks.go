package store

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"gorm.io/gorm"
)

// OnBuild registers fn to see every query statement the store's SQL builder builds (after
// GORM's own query callback), with the statement's context; TxOf finds the Tx the
// statement runs in. Tests use it to EXPLAIN list queries where they run.
func (s *Store) OnBuild(name string, fn func(*gorm.DB)) error {
	if err := s.db.Callback().Query().After("gorm:query").Register(name, fn); err != nil {
		return fmt.Errorf("on build: %w", err)
	}
	return nil
}

// TxOf returns the Tx a built statement's context belongs to.
func TxOf(ctx context.Context) (*Tx, bool) { return txFrom(ctx) }

// BuilderTx is a Tx over a dry-run GORM session that builds statements for p and runs
// nothing: tests compare what Table builds with prebuilt SQL.
func BuilderTx(db *gorm.DB, p auth.Principal) *Tx {
	return &Tx{db: db.Session(&gorm.Session{DryRun: true, NewDB: true}), p: p}
}
