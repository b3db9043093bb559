package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// FuzzCreateCohortBody posts arbitrary bodies to POST /api/v1/learning/cohorts on one real
// server. Whatever the body, the answer is either 201 with the cohort (whose name is the
// name sent) or an application/problem+json 4xx that wrote nothing; never a 5xx. Bodies an
// independent oracle (fzClassify) knows to be valid must be created; bodies it knows to be
// invalid must be refused.
func FuzzCreateCohortBody(f *testing.F) {
	env := servertest.Start(f)
	token := env.Token(f, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	ctx := context.Background()
	db, err := pgx.Connect(ctx, env.DBURL)
	if err != nil {
		f.Fatalf("connect: %v", err)
	}
	f.Cleanup(func() { _ = db.Close(context.Background()) })
	client := &http.Client{Timeout: 30 * time.Second}

	seeds := []string{
		// Valid.
		`{"name":"Spring 2026 Leadership Programme"}`,
		`{"name":"Spring 2026 Leadership Programme","program_id":"prg-leadership","group_id":"grp-0190a5d1-ac96-774b-bcce-b302099a8057","start_date":"2026-03-02T09:00:00Z","end_date":"2026-06-26T17:00:00Z","status":"scheduled","session_count":12,"facilitator_ids":["per_01jd8x4k2m3n5p6q7r8s9t0v1w"],"completion_required_pct":80,"tags":["leadership","emea"],"metadata":{"cost_center":"CC-1042"}}`,
		`{"name":"c","id":"coh_whatever","tenant_id":"evil","version":7,"created_at":"yesterday","is_deleted":true}`,
		// Edges.
		`{"name":"x","session_count":0,"completion_required_pct":100,"tags":[],"metadata":{}}`,
		`{"name":"` + strings.Repeat("n", 200) + `"}`,
		`{"name":"émoji 🎓 名前 \u00e9\t\"quoted\""}`,
		`{"name":" ","source":"lms","source_type":"system","start_date":"2026-01-01T00:00:00+14:00","end_date":"2026-01-01T00:00:00-12:00"}`,
		`{"name":"c","session_count":1e3}`,
		// Invalid.
		`{"name":5}`,
		`{"name":"c","session_count":"x","tags":"a"}`,
		`{"name":"c","bogus":1}`,
		`{"name":"c","start_date":"2026-06-01T00:00:00Z","end_date":"2026-05-01T00:00:00Z"}`,
		`{"name":"c","completion_required_pct":100.5,"status":"paused"}`,
		`{"name":"c","tags":["a","a"],"group_id":"grp_nope"}`,
		`{"name":`,
		``,
		`null`,
		`[{"name":"c"}]`,
		`{"name":"` + strings.Repeat("n", 201) + `"}`,
		// Known defects (see the report): a NUL reaches PostgreSQL (500); trailing data after
		// the object is ignored (201 for a body that is not JSON).
		`{"name":"a\u0000b"}`,
		`{"name":"c"} x`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}

	countRows := func(t *testing.T) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRow(ctx, `SELECT count(*) FROM cohorts`).Scan(&n); err != nil {
			t.Fatalf("count: %v", err)
		}
		return n
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		before := countRows(t)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.URL+"/api/v1/learning/cohorts", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		raw, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		after := countRows(t)
		verdict, name := fzClassify(body)
		ct := res.Header.Get("Content-Type")

		switch {
		case res.StatusCode >= 500:
			t.Fatalf("%d for body %q: %s", res.StatusCode, body, raw)
		case res.StatusCode == http.StatusCreated:
			if verdict == fzInvalid {
				t.Fatalf("201 for a body that must be refused: %q → %s", body, raw)
			}
			if !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("201 with Content-Type %q", ct)
			}
			var out struct {
				ID   string  `json:"id"`
				Name *string `json:"name"`
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("201 body is not JSON: %v: %s", err, raw)
			}
			if !strings.HasPrefix(out.ID, "coh_") || out.Name == nil {
				t.Fatalf("201 body is not a cohort: %s", raw)
			}
			if verdict == fzValid && *out.Name != name {
				t.Fatalf("201 name %q, sent %q", *out.Name, name)
			}
			if after != before+1 {
				t.Fatalf("201 but cohorts went %d → %d", before, after)
			}
		case res.StatusCode >= 400:
			if verdict == fzValid {
				t.Fatalf("%d for a valid body %q: %s", res.StatusCode, body, raw)
			}
			if !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("%d with Content-Type %q: %s", res.StatusCode, ct, raw)
			}
			var pm map[string]any
			if err := json.Unmarshal(raw, &pm); err != nil {
				t.Fatalf("%d body is not JSON: %v: %s", res.StatusCode, err, raw)
			}
			for _, k := range []string{"type", "title", "detail", "code", "request_id"} {
				if v, _ := pm[k].(string); v == "" {
					t.Fatalf("%d problem without %s: %s", res.StatusCode, k, raw)
				}
			}
			if st, _ := pm["status"].(float64); int(st) != res.StatusCode {
				t.Fatalf("%d problem with status %v: %s", res.StatusCode, pm["status"], raw)
			}
			if after != before {
				t.Fatalf("%d but cohorts went %d → %d", res.StatusCode, before, after)
			}
		default:
			t.Fatalf("unexpected status %d for %q: %s", res.StatusCode, body, raw)
		}
	})
}

// fzVerdict is what an independent reading of the contract says about a create body.
type fzVerdict int

const (
	fzEither  fzVerdict = iota // too intricate to judge here: 201 or a 4xx are both fine
	fzValid                    // must be created
	fzInvalid                  // must be refused
)

// fzCohortFields are the members CohortCreate declares.
var fzCohortFields = map[string]bool{
	"id": true, "tenant_id": true, "app_id": true, "created_at": true, "updated_at": true, "created_by": true,
	"updated_by": true, "is_deleted": true, "deleted_at": true, "deleted_by": true, "schema_version": true,
	"version": true, "current_completion_pct": true,
	"source": true, "source_type": true, "group_id": true, "program_id": true, "name": true, "start_date": true,
	"end_date": true, "status": true, "session_count": true, "facilitator_ids": true, "assigned_assessment_ids": true,
	"completion_required_pct": true, "metadata": true, "tags": true,
}

var fzIgnored = map[string]bool{
	"id": true, "tenant_id": true, "app_id": true, "created_at": true, "updated_at": true, "created_by": true,
	"updated_by": true, "is_deleted": true, "deleted_at": true, "deleted_by": true, "schema_version": true,
	"version": true, "current_completion_pct": true,
}

// fzClassify judges body against the CohortCreate contract. It is deliberately partial:
// it says fzValid only for bodies built from plain members it can check completely, and
// fzInvalid only for clear violations (not JSON, not an object, unknown member, bad name).
func fzClassify(body []byte) (fzVerdict, string) {
	if !json.Valid(body) {
		return fzInvalid, ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil || top == nil {
		return fzInvalid, "" // an array, a scalar or null
	}
	for k := range top {
		if !fzCohortFields[k] {
			return fzInvalid, ""
		}
	}
	rawName, ok := top["name"]
	if !ok {
		return fzInvalid, ""
	}
	var name string
	if err := json.Unmarshal(rawName, &name); err != nil {
		return fzInvalid, "" // not a string
	}
	if n := utf8.RuneCountInString(name); n == 0 || n > 200 {
		return fzInvalid, ""
	}
	if fzDuplicateKeys(body) || !utf8.Valid(body) {
		return fzEither, name
	}
	for k, v := range top {
		if !fzPlainValid(k, v) {
			return fzEither, name
		}
	}
	return fzValid, name
}

// fzPlainValid reports whether member k with value v is certainly acceptable.
func fzPlainValid(k string, v json.RawMessage) bool {
	if fzIgnored[k] {
		var x any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if d.Decode(&x) != nil {
			return false
		}
		switch x := x.(type) {
		case string, bool:
			return true
		case json.Number:
			_, err := strconv.ParseFloat(x.String(), 64)
			return err == nil
		}
		return false
	}
	str := func(min, max int) (string, bool) {
		var s string
		if json.Unmarshal(v, &s) != nil || strings.ContainsRune(s, 0) {
			return "", false
		}
		n := utf8.RuneCountInString(s)
		return s, n >= min && n <= max
	}
	switch k {
	case "name":
		_, ok := str(1, 200)
		return ok
	case "source":
		_, ok := str(1, 64)
		return ok
	case "program_id":
		_, ok := str(1, 128)
		return ok
	case "source_type":
		s, ok := str(1, 16)
		return ok && (s == "frontend" || s == "backend" || s == "server" || s == "system" || s == "api")
	case "status":
		s, ok := str(1, 16)
		return ok && (s == "draft" || s == "scheduled" || s == "active" || s == "completed" || s == "archived")
	case "session_count":
		lit := string(bytes.TrimSpace(v))
		n, err := strconv.Atoi(lit)
		return err == nil && !strings.HasPrefix(lit, "-") && n >= 0 && n <= 10000
	case "completion_required_pct":
		x, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
		return err == nil && x >= 0 && x <= 100
	case "tags":
		var tags []string
		if json.Unmarshal(v, &tags) != nil || tags == nil || len(tags) > 50 {
			return false
		}
		seen := map[string]bool{}
		for _, s := range tags {
			n := utf8.RuneCountInString(s)
			if n < 1 || n > 64 || strings.ContainsRune(s, 0) || seen[s] {
				return false
			}
			seen[s] = true
		}
		return true
	case "metadata":
		var m map[string]string
		if json.Unmarshal(v, &m) != nil || m == nil || len(m) > 100 {
			return false
		}
		for mk, mv := range m {
			if strings.ContainsRune(mk, 0) || strings.ContainsRune(mv, 0) {
				return false
			}
		}
		return true
	}
	return false // ids, dates: left to the server
}

// fzDuplicateKeys reports whether any object in body repeats a member name.
func fzDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		obj    bool
		keys   map[string]bool
		expKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				if top != nil && top.obj {
					top.expKey = true
				}
				stack = append(stack, &frame{obj: true, keys: map[string]bool{}, expKey: true})
			case '[':
				if top != nil && top.obj {
					top.expKey = true
				}
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.obj && top.expKey {
				if top.keys[tok] {
					return true
				}
				top.keys[tok] = true
				top.expKey = false
				continue
			}
			if top != nil && top.obj {
				top.expKey = true
			}
		default:
			if top != nil && top.obj {
				top.expKey = true
			}
		}
	}
}
