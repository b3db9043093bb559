package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/learnd/learnd/auth"
)

// ErrNoPrincipal means a repository was called without a caller in the context: a
// programming error, never a client's.
var ErrNoPrincipal = errors.New("no principal in context")

// tx is a tenant-scoped transaction. Repositories reach tables only through table(), which
// adds the tenant, application and soft-delete filters; row-level security (switched on by
// inTenant) is the second line of defence if a query ever slips past it.
type tx struct {
	db *gorm.DB
	p  auth.Principal
}

// inTenant runs fn in one transaction as the row-level-security role with the caller's
// tenant and application set for the policies.
func (s *Store) inTenant(ctx context.Context, fn func(t *tx) error) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ErrNoPrincipal
	}
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		if err := g.Exec(`SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', ?, true), set_config('learnd.app_id', ?, true)`,
			p.TenantID, p.AppID).Error; err != nil {
			return fmt.Errorf("scope transaction: %w", err)
		}
		return fn(&tx{db: g, p: p})
	})
}

// visibility says whether soft-deleted rows are included.
type visibility int

const (
	liveOnly visibility = iota
	withDeleted
)

// table is the one way to query a tenant table: tenant, application and (unless asked)
// soft-delete filters are always applied.
func (t *tx) table(name string, v visibility) *gorm.DB {
	q := t.db.Table(name).Where(name+".tenant_id = ?", t.p.TenantID)
	if t.p.AppID != "" {
		q = q.Where(name+".app_id = ?", t.p.AppID)
	}
	if v == liveOnly {
		q = q.Where("NOT " + name + ".is_deleted")
	}
	return q
}
