package learning

import (
	"strconv"

	"github.com/learnd/learnd/store"
)

// readSQL holds a table's by-id SELECTs, prebuilt for each shape table() can give them
// (application-scoped or not, soft-deleted rows included or not, row-locked or not). They
// are the very text GORM builds through table() (reads_test.go proves it), without building
// it again on every get and every update.
type readSQL [2][2][2]string // [app scoped][with deleted][for update]

func buildReadSQL(table string) readSQL {
	var r readSQL
	for app := 0; app < 2; app++ {
		for del := 0; del < 2; del++ {
			for lock := 0; lock < 2; lock++ {
				q, n := `SELECT * FROM "`+table+`" WHERE `+table+`.tenant_id = $1`, 2
				if app == 1 {
					q += ` AND ` + table + `.app_id = $2`
					n = 3
				}
				if del == 0 {
					q += ` AND NOT ` + table + `.is_deleted`
				}
				q += ` AND id = $` + strconv.Itoa(n) + ` LIMIT $` + strconv.Itoa(n+1)
				if lock == 1 {
					q += ` FOR UPDATE`
				}
				r[app][del][lock] = q
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
