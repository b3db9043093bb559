package learning

import (
	"reflect"
	"time"

	"github.com/learnd/learnd/store"
)

// What an update keeps of the record it locked: the columns it never writes, and the
// times it did not change (generic.go's Update and writeRecordFrom).

// keepColumns copies the named columns of from into to.
func keepColumns[T any](from, to *T, names []string) {
	f, t := reflect.ValueOf(from).Elem(), reflect.ValueOf(to).Elem()
	cols := store.ColumnsOf(f.Type())
	for _, name := range names {
		if idx, ok := cols.ByName[name]; ok {
			t.FieldByIndex(idx).Set(f.FieldByIndex(idx))
		}
	}
}

// timesKept reports whether every time column of after but updated_at (which the store
// sets, to the microsecond in UTC) holds the instant it held before, and gives after
// before's values of them (a time read back from PostgreSQL and the same one decoded from
// JSON differ in location only), so after is what a read of the stored row returns.
func timesKept[T any](before, after *T) bool {
	b, a := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	cols := store.ColumnsOf(b.Type())
	for _, name := range cols.Ordered {
		if name == "updated_at" {
			continue
		}
		idx := cols.ByName[name]
		fb, fa := b.FieldByIndex(idx), a.FieldByIndex(idx)
		switch vb := fb.Interface().(type) {
		case time.Time:
			if !vb.Equal(fa.Interface().(time.Time)) {
				return false
			}
		case *time.Time:
			va := fa.Interface().(*time.Time)
			if (vb == nil) != (va == nil) || (vb != nil && !vb.Equal(*va)) {
				return false
			}
		default:
			continue
		}
	}
	for _, name := range cols.Ordered {
		if name == "updated_at" {
			continue
		}
		idx := cols.ByName[name]
		switch b.FieldByIndex(idx).Interface().(type) {
		case time.Time, *time.Time:
			a.FieldByIndex(idx).Set(b.FieldByIndex(idx))
		}
	}
	return true
}
