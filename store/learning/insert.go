package learning

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// A create is one statement, sent with the COMMIT (and, as the operation's first, with
// BEGIN and the scope): the INSERT, kept from happening by its WHERE when a reference is
// missing (refsCond); the row's read-time fields joined to what it returns (readJoin);
// and its audit row, written from what the INSERT returned (AuditFrom), so nothing is
// written, audit included, when the INSERT is not. Only then does a second statement,
// after the COMMIT, say which reference is missing (refs).

// errRefGone: the write found a reference missing, and the check run afterwards found
// every one (committed between the two). Nothing was written; Create writes it again.
var errRefGone = errors.New("a record this one refers to changed while it was written; try again")

// insertLast queues v's INSERT as the transaction's last statement (store.Tx.SendLast).
// wrote reports, once the transaction has ended, whether the row was written (false: a
// reference was missing); v is then the stored row, with its read-time fields.
func (r repo[T, P]) insertLast(t *store.Tx, v *T, wrote *bool) error {
	var verr store.ValidationError
	args := store.Args(bindArgs(reflect.ValueOf(v).Elem(), r.write.insertCols))
	var sb strings.Builder
	sb.WriteString(`WITH w AS (`)
	sb.WriteString(r.write.insertSelect)
	if r.spec.refsCond != nil {
		if cond := r.spec.refsCond(v, &args, &verr); cond != "" {
			sb.WriteString(` WHERE `)
			sb.WriteString(cond)
		}
		if err := verr.Err(); err != nil {
			return err
		}
	}
	sb.WriteString(` RETURNING *)`)
	from := "w"
	var afterSQL func(string) string
	if j := r.spec.readJoin; j != nil {
		from = "j"
		sb.WriteString(`, j AS (SELECT w.*, ` + strings.Join(j.cols, ", ") + ` FROM w ` +
			strings.NewReplacer("{at}", args.Add(store.Now()), "{t}", "w").Replace(j.join) + `)`)
		if j.audit != "" {
			afterSQL = func(after string) string {
				return strings.NewReplacer("{after}", after, "{r}", "j").Replace(j.audit)
			}
		}
	}
	// v as bound is v as stored, its times at the microsecond in UTC: its view is the
	// audit's after, completed by afterSQL with what only the statement computes.
	store.NormalizeTimes(v)
	tg := r.target()
	audit, err := t.AuditFrom(tg.kind+".create", tg.kind, formatID(tg.prefix, P(v).envelope().ID), nil, r.view(v), from, &args, afterSQL)
	if err != nil {
		return err
	}
	sb.WriteString(`, a AS (` + audit + `) SELECT * FROM ` + from)
	b := &pgx.Batch{}
	b.Queue(sb.String(), args...).Query(func(rows pgx.Rows) error {
		var err error
		if r.spec.readJoin != nil {
			err = scanJoined(rows, v, r.spec.readJoin)
		} else {
			err = store.ScanOne(rows, v)
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil // not written: a reference is missing (wrote stays false)
		}
		// Written, unless the server refused the INSERT (a constraint: mapped to the field
		// it names, and everything rolls back). Failing to scan a row the server returned
		// is a defect, and InTenant says the transaction ended all the same.
		*wrote = err == nil
		return r.mapDBError(err)
	})
	return t.SendLast(b)
}

// missingRefs says which of v's references are missing, after an INSERT that found one
// missing did not happen.
func (r repo[T, P]) missingRefs(ctx context.Context, v *T) error {
	var verr store.ValidationError
	err := r.st.Read(ctx, func(t *store.Tx) error {
		b := &pgx.Batch{}
		r.spec.refs(b, nil, v, &verr)
		return t.SendBatch(b).Close()
	})
	if err != nil {
		return fmt.Errorf("check references: %w", err)
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return errRefGone
}
