package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies every pending migration and returns the versions of learnd's own
// migrations it applied. The job queue's tables (riverqueue/river, versioned by river
// itself) are migrated first, so learnd's migrations can grant on them.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	if err := s.migrateRiver(ctx); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.sqlDB, sub)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// migrateRiver brings the job queue's schema (river_job, river_leader, river_queue, …)
// up to the version the linked river release expects.
func (s *Store) migrateRiver(ctx context.Context) error {
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// Migrations exposes every migration Migrate applies, for test templates that are keyed
// by their content: learnd's embedded files, plus river's under river/ (so upgrading river
// rebuilds the templates too).
func Migrations() fs.FS {
	out := fstest.MapFS{}
	sub, _ := fs.Sub(migrations, "migrations")
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if m, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}); err == nil {
		for _, v := range m.AllVersions() {
			out[fmt.Sprintf("river/%03d_%s.sql", v.Version, v.Name)] = &fstest.MapFile{Data: []byte(v.SQLUp)}
		}
	}
	return out
}
