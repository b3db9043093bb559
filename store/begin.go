package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// scopeSQL scopes a transaction: the row-level-security role and the caller's tenant and
// application, until the transaction ends.
const scopeSQL = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', $2, true)`

// beginWith begins InTenant's transaction with its first statement: BEGIN, the scope and
// sql travel as one pipeline (pgx's Batch.BeginTx), so the transaction costs no round trip
// of its own. The rows returned are sql's; reading them to the end (or closing them)
// finishes the pipeline, after which the transaction is used as usual.
func (t *Tx) beginWith(sql string, args []any) (pgx.Rows, error) {
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	b.Queue(scopeSQL, t.p.TenantID, t.p.AppID)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(t.ctx, b)
	t.pg = br.Tx()
	if err := scopeResults(br); err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	return &pipelineRows{Rows: rows, br: br}, nil
}

// begin begins InTenant's transaction on its own when something needs it before any
// statement (a batch, River's InsertTx): one round trip for BEGIN and the scope.
func (t *Tx) begin() error {
	if t.pg != nil {
		return nil
	}
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	b.Queue(scopeSQL, t.p.TenantID, t.p.AppID)
	br := t.conn.SendBatch(t.ctx, b)
	t.pg = br.Tx()
	if err := scopeResults(br); err != nil {
		return err
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return nil
}

// scopeResults reads the results of BEGIN and the scope statement; on failure it closes
// the pipeline.
func scopeResults(br pgx.BatchResults) error {
	for _, what := range []string{"begin", "scope transaction"} {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// failedTx is the pgx.Tx of a transaction that could not begin: every use fails with err.
type failedTx struct{ err error }

var _ pgx.Tx = failedTx{}

func (f failedTx) Begin(context.Context) (pgx.Tx, error) { return nil, f.err }
func (f failedTx) Commit(context.Context) error          { return f.err }
func (f failedTx) Rollback(context.Context) error        { return f.err }
func (f failedTx) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, f.err
}
func (f failedTx) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults { return errBatch(f) }
func (f failedTx) LargeObjects() pgx.LargeObjects                         { return pgx.LargeObjects{} }
func (f failedTx) Prepare(context.Context, string, string) (*pgconn.StatementDescription, error) {
	return nil, f.err
}
func (f failedTx) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, f.err
}
func (f failedTx) Query(context.Context, string, ...any) (pgx.Rows, error) { return nil, f.err }
func (f failedTx) QueryRow(context.Context, string, ...any) pgx.Row        { return pipelineRow{err: f.err} }
func (f failedTx) Conn() *pgx.Conn                                         { return nil }

// scopedBatch sends b as the operation's first statements: after BEGIN and the scope in
// InTenant (the transaction begins with them), after the read-only scope in a Read.
func (t *Tx) scopedBatch(b *pgx.Batch) pgx.BatchResults {
	nb := &pgx.Batch{}
	scope, what := readScopeSQL, "scope read"
	if t.write {
		nb.BeginTx(pgx.TxOptions{})
		scope, what = scopeSQL, "scope transaction"
	}
	nb.Queue(scope, t.p.TenantID, t.p.AppID)
	nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...)
	br := t.conn.SendBatch(t.ctx, nb)
	if t.write {
		t.pg = br.Tx()
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return errBatch{fmt.Errorf("begin: %w", err)}
		}
	}
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return errBatch{fmt.Errorf("%s: %w", what, err)}
	}
	return br
}

// queued is a statement held back to travel with the COMMIT.
type queued struct {
	sql  string
	args []any
}

// errReadOnly means a Read operation tried to write.
var errReadOnly = errors.New("a read-only operation tried to write")

// end finishes InTenant's transaction: with err, it rolls back; otherwise it commits, and
// the operation's last statements (SendLast), the held-back statements (audit rows), the
// COMMIT, and even BEGIN and the scope when nothing was sent before travel together in one
// pipeline.
func (t *Tx) end(ctx context.Context, err error) error {
	defer func() { t.ended = true }()
	if err != nil {
		if t.pg != nil {
			_ = t.pg.Rollback(context.WithoutCancel(ctx))
		}
		return err
	}
	if len(t.pending) == 0 && t.last == nil {
		if t.pg == nil {
			return nil
		}
		if t.dryRun {
			if err := t.pg.Rollback(ctx); err != nil {
				return fmt.Errorf("dry run: roll back: %w", err)
			}
			return nil
		}
		if err := t.pg.Commit(ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	}
	b := &pgx.Batch{}
	if t.pg == nil {
		b.BeginTx(pgx.TxOptions{})
		b.Queue(scopeSQL, t.p.TenantID, t.p.AppID)
	}
	if t.last != nil {
		b.QueuedQueries = append(b.QueuedQueries, t.last.QueuedQueries...)
	}
	for _, q := range t.pending {
		b.Queue(q.sql, q.args...)
	}
	if t.dryRun {
		b.Queue("ROLLBACK")
	} else {
		b.Queue("COMMIT")
	}
	if err := t.conn.SendBatch(ctx, b).Close(); err != nil {
		// A statement failed before the COMMIT ran: the transaction is still open, aborted.
		if !t.conn.IsClosed() && t.conn.PgConn().TxStatus() != 'I' {
			_, _ = t.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			return fmt.Errorf("commit: %w", err)
		}
		var pgErr *pgconn.PgError
		if !t.conn.IsClosed() && !errors.As(err, &pgErr) {
			// The server ran everything, its COMMIT (or a dry run's ROLLBACK) included; a
			// SendLast callback refused what it read (see SendLast: they must not).
			return fmt.Errorf("commit: the transaction ended, but reading a result failed: %w", err)
		}
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// flush sends the held-back statements in the open transaction (AsOperator, which
// commits through pgx).
func (t *Tx) flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, q := range t.pending {
		b.Queue(q.sql, q.args...)
	}
	t.pending = nil
	if err := t.pg.SendBatch(t.ctx, b).Close(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// SendLast sends b, the operation's last statements, with the end of the transaction: b's
// statements, the held-back audit rows and the COMMIT travel in one pipeline (with BEGIN
// and the scope too when nothing went before), and b's callbacks run as their results
// arrive, before InTenant returns. A statement of b that fails (an error of the server's)
// rolls everything back and InTenant returns its error. b's callbacks must fail only
// with the server's errors: the COMMIT has run by the time they read, so a callback that
// refuses a result it read cannot undo the write (InTenant then returns an error saying
// so). Nothing the operation sends after SendLast sees b's effects,
// so it is for a write after which the operation only audits. Where the transaction cannot
// hold b back (a Read, AsOperator, a transaction another operation opened and joined
// into, or a second SendLast), b is sent at once.
func (t *Tx) SendLast(b *pgx.Batch) error {
	if !t.write || t.joined > 0 || t.last != nil || t.ended {
		return t.SendBatch(b).Close()
	}
	t.last = b
	return nil
}
