package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/learnd/learnd/auth"
)

// ErrNoPrincipal means a repository was called without a caller in the context: a
// programming error, never a client's.
var ErrNoPrincipal = errors.New("no principal in context")

// Tx is a tenant-scoped transaction: the one way every domain package reaches the
// database. It runs as the row-level-security role with the caller's tenant and
// application set for the policies (InTenant); statements built with Table also carry the
// tenant, application and soft-delete filters, so RLS is the second line of defence if a
// statement ever slips past them.
type Tx struct {
	db *gorm.DB // a dry-run session: builds SQL, runs nothing
	pg pgx.Tx   // where the SQL runs (InTenant, AsOperator)
	// conn is where a Read operation's statements run, each in a pipeline with its scope
	// (read.go); pg is nil then.
	conn *pgx.Conn
	ctx  context.Context
	p    auth.Principal
	s    *Store

	issuer         string     // ReadIssuer's: the identity providers of this issuer are visible
	write          bool       // InTenant's: the first statement begins the transaction (begin.go)
	pending        []queued   // audit rows, sent with the COMMIT (Audit)
	last           *pgx.Batch // the operation's last statements, sent with the COMMIT (SendLast)
	joined         int        // nested InTenant calls running in this transaction now
	ended          bool       // committed or rolled back
	callersChanged bool       // see changesCallers
	dryRun         bool       // InTenant's in a DryRun context: ends with ROLLBACK
}

// txKey carries the open *Tx in its own context, so a nested InTenant joins it.
type txKey struct{}

// txFrom returns the transaction a dry-run statement belongs to (for test hooks).
func txFrom(ctx context.Context) (*Tx, bool) {
	t, ok := ctx.Value(txKey{}).(*Tx)
	return t, ok
}

// InTenant runs fn in one transaction as the row-level-security role with the caller's
// tenant and application set for the policies. Nothing travels until fn's first
// statement: BEGIN, the scope and that statement go together in one pipeline (one round
// trip, begin.go); an operation that sends nothing costs nothing. Transactions compose:
// called with the context of an open Tx of this store (Tx.Ctx), fn joins that transaction
// instead of opening another, so a domain can call another domain's operation inside its
// own write.
func (s *Store) InTenant(ctx context.Context, fn func(t *Tx) error) (err error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ErrNoPrincipal
	}
	if open, ok := ctx.Value(txKey{}).(*Tx); ok && open.s == s && sameScope(open.p, p) {
		open.joined++
		defer func() { open.joined-- }()
		return fn(open)
	}
	if strings.ContainsRune(p.TenantID, 0) || strings.ContainsRune(p.AppID, 0) {
		return errors.New("scope transaction: a NUL byte in the tenant or application id")
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Release()
	t := &Tx{conn: conn.Conn(), p: p, s: s, write: true, dryRun: IsDryRun(ctx)}
	t.ctx = context.WithValue(ctx, txKey{}, t)
	t.db = s.db.Session(&gorm.Session{DryRun: true, NewDB: true, Context: t.ctx})
	defer func() {
		if !t.ended && t.pg != nil { // fn panicked
			_ = t.pg.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = t.end(ctx, fn(t)); err == nil && !t.dryRun {
		s.committed(t)
	}
	return err
}

// surfaceSystem marks audit entries written by operators (the learnd command), not a request.
const surfaceSystem = "system"

// sameScope reports whether two callers see the same rows (a nested call with another
// caller opens a transaction of its own).
func sameScope(a, b auth.Principal) bool {
	return a.TenantID == b.TenantID && a.AppID == b.AppID && a.Subject == b.Subject && a.Role == b.Role
}

// AsOperator runs fn in one transaction as the connecting role (which owns the tables
// and may write tenants) with learnd.tenant_id set to tenant, so the row-level-security
// policies admit exactly that tenant's rows. Audit entries it writes are marked system.
func (s *Store) AsOperator(ctx context.Context, tenant string, fn func(t *Tx) error) error {
	return s.asOwner(ctx, auth.Principal{TenantID: tenant, Surface: surfaceSystem}, fn)
}

// OnBehalf runs fn like AsOperator, as the connecting role, for the tables that belong to
// no tenant (the OAuth authorization server's, store/oauth), with learnd.tenant_id set to
// p's tenant ("" for none). Audit entries it writes name p as the actor, with p's surface.
func (s *Store) OnBehalf(ctx context.Context, p auth.Principal, fn func(t *Tx) error) error {
	if p.Surface == "" {
		p.Surface = surfaceSystem
	}
	return s.asOwner(ctx, p, fn)
}

func (s *Store) asOwner(ctx context.Context, p auth.Principal, fn func(t *Tx) error) error {
	tenant := p.TenantID
	var t *Tx
	err := pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error {
		if _, err := ptx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', '', true)`, tenant); err != nil {
			return fmt.Errorf("scope transaction: %w", err)
		}
		t = &Tx{pg: ptx, p: p, s: s}
		t.ctx = context.WithValue(ctx, txKey{}, t)
		t.db = s.db.Session(&gorm.Session{DryRun: true, NewDB: true, Context: t.ctx})
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
	if err == nil {
		s.committed(t)
	}
	return err
}

// Ctx is the transaction's context: pass it to another domain's operation to run that
// operation inside this transaction.
func (t *Tx) Ctx() context.Context { return t.ctx }

// Caller is the principal the transaction is scoped to.
func (t *Tx) Caller() auth.Principal { return t.p }

// Query runs a statement that returns rows.
func (t *Tx) Query(sql string, args ...any) (pgx.Rows, error) {
	if t.pg == nil {
		if t.write {
			return t.beginWith(sql, args)
		}
		return t.readQuery(sql, args)
	}
	return t.pg.Query(t.ctx, sql, args...)
}

// QueryRow runs a statement that returns at most one row.
func (t *Tx) QueryRow(sql string, args ...any) pgx.Row {
	if t.pg == nil {
		rows, err := t.Query(sql, args...)
		return pipelineRow{rows: rows, err: err}
	}
	return t.pg.QueryRow(t.ctx, sql, args...)
}

// Exec runs a statement that returns no rows.
func (t *Tx) Exec(sql string, args ...any) (pgconn.CommandTag, error) {
	if t.pg == nil {
		return t.firstExec(sql, args)
	}
	return t.pg.Exec(t.ctx, sql, args...)
}

// SendBatch sends queued statements in one round trip (with BEGIN and the scope when they
// are the operation's first; in a Read, with the scope, in one implicit transaction).
func (t *Tx) SendBatch(b *pgx.Batch) pgx.BatchResults {
	if t.pg == nil {
		return t.scopedBatch(b)
	}
	return t.pg.SendBatch(t.ctx, b)
}

// PG is the underlying pgx transaction, for libraries that take one (River's InsertTx);
// nil in a Read operation.
func (t *Tx) PG() pgx.Tx {
	if t.write {
		if err := t.begin(); err != nil {
			return failedTx{err}
		}
	}
	return t.pg
}

// committed drops this process's cached callers of the transaction's tenant when it
// changed who they are (changesCallers); other replicas hear of it from the triggers'
// notification, this one knows before the response leaves.
func (s *Store) committed(t *Tx) {
	if t.callersChanged && s.callers != nil {
		s.callers.forget(t.p.TenantID)
	}
}

// ChangesCallers marks the transaction as changing a user's role or status, an API key's
// liveness or the tenant's licence.
func (t *Tx) ChangesCallers() { t.callersChanged = true }

// Visibility says whether soft-deleted rows are included.
type Visibility int

const (
	LiveOnly Visibility = iota
	WithDeleted
)

// Table is the one way to query a tenant Table: tenant, application and (unless asked)
// soft-delete filters are always applied.
func (t *Tx) Table(name string, v Visibility) *gorm.DB {
	q := t.db.Table(name).Where(name+".tenant_id = ?", t.p.TenantID)
	if t.p.AppID != "" {
		q = q.Where(name+".app_id = ?", t.p.AppID)
	}
	if v == LiveOnly {
		q = q.Where("NOT " + name + ".is_deleted")
	}
	return q
}
