package learning

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// readSQL holds a table's by-id SELECTs, prebuilt for each shape table() can give them
// (application-scoped or not, soft-deleted rows included or not, row-locked or not). They
// are the very text GORM builds through table() (reads_test.go proves it), without building
// it again on every get and every update.
type readSQL [2][2][2]string // [app scoped][with deleted][for update]

// readJoin brings a record's read-time fields with its by-id read (and with the row a
// write returns), in the same statement: joins (LATERAL over the row, named {t}; {at}
// stands for the instant they are computed at) whose columns the statement returns beside
// the record's, and fill, which sets the fields from those columns' values.
type readJoin[T any] struct {
	join string
	cols []string // the joined columns, aliased as named here
	fill func(v *T, vals []int64)
	// audit is the SQL of a create's audit after view: {after}, the view Go built of the
	// record as bound, completed with the read-time fields fill would set from {r}, the
	// row with the joined columns (store.Tx.AuditFrom).
	audit string
}

func buildReadSQL(table string) readSQL { return buildReadSQLJoined(table, "", nil) }

// buildReadSQLJoined is buildReadSQL with join's columns cols beside the record's (the
// instant {at} as the statement's last parameter).
func buildReadSQLJoined(table, join string, cols []string) readSQL {
	var r readSQL
	for app := 0; app < 2; app++ {
		for del := 0; del < 2; del++ {
			for lock := 0; lock < 2; lock++ {
				q, n := `SELECT * FROM "`+table+`" WHERE `+table+`.tenant_id = $1`, 2
				if join != "" {
					q = `SELECT "` + table + `".*, ` + strings.Join(cols, ", ") + ` FROM "` + table + `" ` + join + ` WHERE ` + table + `.tenant_id = $1`
				}
				if app == 1 {
					q += ` AND ` + table + `.app_id = $2`
					n = 3
				}
				if del == 0 {
					q += ` AND NOT ` + table + `.is_deleted`
				}
				if join == "" {
					q += ` AND id = $` + strconv.Itoa(n) + ` LIMIT $` + strconv.Itoa(n+1) // as GORM writes it
				} else {
					// No LIMIT: the key finds one row, and a LIMIT parameter would have
					// PostgreSQL plan the joins anew on every call.
					q += ` AND ` + table + `.id = $` + strconv.Itoa(n)
				}
				if lock == 1 {
					q += ` FOR UPDATE`
					if join != "" {
						q += ` OF "` + table + `"`
					}
				}
				r[app][del][lock] = strings.NewReplacer("{at}", "$"+strconv.Itoa(n+1), "{t}", table).Replace(q)
			}
		}
	}
	return r
}

// byID returns the statement and arguments that read one record for the caller.
func (r readSQL) byID(t *store.Tx, id any, v store.Visibility, lock bool) (string, []any) {
	app, del, lk := 0, 0, 0
	args := []any{t.Caller().TenantID}
	if t.Caller().AppID != "" {
		app = 1
		args = append(args, t.Caller().AppID)
	}
	if v == store.WithDeleted {
		del = 1
	}
	if lock {
		lk = 1
	}
	return r[app][del][lk], append(args, id, 1)
}

// byIDJoined is byID for the statements buildReadSQLJoined makes: no LIMIT, the instant
// last.
func (r readSQL) byIDJoined(t *store.Tx, id any, v store.Visibility, lock bool) (string, []any) {
	q, args := r.byID(t, id, v, lock)
	return q, append(args[:len(args)-1], store.Now())
}

// readJoined reads (or, with lock, locks) the record with its read-time fields in one
// statement (readJoin).
func (r repo[T, P]) readJoined(t *store.Tx, id uuid.UUID, v store.Visibility, lock bool, into *T) error {
	q, args := r.joined.byIDJoined(t, id, v, lock)
	rows, err := t.Query(q, args...)
	if err != nil {
		return err
	}
	return scanJoined(rows, into, r.spec.readJoin)
}

// returningJoined is write (an UPDATE … RETURNING *, with params parameters)
// returning its row with j's columns: the instant is parameter params+1.
func returningJoined[T any](write string, params int, j *readJoin[T]) string {
	return `WITH w AS (` + write + `) SELECT w.*, ` + strings.Join(j.cols, ", ") + ` FROM w ` +
		strings.NewReplacer("{at}", "$"+strconv.Itoa(params+1), "{t}", "w").Replace(j.join)
}

// scanJoined scans the one row of rows (a statement of readJoin j) into into and fills its
// read-time fields.
func scanJoined[T any](rows pgx.Rows, into *T, j *readJoin[T]) error {
	vals := make([]int64, len(j.cols))
	extra := make(map[string]any, len(vals))
	for i, c := range j.cols {
		extra[c[strings.LastIndex(c, " ")+1:]] = &vals[i] // "expr AS name"
	}
	if err := store.ScanOneWith(rows, into, extra); err != nil {
		return err
	}
	j.fill(into, vals)
	return nil
}
