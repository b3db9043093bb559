package learning

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// TestAuditView: the audit view, written straight into JSON, is a valid object of every
// column: ids as TypeIDs, nil pointers as null, jsonb columns as the JSON they hold, text
// escaped; a value JSON cannot hold makes no view (and so fails the write's audit).
func TestAuditView(t *testing.T) {
	t.Parallel()
	id, grp, person := uuid.New(), uuid.New(), uuid.New()
	start := time.Date(2027, 1, 2, 3, 4, 5, 6000, time.UTC)
	pct := 42.5
	c := Cohort{
		Envelope: Envelope{TenantID: "t1", ID: id, CreatedBy: &person, CreatedAt: start, Version: 3},
		GroupID:  &grp, Name: `quote " and \ and 日本`, StartDate: &start, CompletionRequiredPct: &pct,
		FacilitatorIDs: store.JSON[[]string]{V: []string{"per_a", "per_b"}},
		Metadata:       store.JSON[map[string]any]{V: map[string]any{"k": []any{1.5, "x"}}},
		Tags:           store.JSON[[]string]{V: []string{}},
	}
	raw := auditView(&c, typeid.Cohort)
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	want := map[string]any{
		"id": typeid.Format(typeid.Cohort, id), "group_id": typeid.Format(typeid.Group, grp),
		"created_by": typeid.Format(typeid.Person, person), "updated_by": nil, "deleted_at": nil,
		"name": c.Name, "start_date": "2027-01-02T03:04:05.000006Z", "completion_required_pct": 42.5,
		"version": 3.0, "tenant_id": "t1",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if f, ok := got["facilitator_ids"].([]any); !ok || len(f) != 2 || f[1] != "per_b" {
		t.Errorf("facilitator_ids = %#v", got["facilitator_ids"])
	}
	if m, ok := got["metadata"].(map[string]any); !ok || len(m["k"].([]any)) != 2 {
		t.Errorf("metadata = %#v", got["metadata"])
	}
	if tags, ok := got["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tags = %#v", got["tags"])
	}
	if n := len(store.ColumnsOf(reflect.TypeOf(c)).Ordered); len(got) != n {
		t.Errorf("%d members, want one per column (%d)", len(got), n)
	}
	nan := math.NaN()
	c.CompletionRequiredPct = &nan
	if v := auditView(&c, typeid.Cohort); v != nil {
		t.Errorf("a NaN made a view: %s", v)
	}
}

// TestTimesKept: a time decoded from JSON and the same instant read back from PostgreSQL
// are kept (and after takes before's value); another instant, or a nil on one side, is a
// change; updated_at is the store's own.
func TestTimesKept(t *testing.T) {
	t.Parallel()
	read := time.Date(2027, 3, 1, 9, 0, 0, 0, time.Local)
	decoded := read.In(time.FixedZone("UTC+2", 7200))
	before := Cohort{StartDate: &read, Envelope: Envelope{UpdatedAt: read}}
	after := Cohort{StartDate: &decoded, Envelope: Envelope{UpdatedAt: read.Add(time.Hour)}}
	if !timesKept(&before, &after) || after.StartDate.Location() != time.Local {
		t.Errorf("the same instant: kept = false or after not given before's value (%v)", after.StartDate)
	}
	later := read.Add(time.Microsecond)
	after.StartDate = &later
	if timesKept(&before, &after) {
		t.Error("another instant was kept")
	}
	after.StartDate = nil
	if timesKept(&before, &after) {
		t.Error("a cleared date was kept")
	}
}

// TestAppendPlainIsJSONMarshal: the audit view's fast path writes every plain value byte
// for byte as json.Marshal does, and leaves to it what it would escape or refuse.
func TestAppendPlainIsJSONMarshal(t *testing.T) {
	t.Parallel()
	s, n, ts := "plain text", 7, time.Date(2026, 12, 6, 14, 32, 17, 123456000, time.UTC)
	paris := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	cases := []any{
		"", "name-1 (draft) @ 50%", `quote "`, `back\slash`, "<b>", "a & b", "tab\t", "日本", "\u2028", "bad \xff",
		0, -12, math.MaxInt64, true, false,
		ts, paris, time.Time{}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		&s, (*string)(nil), &n, (*int)(nil), &ts, (*time.Time)(nil), 1.5, []string{"x"},
	}
	for _, v := range cases {
		want, werr := json.Marshal(v)
		got, ok := appendPlain([]byte("prefix:"), v)
		if !ok {
			if werr == nil && isPlainKind(v) && plainSafe(string(want)) {
				t.Errorf("%#v: fast path declined a plain value json writes as %s", v, want)
			}
			if string(got) != "prefix:" {
				t.Errorf("%#v: declined but appended %q", v, got)
			}
			continue
		}
		if werr != nil || string(got) != "prefix:"+string(want) {
			t.Errorf("%#v: got %s, json.Marshal %s (%v)", v, got, want, werr)
		}
	}
}

func isPlainKind(v any) bool {
	switch v.(type) {
	case int, bool, *int, *string:
		return true
	}
	return false
}

// plainSafe: json.Marshal's output holds no escape.
func plainSafe(s string) bool { return !strings.Contains(s, `\`) }
