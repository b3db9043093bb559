package learning

import (
	"encoding/json"
	"reflect"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// auditTarget is how the audit log names an envelope table's records: the target type
// (also the action's prefix, "cohort.update") and the TypeID prefix of their ids.
type auditTarget struct {
	kind, prefix string
}

var auditTargets = map[string]auditTarget{
	"cohorts":     {kind: "cohort", prefix: typeid.Cohort},
	"assessments": {kind: "assessment", prefix: typeid.Assessment},
}

// auditIDColumns are the uuid columns holding ids of a known type; the audit views show
// them as TypeIDs, as the API does. A record's own "id" takes its table's prefix.
var auditIDColumns = map[string]string{
	"created_by": typeid.Person, "updated_by": typeid.Person, "deleted_by": typeid.Person,
	"responsible_user_id": typeid.Person, "respondent_id": typeid.Person,
	"group_id": typeid.Group, "target_group_id": typeid.Group,
	"target_cohort_id": typeid.Cohort, "assessment_id": typeid.Assessment,
}

// auditView renders a record for the audit log's before/after: a JSON object of its
// columns (the gorm column tags, snake_case like the v1 API) → values, with ids as TypeIDs
// (the record's own id with idPrefix) and jsonb columns as the JSON they hold. It is
// written straight into bytes, in column order (jsonb orders the keys when stored), so a
// write's audit costs no map and no second encoding; nil when a value cannot be encoded
// (store.Tx.Audit then fails the write).
func auditView(v any, idPrefix string) json.RawMessage {
	rv := reflect.ValueOf(v).Elem()
	cols := store.ColumnsOf(rv.Type())
	buf := make([]byte, 0, 64*len(cols.Ordered))
	buf = append(buf, '{')
	for i, name := range cols.Ordered {
		if i > 0 {
			buf = append(buf, ',')
		}
		prefix := auditIDColumns[name]
		if name == "id" {
			prefix = idPrefix
		}
		buf = append(append(append(buf, '"'), name...), '"', ':') // column names are [a-z_]
		var ok bool
		if buf, ok = appendAuditValue(buf, rv.FieldByIndex(cols.ByName[name]).Interface(), prefix); !ok {
			return nil
		}
	}
	return append(buf, '}')
}

// appendAuditValue appends v's JSON: ids as TypeIDs (ASCII, nothing to escape), jsonb
// columns as the JSON their Value encodes, the rest as encoding/json writes them.
func appendAuditValue(buf []byte, v any, prefix string) ([]byte, bool) {
	switch x := v.(type) {
	case uuid.UUID:
		return append(append(append(buf, '"'), formatID(prefix, x)...), '"'), true
	case *uuid.UUID:
		if x == nil {
			return append(buf, "null"...), true
		}
		return append(append(append(buf, '"'), formatID(prefix, *x)...), '"'), true
	case interface{ JSONBytes() ([]byte, error) }: // the jsonb columns (store.JSON)
		b, err := x.JSONBytes()
		return append(buf, b...), err == nil
	}
	if out, ok := appendPlain(buf, v); ok {
		return out, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, false
	}
	return append(buf, b...), true
}

// appendPlain appends, without encoding/json's reflection, the JSON of the plain column
// values every record has (text, integers, booleans, times, and pointers to them), exactly
// as json.Marshal writes it; false for anything else, or a value json.Marshal would
// escape or refuse (a string with a quote, a backslash, a control, HTML or non-ASCII
// character; a year outside 0–9999; a time not in UTC), which the caller leaves to
// json.Marshal.
func appendPlain(buf []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case string:
		for i := 0; i < len(x); i++ {
			if c := x[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return buf, false
			}
		}
		return append(append(append(buf, '"'), x...), '"'), true
	case int:
		return strconv.AppendInt(buf, int64(x), 10), true
	case bool:
		return strconv.AppendBool(buf, x), true
	case time.Time:
		if y := x.Year(); y < 0 || y > 9999 || x.Location() != time.UTC {
			return buf, false // json.Marshal refuses such years, and offsets of 24 hours or more
		}
		return append(x.AppendFormat(append(buf, '"'), time.RFC3339Nano), '"'), true
	case *string:
		if x == nil {
			return append(buf, "null"...), true
		}
		return appendPlain(buf, *x)
	case *int:
		if x == nil {
			return append(buf, "null"...), true
		}
		return appendPlain(buf, *x)
	case *time.Time:
		if x == nil {
			return append(buf, "null"...), true
		}
		return appendPlain(buf, *x)
	}
	return buf, false
}

func formatID(prefix string, u uuid.UUID) string {
	if prefix == "" {
		return u.String()
	}
	return typeid.Format(prefix, u)
}

// view is the audit view of v as it stands; its read-time fields (a cohort's
// current_completion_pct) came with its read or its write (lock, writeRecordFrom). A
// create's view is the record as bound, completed in SQL (insertLast, readJoin.audit).
func (r repo[T, P]) view(v *T) json.RawMessage { return auditView(v, r.target().prefix) }

// target names this table's records in the audit log.
func (r repo[T, P]) target() auditTarget {
	if tg, ok := auditTargets[r.spec.name]; ok {
		return tg
	}
	return auditTarget{kind: r.spec.name}
}

// recordWrite writes the audit entry of a change to a stored record on this table
// ("cohort.update"; a create writes its own, insertLast): before is the view taken
// before the change; after is the record as stored, with its read-time fields. A nil
// before failed to encode, and Audit says so.
func (r repo[T, P]) recordWrite(t *store.Tx, op string, before json.RawMessage, after *T) error {
	tg := r.target()
	return t.Audit(tg.kind+"."+op, tg.kind, formatID(tg.prefix, P(after).envelope().ID), before, r.view(after))
}
