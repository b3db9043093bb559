package learning

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/learnd/learnd/store"
)

// record is what a table row of the envelope kind must offer the generic repository.
type record interface {
	envelope() *Envelope
	validate() error
}

type recordPtr[T any] interface {
	*T
	record
}

// tableSpec describes one envelope table to the generic repository.
type tableSpec[T any] struct {
	name          string
	schemaVersion int
	orders        map[string]ordering[T]      // order_by whitelist
	fkPointers    map[string]store.FieldError // constraint name → field error
	computed      []string                    // columns the server computes; writes never set them
	// refs queues, in the write's pipeline before the write itself, the check that the
	// record's references name records the caller can see (live, same tenant and
	// application): the foreign keys alone cannot, as they see past row-level security and
	// soft delete. On an update (before not nil) only the references the update adds are
	// checked: those the record kept were checked when it was written, and an update that
	// leaves them alone does not fail because one of them went away since. Violations go
	// to verr (malformed ids at once, missing ones when the result is read); a violation
	// rolls the write back. A create runs it only to say which reference is missing once
	// refsCond kept its INSERT from happening.
	refs func(b *pgx.Batch, before, v *T, verr *store.ValidationError)
	// refsCond is refs as a condition of a create's INSERT: SQL that holds when every
	// reference of v is found, over parameters it adds to args; "" when v has none.
	// Malformed ids go to verr at once.
	refsCond func(v *T, args *store.Args, verr *store.ValidationError) string
	// computedKept, on an update, reports whether the record's read-time fields stay as
	// they were before it (what they are computed from did not change); the write then
	// computes nothing and keeps them. Nil: always recompute.
	computedKept func(before, after *T) bool
	// readJoin, when set, computes the record's read-time fields in the statement that
	// reads it (by id, or locked) or writes it (RETURNING). Nil: the record has none.
	readJoin *readJoin[T]
}

// repo implements get, create, update, delete, restore and list for an envelope table.
type repo[T any, P recordPtr[T]] struct {
	st   *store.Store
	spec tableSpec[T]
	read readSQL
	// joined is read with readJoin's columns (when the spec has one).
	joined readSQL
	write  writeSQL
}

func newRepo[T any, P recordPtr[T]](s *store.Store, spec tableSpec[T]) repo[T, P] {
	r := repo[T, P]{st: s, spec: spec, read: buildReadSQL(spec.name), write: buildWriteSQL(spec.name, reflect.TypeFor[T](), spec.computed)}
	if spec.readJoin != nil {
		r.joined = buildReadSQLJoined(spec.name, spec.readJoin.join, spec.readJoin.cols)
		r.write.updateJoined = returningJoined(r.write.update, len(r.write.updateCols)+2, spec.readJoin)
	}
	return r
}

// Get returns one record, with the fields the store computes on read, in one round trip.
func (r repo[T, P]) Get(ctx context.Context, id uuid.UUID, includeDeleted bool) (*T, error) {
	v := store.LiveOnly
	if includeDeleted {
		v = store.WithDeleted
	}
	var out T
	err := r.st.Read(ctx, func(t *store.Tx) error {
		if r.spec.readJoin != nil {
			return r.readJoined(t, id, v, false, &out)
		}
		q, args := r.read.byID(t, id, v, false)
		return store.QueryOne(t, q, args, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", r.spec.name, err)
	}
	return &out, nil
}

// Create stamps the envelope on v, validates it and inserts it with its audit row, in one
// statement that travels with the COMMIT (insertLast).
func (r repo[T, P]) Create(ctx context.Context, v *T) error {
	var err error
	for attempt := 1; ; attempt++ {
		if err = r.create(ctx, v); !errors.Is(err, errRefGone) || attempt == createAttempts {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", r.spec.name, err)
	}
	return nil
}

// createAttempts: a create whose INSERT found a reference missing that the check after
// it found (committed in between, e.g. a group created at the same time) is written again.
const createAttempts = 3

func (r repo[T, P]) create(ctx context.Context, v *T) error {
	wrote := false
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		e := P(v).envelope()
		ts := store.Now()
		person := t.Caller().PersonID
		*e = Envelope{
			TenantID: t.Caller().TenantID, ID: uuid.Must(uuid.NewV7()),
			CreatedAt: ts, UpdatedAt: ts, CreatedBy: &person, UpdatedBy: &person,
			Source: e.Source, SourceType: e.SourceType,
			SchemaVersion: r.spec.schemaVersion, Version: 1,
		}
		if t.Caller().AppID != "" {
			app := t.Caller().AppID
			e.AppID = &app
		}
		if e.Source == "" {
			e.Source = DefaultSource
		}
		if e.SourceType == "" {
			e.SourceType = DefaultSourceType
		}
		if err := P(v).validate(); err != nil {
			return err
		}
		return r.insertLast(t, v, &wrote)
	})
	if err == nil && !wrote {
		err = r.missingRefs(ctx, v)
	}
	return err
}

// Update locks the record, checks the caller's version, applies mutate, validates the
// result and writes it with the version bumped. mutate must assign new values, not write
// through the record's pointers or slices: the record as read is kept to compare with
// (which references were added, whether a time changed).
func (r repo[T, P]) Update(ctx context.Context, id uuid.UUID, expected int, mutate func(cur *T) error) (*T, error) {
	var cur T
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := r.lock(t, id, store.LiveOnly, &cur); err != nil {
			return err
		}
		e := P(&cur).envelope()
		if e.Version != expected {
			return &store.VersionMismatchError{Expected: expected, Current: e.Version}
		}
		before := r.view(&cur)
		prev := cur
		saved := *e
		if err := mutate(&cur); err != nil {
			return err
		}
		e = P(&cur).envelope()
		src, srcType := e.Source, e.SourceType
		*e = saved
		if src != "" {
			e.Source = src
		}
		if srcType != "" {
			e.SourceType = srcType
		}
		keepColumns(&prev, &cur, r.spec.computed) // an update never writes them: they stay as stored
		if err := P(&cur).validate(); err != nil {
			return err
		}
		r.touch(t, e)
		args := bindArgs(reflect.ValueOf(&cur).Elem(), r.write.updateCols, e.TenantID, e.ID)
		if err := r.writeRecordFrom(t, &prev, &cur, r.write.update, r.write.updateQuiet, args); err != nil {
			return err
		}
		return r.recordWrite(t, "update", before, &cur)
	})
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", r.spec.name, err)
	}
	return &cur, nil
}

// Delete soft-deletes the record.
func (r repo[T, P]) Delete(ctx context.Context, id uuid.UUID, expected int) (*T, error) {
	var cur T
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := r.lock(t, id, store.LiveOnly, &cur); err != nil {
			return err
		}
		e := P(&cur).envelope()
		if e.Version != expected {
			return &store.VersionMismatchError{Expected: expected, Current: e.Version}
		}
		before := r.view(&cur)
		r.touch(t, e)
		person := t.Caller().PersonID
		e.IsDeleted, e.DeletedAt, e.DeletedBy = true, &e.UpdatedAt, &person
		if err := r.writeEnvelope(t, e); err != nil {
			return err
		}
		return r.recordWrite(t, "delete", before, &cur)
	})
	if err != nil {
		return nil, fmt.Errorf("delete %s: %w", r.spec.name, err)
	}
	return &cur, nil
}

// Restore undoes a soft delete. expected, when given, must match.
func (r repo[T, P]) Restore(ctx context.Context, id uuid.UUID, expected *int) (*T, error) {
	var cur T
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := r.lock(t, id, store.WithDeleted, &cur); err != nil {
			return err
		}
		e := P(&cur).envelope()
		if !e.IsDeleted {
			return store.ErrNotDeleted
		}
		if expected != nil && e.Version != *expected {
			return &store.VersionMismatchError{Expected: *expected, Current: e.Version}
		}
		before := r.view(&cur)
		r.touch(t, e)
		e.IsDeleted, e.DeletedAt, e.DeletedBy = false, nil, nil
		if err := r.writeEnvelope(t, e); err != nil {
			return err
		}
		return r.recordWrite(t, "restore", before, &cur)
	})
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", r.spec.name, err)
	}
	return &cur, nil
}

// writeRecordFrom sends, in one pipeline, the reference checks of an update from before
// (not nil), the update (sql, RETURNING the stored row into v) and the statements of its
// read-time fields. When the read-time fields stay as they were before (computedKept),
// they are carried over instead of computed again. quiet is sql without its RETURNING,
// for an update that goes last (below).
func (r repo[T, P]) writeRecordFrom(t *store.Tx, before, v *T, sql, quiet string, args []any) error {
	keep := r.spec.computedKept != nil && r.spec.computedKept(before, v)
	var verr store.ValidationError
	b := &pgx.Batch{}
	if r.spec.refs != nil {
		r.spec.refs(b, before, v, &verr)
		if err := verr.Err(); err != nil {
			return err
		}
	}
	// An update with no reference to check, nothing to compute afterwards and no time
	// changed is the operation's last write: it travels with the audit row and the COMMIT.
	// The audit's after is v as bound, which is v as stored: a time given with an offset
	// or below the microsecond would be stored otherwise, so such an update reads its row
	// back first (as a create does).
	last := len(b.QueuedQueries) == 0 && (r.spec.readJoin == nil || keep) && timesKept(before, v)
	if last {
		// v is what the row becomes (the lock holds it, so the UPDATE finds it): it need
		// not come back. Its jsonb columns are made what a read returns (omitempty members,
		// nil and empty lists).
		if err := store.NormalizeJSON(v); err != nil {
			return err
		}
		b.Queue(quiet, args...).Query(func(rows pgx.Rows) error {
			rows.Close()
			if err := rows.Err(); err != nil {
				return r.mapDBError(err)
			}
			if n := rows.CommandTag().RowsAffected(); n != 1 {
				return fmt.Errorf("the locked row was not updated (%d rows)", n) // cannot happen under the lock
			}
			return nil
		})
		return t.SendLast(b)
	}
	if joined := r.write.updateJoined; joined != "" && !keep {
		// The row comes back with its read-time fields, computed in the same statement.
		b.Queue(joined, append(args, store.Now())...).Query(func(rows pgx.Rows) error {
			return r.mapDBError(scanJoined(rows, v, r.spec.readJoin))
		})
	} else {
		b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			if err := store.ScanOne(rows, v); err != nil {
				return r.mapDBError(err) // the write's own failure (a constraint) says which field
			}
			if keep {
				keepColumns(before, v, r.spec.computed) // the RETURNING row carried the stored columns
			}
			return nil
		})
	}
	err := t.SendBatch(b).Close()
	if verr := verr.Err(); verr != nil {
		return verr // the write, if it ran, rolls back with the transaction
	}
	return err
}

// visible reports whether a live record with this id exists for the caller in table.
func visible(t *store.Tx, table string, id uuid.UUID) (bool, error) {
	rows, err := store.QueryRows[struct {
		ID uuid.UUID `gorm:"column:id"`
	}](t, t.Table(table, store.LiveOnly).Select("id").Where("id = ?", id).Limit(1), 1)
	return len(rows) == 1, err
}

// lock reads the record FOR UPDATE with its read-time fields, in one statement.
func (r repo[T, P]) lock(t *store.Tx, id uuid.UUID, v store.Visibility, into *T) error {
	if r.spec.readJoin != nil {
		return r.readJoined(t, id, v, true, into)
	}
	q, args := r.read.byID(t, id, v, true)
	return store.QueryOne(t, q, args, into)
}

// touch bumps the version and the update stamps.
func (r repo[T, P]) touch(t *store.Tx, e *Envelope) {
	person := t.Caller().PersonID
	e.Version++
	e.UpdatedAt = store.Now()
	e.UpdatedBy = &person
}

func (r repo[T, P]) writeEnvelope(t *store.Tx, e *Envelope) error {
	_, err := store.ExecBuilt(t, t.TenantTable(r.spec.name).Where("id = ?", e.ID).Updates(map[string]any{
		"version": e.Version, "updated_at": e.UpdatedAt, "updated_by": e.UpdatedBy,
		"is_deleted": e.IsDeleted, "deleted_at": e.DeletedAt, "deleted_by": e.DeletedBy,
	}))
	return err
}

// mapDBError turns constraint violations the API can explain into validation errors.
func (r repo[T, P]) mapDBError(err error) error {
	var pg *pgconn.PgError
	if err == nil || !errors.As(err, &pg) {
		return err
	}
	if fe, ok := r.spec.fkPointers[pg.ConstraintName]; ok && pg.Code == "23503" {
		return &store.ValidationError{Fields: []store.FieldError{fe}}
	}
	if pg.Code == "23514" { // check_violation: the API's own validation should have caught it
		return &store.ValidationError{Fields: []store.FieldError{{Pointer: "", Detail: "violates " + strings.TrimPrefix(pg.ConstraintName, r.spec.name+"_")}}}
	}
	return err
}

// IsNotFound is a convenience for errors.Is(err, ErrNotFound).
func IsNotFound(err error) bool {
	return errors.Is(err, store.ErrNotFound)
}
