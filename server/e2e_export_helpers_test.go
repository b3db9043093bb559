package server_test

// Helpers of the CSV export tests (e2e_export_*_test.go).

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"testing"

	"github.com/learnd/learnd/server/servertest"
)

// expGet sends GET path?query with token and Accept (none when "").
func expGet(t *testing.T, env *servertest.Env, token, path string, query url.Values, accept string) e2eRaw {
	t.Helper()
	u := env.URL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	h := map[string]string{}
	if accept != "" {
		h["Accept"] = accept
	}
	return e2eDo(t, "GET", u, token, nil, h)
}

// expCSV checks that r is a complete CSV download named filename and returns its header
// row and the rows after it, each as a map from column to cell.
func expCSV(t *testing.T, r e2eRaw, filename string) ([]string, []map[string]string) {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d, want 200: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv" {
		t.Errorf("Content-Type %q, want text/csv", ct)
	}
	if cd, want := r.Header.Get("Content-Disposition"), `attachment; filename="`+filename+`"`; cd != want {
		t.Errorf("Content-Disposition %q, want %q", cd, want)
	}
	if !bytes.HasSuffix(r.Body, []byte("\r\n")) {
		t.Errorf("body does not end with CRLF: %q", expTail(r.Body))
	}
	recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, r.Body)
	}
	if len(recs) == 0 {
		t.Fatal("no header row")
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, col := range recs[0] {
			m[col] = rec[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows
}

// expTail is the end of b, for messages.
func expTail(b []byte) []byte {
	if len(b) > 80 {
		return b[len(b)-80:]
	}
	return b
}

// expCol is one column of rows.
func expCol(rows []map[string]string, col string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[col]
	}
	return out
}

// deref is *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	if p == nil {
		return *new(T)
	}
	return *p
}
