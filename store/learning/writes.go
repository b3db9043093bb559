package learning

import (
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/learnd/learnd/store"
)

// writeSQL is a table's INSERT and UPDATE, built once from the record type's columns, with
// the field index of every bound column: writes bind values straight from the record
// instead of having a statement built by reflection on every call.
type writeSQL struct {
	// insertSelect inserts the row as a SELECT of its values, to which a create adds
	// its WHERE and RETURNING (insertLast).
	insertSelect, update string
	updateQuiet          string // update without RETURNING
	// updateJoined returns the row with the table's readJoin columns (the instant last);
	// empty without one.
	updateJoined           string
	insertCols, updateCols [][]int
}

// buildWriteSQL prepares the statements: INSERT sets every column but the computed ones;
// UPDATE sets every column but the immutable and computed ones, keyed by tenant and id,
// and returns the stored row.
func buildWriteSQL(table string, t reflect.Type, computed []string) writeSQL {
	cols := store.ColumnsOf(t)
	var w writeSQL
	var ins, set []string
	for _, c := range cols.Ordered {
		if slices.Contains(computed, c) {
			continue
		}
		ins = append(ins, `"`+c+`"`)
		w.insertCols = append(w.insertCols, cols.ByName[c])
		if slices.Contains(immutableColumns, c) {
			continue
		}
		w.updateCols = append(w.updateCols, cols.ByName[c])
		set = append(set, `"`+c+`"=$`+strconv.Itoa(len(w.updateCols)))
	}
	ph := make([]string, len(ins))
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	n := len(w.updateCols)
	w.insertSelect = `INSERT INTO "` + table + `" (` + strings.Join(ins, ",") + `) SELECT ` + strings.Join(ph, ",")
	w.updateQuiet = `UPDATE "` + table + `" SET ` + strings.Join(set, ",") +
		` WHERE tenant_id = $` + strconv.Itoa(n+1) + ` AND id = $` + strconv.Itoa(n+2)
	w.update = w.updateQuiet + ` RETURNING *`
	return w
}

// args reads the bound values off a record.
func bindArgs(rv reflect.Value, cols [][]int, extra ...any) []any {
	out := make([]any, 0, len(cols)+len(extra))
	for _, idx := range cols {
		out = append(out, rv.FieldByIndex(idx).Interface())
	}
	return append(out, extra...)
}
