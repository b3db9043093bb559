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

// readScopeSQL scopes one implicit transaction: the row-level-security role, the caller's
// tenant and application, and read-only (a write in it fails).
const readScopeSQL = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', $2, true), set_config('transaction_read_only', 'on', true)`

// Read runs fn, an operation that only reads, with every statement sent together with its
// scope in ONE round trip: the scope statement and the query travel as one pipeline and run
// in one implicit transaction (read-only, as the row-level-security role with the caller's
// tenant and application), which ends when the query's results are read. No BEGIN and no
// COMMIT travel. Each statement sees the data committed when it starts, as in a READ
// COMMITTED transaction; an operation that needs one snapshot across statements, or
// writes, uses InTenant. Called with the context of an open Tx, fn joins it.
func (s *Store) Read(ctx context.Context, fn func(t *Tx) error) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return ErrNoPrincipal
	}
	if open, ok := ctx.Value(txKey{}).(*Tx); ok && open.s == s && sameScope(open.p, p) {
		return fn(open)
	}
	if strings.ContainsRune(p.TenantID, 0) || strings.ContainsRune(p.AppID, 0) {
		return errors.New("scope read: a NUL byte in the tenant or application id")
	}
	return s.readAs(ctx, p, "", fn)
}

// readAs runs fn as a Read operation of p on a connection of the pool; with issuer, the
// statements travel with ReadIssuer's scope instead of p's.
func (s *Store) readAs(ctx context.Context, p auth.Principal, issuer string, fn func(t *Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	defer conn.Release()
	t := &Tx{conn: conn.Conn(), p: p, s: s, issuer: issuer}
	t.ctx = context.WithValue(ctx, txKey{}, t)
	t.db = s.db.Session(&gorm.Session{DryRun: true, NewDB: true, Context: t.ctx})
	return fn(t)
}

// issuerScopeSQL scopes a ReadIssuer statement: no tenant, the providers of one issuer.
const issuerScopeSQL = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', '', true), set_config('learnd.app_id', '', true), set_config('learnd.idp_issuer', $1, true), set_config('transaction_read_only', 'on', true)`

// ReadIssuer runs fn, which only reads, where no tenant is known yet but the issuer of a
// token is: the row-level-security policies show it the identity providers registered
// for issuer, of any tenant, and nothing else of any tenant. It is how an incoming token
// of a tenant's own identity provider finds its tenant; each statement travels with its
// scope as in Read.
func (s *Store) ReadIssuer(ctx context.Context, issuer string, fn func(t *Tx) error) error {
	if issuer == "" || strings.ContainsRune(issuer, 0) {
		return errors.New("read issuer: an empty issuer or a NUL byte in it")
	}
	return s.readAs(ctx, auth.Principal{Surface: surfaceSystem}, issuer, fn)
}

// readQuery sends the scope and sql in one pipeline and returns sql's rows; closing them
// (or reading them to the end) finishes the pipeline and its implicit transaction.
func (t *Tx) readQuery(sql string, args []any) (pgx.Rows, error) {
	b := &pgx.Batch{}
	if t.issuer != "" {
		b.Queue(issuerScopeSQL, t.issuer)
	} else {
		b.Queue(readScopeSQL, t.p.TenantID, t.p.AppID)
	}
	b.Queue(sql, args...)
	br := t.conn.SendBatch(t.ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, fmt.Errorf("scope read: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	return &pipelineRows{Rows: rows, br: br}, nil
}

// pipelineRows are a pipeline's last result: closing them closes the pipeline.
type pipelineRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *pipelineRows) Next() bool {
	if r.br == nil {
		return false
	}
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *pipelineRows) Close() {
	if r.br == nil {
		return
	}
	r.Rows.Close()
	r.err = r.Rows.Err()
	if err := r.br.Close(); err != nil && r.err == nil {
		r.err = err
	}
	r.br = nil
}

func (r *pipelineRows) Err() error {
	if r.br != nil {
		return r.Rows.Err()
	}
	return r.err
}

// pipelineRow is QueryRow over pipelineRows.
type pipelineRow struct {
	rows pgx.Rows
	err  error
}

func (r pipelineRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// firstExec runs a statement that returns no rows as the first of the operation: in a
// Read, in its own scoped read-only pipeline; in InTenant, the one that begins.
func (t *Tx) firstExec(sql string, args []any) (pgconn.CommandTag, error) {
	rows, err := t.Query(sql, args...)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	rows.Close()
	return rows.CommandTag(), rows.Err()
}

// errBatch answers every result of a batch that could not be sent with err.
type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return pipelineRow{err: b.err} }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }
