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

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options tune the connection pool.
type Options struct {
	MaxOpenConns int           // default 20
	MaxIdleConns int           // default MaxOpenConns
	ConnMaxLife  time.Duration // default 30m
	Logger       *slog.Logger
}

// Store is the handle on the database and its repositories.
type Store struct {
	db    *gorm.DB
	sqlDB *sql.DB

	Cohorts     *CohortRepo
	Assessments *AssessmentRepo
	Idempotency *IdempotencyRepo
}

// Open connects to PostgreSQL at dsn (a postgres:// URL or key=value string).
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = 20
	}
	if o.MaxIdleConns == 0 {
		o.MaxIdleConns = o.MaxOpenConns
	}
	if o.ConnMaxLife == 0 {
		o.ConnMaxLife = 30 * time.Minute
	}
	gdb, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	sqlDB.SetMaxIdleConns(o.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(o.ConnMaxLife)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	s := &Store{db: gdb, sqlDB: sqlDB}
	s.Cohorts = &CohortRepo{repo: newRepo[Cohort](s, cohortTable)}
	s.Assessments = &AssessmentRepo{repo: newRepo[Assessment](s, assessmentTable)}
	s.Idempotency = &IdempotencyRepo{s: s}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error { return s.sqlDB.Close() }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Stats exposes the pool statistics (for metrics).
func (s *Store) Stats() sql.DBStats { return s.sqlDB.Stats() }

// DB exposes the *sql.DB for pool metrics only.
func (s *Store) DB() *sql.DB { return s.sqlDB }
