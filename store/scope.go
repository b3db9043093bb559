package store

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/learnd/learnd/auth"
)

// ErrNoPrincipal means a repository was called without a caller in the context: a
// programming error, never a client's.
var ErrNoPrincipal = errors.New("no principal in context")

// tx is a tenant-scoped transaction. Repositories build statements only through table(),
// which adds the tenant, application and soft-delete filters, and run them with query and
// exec; row-level security (switched on by inTenant) is the second line of defence if a
// statement ever slips past the filters.
type tx struct {
	db  *gorm.DB // a dry-run session: builds SQL, runs nothing
	pg  pgx.Tx   // where the SQL runs
	ctx context.Context
	p   auth.Principal
	s   *Store

	callersChanged bool // see changesCallers
}

type pgTxKey struct{}

// txFrom returns the pgx transaction a dry-run statement belongs to (for test hooks).
func txFrom(ctx context.Context) (pgx.Tx, bool) {
	t, ok := ctx.Value(pgTxKey{}).(pgx.Tx)
	return t, ok
}

// inTenant runs fn in one transaction as the row-level-security role with the caller's
// tenant and application set for the policies.
func (s *Store) inTenant(ctx context.Context, fn func(t *tx) error) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ErrNoPrincipal
	}
	begin, err := scopedBegin(p)
	if err != nil {
		return err
	}
	var t *tx
	err = pgx.BeginTxFunc(ctx, s.pool, begin, func(ptx pgx.Tx) error {
		g := s.db.Session(&gorm.Session{DryRun: true, NewDB: true, Context: context.WithValue(ctx, pgTxKey{}, ptx)})
		t = &tx{db: g, pg: ptx, ctx: ctx, p: p, s: s}
		return fn(t)
	})
	s.committed(t, err)
	return err
}

// committed drops this process's cached callers of the transaction's tenant when it
// changed who they are (changesCallers); other replicas hear of it from the triggers'
// notification, this one knows before the response leaves.
func (s *Store) committed(t *tx, err error) {
	if err == nil && t != nil && t.callersChanged && s.callers != nil {
		s.callers.forget(t.p.TenantID)
	}
}

// changesCallers marks the transaction as changing a user's role or status, an API key's
// liveness or the tenant's licence.
func (t *tx) changesCallers() { t.callersChanged = true }

// scopedBegin opens the transaction and sets the scope in ONE round trip: BEGIN and the
// scope statement travel together as one simple-protocol query (which takes no
// parameters, so the tenant and application are written as literals; connections run
// with standard_conforming_strings on, so doubling quotes is the whole escape).
func scopedBegin(p auth.Principal) (pgx.TxOptions, error) {
	if strings.ContainsRune(p.TenantID, 0) || strings.ContainsRune(p.AppID, 0) {
		return pgx.TxOptions{}, errors.New("scope transaction: a NUL byte in the tenant or application id")
	}
	return pgx.TxOptions{BeginQuery: "BEGIN; SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', " +
		sqlLiteral(p.TenantID) + ", true), set_config('learnd.app_id', " + sqlLiteral(p.AppID) + ", true)"}, nil
}

// sqlLiteral quotes s as a standard SQL string literal.
func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

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
