// Package store is learnd's persistence layer: GORM repositories over PostgreSQL, the
// embedded SQL migrations, the record envelope, and tenant scoping. Callers never see a
// *gorm.DB: every repository call runs in one transaction that switches to the
// row-level-security role and stamps the caller's tenant (see scope.go).
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options tune the connection pool.
type Options struct {
	MaxOpenConns int           // default 20
	ConnMaxLife  time.Duration // default 30m
	// NoCallerCache resolves every caller from the database (callers.go); migrations and
	// one-shot commands set it, servers leave it off.
	NoCallerCache bool
}

// Store is the handle on the database and its repositories.
type Store struct {
	db    *gorm.DB      // builds SQL; runs only migrations and maintenance statements
	sqlDB *sql.DB       // database/sql view of pool, for goose and GORM
	pool  *pgxpool.Pool // runs every tenant transaction

	Idempotency *IdempotencyRepo

	jobs    JobQueue     // SetJobQueue
	users   UserHook     // SetUserHook
	callers *callerCache // nil with Options.NoCallerCache
}

// Open connects to PostgreSQL at dsn (a postgres:// URL or key=value string). One pgx pool
// carries everything: tenant transactions run on it directly, and GORM (which builds the
// repositories' SQL) and goose (migrations) see it through database/sql.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = 20
	}
	if o.ConnMaxLife == 0 {
		o.ConnMaxLife = 30 * time.Minute
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pc.MaxConns = int32(o.MaxOpenConns)
	// The scope of a tenant transaction is sent as literals (scope.go): make sure a
	// backslash in them is just a backslash, whatever the server's default.
	pc.ConnConfig.RuntimeParams["standard_conforming_strings"] = "on"
	pc.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		registerTypes(c)
		return nil
	}
	pc.MaxConnLifetime = o.ConnMaxLife
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	gdb.ClauseBuilders["LIMIT"] = literalLimit
	s := &Store{db: gdb, sqlDB: sqlDB, pool: pool}
	s.Idempotency = &IdempotencyRepo{s: s}
	if !o.NoCallerCache {
		s.startCallerCache(slog.Default())
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.stopCallerCache()
	err := s.sqlDB.Close()
	s.pool.Close()
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// PoolStats reports the connection pool's state (for metrics).
func (s *Store) PoolStats() *pgxpool.Stat { return s.pool.Stat() }
